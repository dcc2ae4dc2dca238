"""The ledger-import resource in the generic API cases: list and retrieve, four permissions."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from core.models import ImportJob
from hazards.services.ledgers import IMPORT_KIND
from testing.api import ListTests, RetrieveTests
from testing.world import World

pytestmark = pytest.mark.django_db


def import_job(world: World, persona: str, region) -> ImportJob:
    job = ImportJob(
        kind=IMPORT_KIND,
        original_name="台账.csv",
        created_by=world.user(persona),
        region=region,
    )
    job.file.save("ledger.csv", ContentFile(b"a,b\n"), save=False)
    job.save()
    return job


class TestLedgerImportResource(ListTests, RetrieveTests):
    model = ImportJob
    basename = "ledgerimport"

    def set_up(self, world: World) -> None:
        self.job_a = import_job(world, "township_a", world.township_a)
        self.job_b = import_job(world, "township_b", world.township_b)

    def in_scope(self) -> ImportJob:
        return self.job_a

    def out_of_scope(self) -> ImportJob:
        return self.job_b
