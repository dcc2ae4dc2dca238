import pytest

from testing.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


pytest_plugins = ["testing.browser"]
