"""Demo organisations and users: one per role the access rules tell apart, one shared password.

What each login can see follows from core/access.py: government staff see public and internal
records everywhere and confidential ones inside their region; an enterprise account sees public
records and its own company's; the superuser sees everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from clusterhub.accounts.models import Membership, Organisation
from clusterhub.core.choices import Role
from clusterhub.enterprises.models import Enterprise
from clusterhub.geo.models import Region

from .records import Tally, upsert
from .synthetic import real_public_id

DEMO_PASSWORD = "clusterhub-demo"  # noqa: S105 (printed by demo_logins on purpose)


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    name_en: str
    kind: str
    region: str = ""  # region code
    enterprise: str = ""  # real demo company key


@dataclass(frozen=True)
class DemoUser:
    username: str
    organisation: str  # DemoOrganisation.key
    role: str
    sees_en: str
    sees_zh: str
    is_staff: bool = False


CITIES = [
    # (username, region code, bureau name, English name)
    ("changchun", "220100", "长春市商务局", "Changchun Municipal Bureau of Commerce"),
    ("jilin", "220200", "吉林市商务局", "Jilin City Bureau of Commerce"),
    ("siping", "220300", "四平市商务局", "Siping Municipal Bureau of Commerce"),
    ("liaoyuan", "220400", "辽源市商务局", "Liaoyuan Municipal Bureau of Commerce"),
    ("tonghua", "220500", "通化市商务局", "Tonghua Municipal Bureau of Commerce"),
    ("baishan", "220600", "白山市商务局", "Baishan Municipal Bureau of Commerce"),
    ("songyuan", "220700", "松原市商务局", "Songyuan Municipal Bureau of Commerce"),
    ("baicheng", "220800", "白城市商务局", "Baicheng Municipal Bureau of Commerce"),
    ("yanbian", "222400", "延边朝鲜族自治州商务局", "Yanbian Prefecture Bureau of Commerce"),
]

ORGANISATIONS = [
    DemoOrganisation(
        "province",
        "吉林省商务厅",
        "Department of Commerce of Jilin Province",
        "provincial_department",
        region="220000",
    ),
    *[
        DemoOrganisation(username, name, name_en, "city_bureau", region=code)
        for username, code, name, name_en in CITIES
    ],
    DemoOrganisation(
        "etdz",
        "长春汽车经济技术开发区管理委员会",
        "Administrative Committee of the Changchun Automotive ETDZ",
        "park_committee",
        region="220174",
    ),
    DemoOrganisation(
        "faw", "中国一汽采购部", "FAW Group Purchasing", "enterprise", enterprise="faw"
    ),
    DemoOrganisation(
        "supplier",
        "富奥汽车零部件股份有限公司",
        "FAWER Automotive Parts Co., Ltd.",
        "enterprise",
        enterprise="fawer",
    ),
    DemoOrganisation(
        "organiser",
        "长春汽车产业集群推介会组委会",
        "Organising committee, Changchun auto cluster promotion conference",
        "event_organiser",
        region="220100",
    ),
]

_GOVERNMENT_EN = "public and internal records everywhere; confidential records of {area}"
_GOVERNMENT_ZH = "全省公开和内部记录；{area}的保密记录"

USERS = [
    DemoUser(
        "province",
        "province",
        Role.ADMIN,
        "everything in Jilin, and data steward (taxonomy, regions, admin)",
        "全省全部记录，并可维护基础数据（产业链、行政区、后台）",
        is_staff=True,
    ),
    DemoUser(
        "province_viewer",
        "province",
        Role.VIEWER,
        "everything in Jilin, read only",
        "全省全部记录，只读",
    ),
    *[
        DemoUser(
            username,
            username,
            Role.OFFICER,
            _GOVERNMENT_EN.format(
                area=name_en.removesuffix(" Bureau of Commerce").removesuffix(" Municipal")
            ),
            _GOVERNMENT_ZH.format(area=name.removesuffix("商务局")),
        )
        for username, _code, name, name_en in CITIES
    ],
    DemoUser(
        "etdz",
        "etdz",
        Role.OFFICER,
        _GOVERNMENT_EN.format(area="the Auto ETDZ (220174)"),
        _GOVERNMENT_ZH.format(area="汽开区（220174）"),
    ),
    DemoUser(
        "faw",
        "faw",
        Role.MANAGER,
        "public records and FAW's own purchases; edits FAW Group's own profile",
        "公开记录及中国一汽自身的采购；可编辑中国一汽的企业资料",
    ),
    DemoUser(
        "supplier",
        "supplier",
        Role.MANAGER,
        "public records; edits FAWER's own profile",
        "公开记录；可编辑富奥股份的企业资料",
    ),
    DemoUser(
        "organiser",
        "organiser",
        Role.OFFICER,
        "public records; runs promotion events",
        "公开记录；组织推介活动",
    ),
]
SUPERUSER = DemoUser(
    "admin",
    "",
    Role.ADMIN,
    "everything, everywhere (superuser, data steward)",
    "全部记录（超级用户，数据管理员）",
    is_staff=True,
)


def load_people(*, tally: Tally) -> None:
    """Create or refresh the demo organisations, users and memberships.

    Passwords are set only when a user is created, so a second run changes nothing (and the
    one password hash is computed once, not per user).
    """
    regions = {r.code: r for r in Region.objects.filter(code__in=_region_codes())}
    organisations = {}
    for org in ORGANISATIONS:
        enterprise = None
        if org.enterprise:
            enterprise = Enterprise.objects.get(public_id=real_public_id(org.enterprise))
        organisations[org.key] = upsert(
            Organisation,
            lookup={"name": org.name},
            values={
                "name_en": org.name_en,
                "kind": org.kind,
                "region": regions.get(org.region),
                "enterprise": enterprise,
            },
            tally=tally,
        )
    User = get_user_model()
    password_hash = None
    for person in [*USERS, SUPERUSER]:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User(username=person.username, password=password_hash)
        wanted = {
            "is_staff": person.is_staff,
            "is_superuser": person is SUPERUSER,
            "is_active": True,
            "email": f"{person.username}@demo.clusterhub.invalid",
        }
        changed = [k for k, v in wanted.items() if getattr(user, k) != v]
        for key in changed:
            setattr(user, key, wanted[key])
        if user.pk is None or changed:
            user.save()
        if person.organisation:
            upsert(
                Membership,
                lookup={"user": user, "organisation": organisations[person.organisation]},
                values={"role": person.role, "region_scope": None, "is_active": True},
                tally=tally,
            )


def _region_codes() -> list[str]:
    return [org.region for org in ORGANISATIONS if org.region]


def demo_usernames() -> list[str]:
    return [person.username for person in [*USERS, SUPERUSER]]


def delete_people() -> None:
    get_user_model().objects.filter(username__in=demo_usernames()).delete()
    Organisation.objects.filter(name__in=[org.name for org in ORGANISATIONS]).delete()
