import pytest

from tests.projects.conftest import investor, make_project, node  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_cockpit_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
