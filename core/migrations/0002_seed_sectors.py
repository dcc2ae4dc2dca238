from django.db import migrations


def seed_sectors(apps, schema_editor):
    from core.sector_seed import seed_sectors as seed

    seed(apps.get_model("core", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed_sectors, migrations.RunPython.noop)]
