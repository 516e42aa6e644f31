from tests.projects.conftest import investor, make_project, node  # noqa: F401
