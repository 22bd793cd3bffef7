import pytest

from tests.hardening.world import build


@pytest.fixture
def world(factories):
    return build(factories)
