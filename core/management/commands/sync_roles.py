from django.core.management.base import BaseCommand

from core.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the role groups and their permissions (idempotent)."

    def handle(self, *args, **options) -> None:
        groups = sync_roles()
        self.stdout.write(f"{len(groups)} roles in place")
