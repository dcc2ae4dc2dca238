from django.db import migrations


def seed_sectors(apps, schema_editor):
    from core.sector_seed import SECTOR_SEED

    Sector = apps.get_model("core", "Sector")
    for code, name, children in SECTOR_SEED:
        parent, _ = Sector.objects.get_or_create(
            code=code, defaults={"name": name, "path": f"/{code}/", "depth": 0}
        )
        for child_code, child_name in children:
            Sector.objects.get_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "parent": parent,
                    "path": f"{parent.path}{child_code}/",
                    "depth": 1,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed_sectors, migrations.RunPython.noop)]
