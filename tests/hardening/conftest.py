import pytest

from tests.hardening.world import build


@pytest.fixture
def world(factories):
    """The hostile-input tests' world (tests/hardening/world.py), made anew for each test."""
    return build(factories)
