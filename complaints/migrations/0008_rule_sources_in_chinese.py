"""The seeded rate formula and backlog rule name their sources as the pages show them, in
Chinese (the rates and backlog pages show a rule's source as it is stored)."""

from django.db import migrations

SOURCES = {
    "RateFormula": (
        "DESIGN.md §6 default weights 30/35/35 (each city sets its own)",
        "12345 热线考核默认权重：响应率30、解决率35、满意率35（各市自行确定）",
    ),
    "BacklogRule": (
        "Local default: overdue by 30 days or brought 3 times (configurable)",
        "本地默认：超期30日或重复信访3次认定为积案（可配置）",
    ),
}


def rename(apps, schema_editor, forward=True):
    for model, (old, new) in SOURCES.items():
        before, after = (old, new) if forward else (new, old)
        apps.get_model("complaints", model).objects.filter(version=1, source=before).update(
            source=after
        )


def unrename(apps, schema_editor):
    rename(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_review_bodies")]

    operations = [migrations.RunPython(rename, unrename)]
