"""Shared by the matching commands: an optional --user to see the registry as that user."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def add_user_argument(parser) -> None:
    parser.add_argument(
        "--user",
        help="See the registry as this user (default: the system, which sees everything).",
    )


def user_from(options):
    username = options.get("user")
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("Unknown user “%(name)s”.") % {"name": username})
    return user
