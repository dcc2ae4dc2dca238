"""Two writers at once on PostgreSQL: a stale write is refused, no update is ever lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from workflow.engine import fire, update_versioned
from workflow.errors import VersionConflict
from workflow.tests.conftest import at
from workflow.tests.toy import Ticket

# serialized_rollback: the flush after a transactional test would drop the seeded rule sets.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs two real connections writing at once: PostgreSQL only")


def in_threads(*jobs):
    errors: list[BaseException] = []

    def run(job):
        try:
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_transitions_from_the_same_version_one_wins_one_conflicts(toy):
    ticket = fire("submit", toy.ticket(), toy.staff, {"received_at": at(2026, 3, 2, 9)})
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept_as(handler):
        def job() -> None:
            copy = Ticket.objects.get(pk=ticket.pk)
            start.wait()
            try:
                fire("accept", copy, toy.staff, {"handler": handler.pk}, copy.version)
                outcomes.append("won")
            except VersionConflict:
                outcomes.append("conflict")

        return job

    assert in_threads(accept_as(toy.staff), accept_as(toy.other_staff)) == []
    assert sorted(outcomes) == ["conflict", "won"]
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.version == 3 and stored.state == "handling"


def test_concurrent_edits_with_retry_never_lose_an_update(toy):
    ticket = toy.ticket()
    rounds = 15

    def appender(mark: str):
        def job() -> None:
            for _ in range(rounds):
                while True:  # read, modify, compare-and-set; on conflict read again
                    copy = Ticket.objects.get(pk=ticket.pk)
                    try:
                        update_versioned(
                            toy.staff, copy, {"notes": copy.notes + mark}, copy.version, ("notes",)
                        )
                        break
                    except VersionConflict:
                        continue

        return job

    assert in_threads(appender("a"), appender("b")) == []
    stored = Ticket.objects.get(pk=ticket.pk)
    assert sorted(stored.notes) == sorted("a" * rounds + "b" * rounds)
    assert stored.version == 1 + 2 * rounds
