from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from clusterhub.accounts.models import Membership
from clusterhub.demo.people import DEMO_PASSWORD, SUPERUSER, USERS

ROLE_ZH = {"viewer": "查看", "officer": "经办", "manager": "主管", "admin": "管理员"}


class Command(BaseCommand):
    help = "Print the demo logins: user, password, organisation, role and what each can see."

    def handle(self, *args, **options):
        existing = set(
            get_user_model()
            .objects.filter(username__in=[p.username for p in [*USERS, SUPERUSER]])
            .values_list("username", flat=True)
        )
        memberships = {
            m.user.username: m
            for m in Membership.objects.select_related("user", "organisation").filter(
                user__username__in=existing
            )
        }
        if not existing:
            self.stdout.write(_("No demo users yet: run `clusterhub load_demo` first."))
            return
        # The logins are printed in both languages whatever the settings' language is.
        for language in ("en", "zh-hans"):
            with translation.override(language):
                heading = _("Demo logins (password for every user: %(password)s)")
            self.stdout.write(heading % {"password": DEMO_PASSWORD})
        english, chinese = [], []
        for person in [*USERS, SUPERUSER]:
            if person.username not in existing:
                continue
            membership = memberships.get(person.username)
            organisation = membership.organisation if membership else None
            english.append(
                (
                    person.username,
                    DEMO_PASSWORD,
                    organisation.name_en if organisation else "-",
                    person.role,
                    person.sees_en,
                )
            )
            chinese.append(
                (
                    person.username,
                    DEMO_PASSWORD,
                    organisation.name if organisation else "-",
                    ROLE_ZH[person.role],
                    person.sees_zh,
                )
            )
        self.stdout.write("")
        self.stdout.write(_table(("user", "password", "organisation", "role", "sees"), english))
        self.stdout.write("")
        self.stdout.write(_table(("用户", "密码", "机构", "角色", "可见范围"), chinese))


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _table(headers, rows) -> str:
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        return "  ".join(
            str(c) + " " * (w - _width(str(c))) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])
