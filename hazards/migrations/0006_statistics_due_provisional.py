import chinese_calendar
from django.db import migrations, models


def mark_days_without_holidays(apps, schema_editor):
    """Due days already stored in a year with no holiday data were counted by weekends alone:
    mark them provisional so the recount (workflow.clocks.recount_provisional) settles them."""
    statistics = apps.get_model("hazards", "EnterpriseStatistics")
    calendar_year = apps.get_model("workflow", "CalendarYear")
    last_known = max(day.year for day in chinese_calendar.holidays)
    entered = set(calendar_year.objects.values_list("year", flat=True))
    for year in statistics.objects.filter(due_on__year__gt=last_known).dates("due_on", "year"):
        if year.year not in entered:
            statistics.objects.filter(due_on__year=year.year).update(due_provisional=True)


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0005_enforcement_penalty_kinds"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprisestatistics",
            name="due_provisional",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Counted without the year's official holidays; recounted when they are "
                    "entered."
                ),
                verbose_name="due date provisional",
            ),
        ),
        migrations.RunPython(mark_days_without_holidays, migrations.RunPython.noop),
    ]
