"""`manage.py open311_key NAME`: an API key for the Open311 client NAME (DESIGN.md §3).

The first run creates the client and prints its key, once: only a digest is stored, so a lost
key cannot be shown again. Run again for the same NAME, it refuses; with `--rotate` it issues a
new key and the old one stops working; `--revoke` sets the client inactive (a rotate makes it
active again). A running server trusts a key it has seen for up to 30 seconds.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.open311.keys import KeyExists, issue_key, revoke_key
from core.audit import audit_context


class Command(BaseCommand):
    help = "Create an Open311 client and print its API key (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the client's name, e.g. the app or partner sending")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="replace the key of an existing client; the old key stops working",
        )
        parser.add_argument(
            "--revoke", action="store_true", help="set the client inactive: its key stops working"
        )

    def handle(self, *args: Any, name: str, rotate: bool, revoke: bool, **options: Any) -> None:
        name = name.strip()
        if not name or len(name) > 100:
            raise CommandError("NAME must be 1 to 100 characters.")
        if revoke:
            self.revoke(name)
            return
        try:
            with audit_context(source="open311_key"):
                client, key, created = issue_key(name, rotate=rotate)
        except KeyExists:
            raise CommandError(
                f"Open311 client {name!r} already has a key, which cannot be shown again. "
                f"Run `manage.py open311_key {name} --rotate` to replace it "
                "(the old key stops working)."
            ) from None
        action = "Created Open311 client" if created else "New key for Open311 client"
        self.stderr.write(f"{action} {client.name!r}. Keep this key; it is not shown again:")
        self.stdout.write(key)

    def revoke(self, name: str) -> None:
        with audit_context(source="open311_key"):
            client = revoke_key(name)
        if client is None:
            raise CommandError(f"There is no Open311 client {name!r}.")
        self.stderr.write(f"Open311 client {name!r} is inactive; its key no longer works.")
