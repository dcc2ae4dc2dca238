import pytest

from testing.world import World, build_world


@pytest.fixture(autouse=True)
def english_by_default(settings):  # type: ignore[no-untyped-def]
    """Tests read messages in English; tests of the Chinese pages choose their language."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def seed_data_after_flush(request):  # type: ignore[no-untyped-def]
    """Transactional tests start with the seeded reference data, whatever ran before them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from testing.seeds import restore_seed_data

        request.getfixturevalue("transactional_db")
        restore_seed_data()


@pytest.fixture
def world(db) -> World:
    return build_world()


pytest_plugins = ["testing.browser"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Live-server tests run in transactions that end with a flush, which would also remove the
    # rows data migrations seed (sectors, rule sets) for the tests that follow on this worker.
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )
