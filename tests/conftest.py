import pytest
from django.test import override_settings

from clusterhub.accounts.models import Organisation
from clusterhub.core.choices import Role
from clusterhub.geo.models import Region

from .factories import MembershipFactory, OrganisationFactory, RegionFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL no statement may run for more than four minutes: a runaway query plan fails
    its test with the SQL named instead of holding locks that stall the rest of the run."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" in database["ENGINE"]:
        database.setdefault("OPTIONS", {})["options"] = "-c statement_timeout=240000"


@pytest.fixture(autouse=True)
def _immediate_tasks_and_english_errors(settings, tmp_path):
    # Background tasks run inline in tests; analytics caches go to a per-test folder.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(LANGUAGE_CODE="en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches (taxonomy, latest year, display names, search catch-up clock) would
    carry one test's rows into the next, whose database was rolled back."""
    from clusterhub.matching import index, ranking, searching

    ranking._cache.clear()
    searching._names.cache_clear()
    index._last_look = 0.0
    yield


@pytest.fixture
def jilin(db):
    """Jilin province with Changchun (and a district) and Siping (with Gongzhuling's old code)."""
    province = RegionFactory(code="220000", name="吉林省", name_en="Jilin", level="province")
    changchun = RegionFactory(
        code="220100", name="长春市", name_en="Changchun", level="prefecture", parent=province
    )
    chaoyang = RegionFactory(
        code="220104", name="朝阳区", name_en="Chaoyang", level="county", parent=changchun
    )
    siping = RegionFactory(
        code="220300", name="四平市", name_en="Siping", level="prefecture", parent=province
    )
    return {"province": province, "changchun": changchun, "chaoyang": chaoyang, "siping": siping}


def _member(username: str, organisation: Organisation, role: str, region_scope: Region = None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=role, region_scope=region_scope)
    return user


@pytest.fixture
def people(jilin):
    """One user per role that the access rules tell apart."""
    province_org = OrganisationFactory(
        name="吉林省商务厅", kind="provincial_department", region=jilin["province"]
    )
    changchun_org = OrganisationFactory(
        name="长春市投资促进局", kind="city_bureau", region=jilin["changchun"]
    )
    siping_org = OrganisationFactory(
        name="四平市投资促进局", kind="city_bureau", region=jilin["siping"]
    )
    supplier_org = OrganisationFactory(name="某供应商", kind="enterprise")
    return {
        "province_admin": _member("province_admin", province_org, Role.ADMIN),
        "province_viewer": _member("province_viewer", province_org, Role.VIEWER),
        "changchun_officer": _member("changchun_officer", changchun_org, Role.OFFICER),
        "changchun_viewer": _member("changchun_viewer", changchun_org, Role.VIEWER),
        "siping_officer": _member("siping_officer", siping_org, Role.OFFICER),
        "supplier": _member("supplier", supplier_org, Role.MANAGER),
        "orgs": {
            "province": province_org,
            "changchun": changchun_org,
            "siping": siping_org,
            "supplier": supplier_org,
        },
    }
