"""The seeded risk band sets name their sources as the pages show them: in Chinese, with the
clause of GB/T 33000-2016 written out (the pages show a rule's source as it is stored)."""

from django.db import migrations

OLD_GENERAL = "安委办〔2016〕11号 four colours; GB/T 33000-2016 §5.5.1; common practice"
NEW_GENERAL = "安委办〔2016〕11号 四色分级；GB/T 33000-2016 第5.5.1条；通行做法"
SOURCES = {
    "lec": ("LEC (Graham–Kinney) as commonly applied under ", "LEC（格雷厄姆—金尼法）通行做法，依据 "),
    "matrix": ("Risk matrix as commonly applied under ", "风险矩阵通行做法，依据 "),
}


def rename(apps, schema_editor, forward=True):
    RiskBandSet = apps.get_model("hazards", "RiskBandSet")
    for method, (old, new) in SOURCES.items():
        before, after = old + OLD_GENERAL, new + NEW_GENERAL
        if not forward:
            before, after = after, before
        RiskBandSet.objects.filter(method=method, version=1, source=before).update(source=after)


def unrename(apps, schema_editor):
    rename(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0006_statistics_due_provisional")]

    operations = [migrations.RunPython(rename, unrename)]
