"""Who is calling the API, and what they may do with a record.

Two ways in, tried in this order:
- a per-user API token, `Authorization: Bearer ch_...` (accounts.ApiToken; only its hash is stored);
- the Django session of a logged-in browser, with Django's CSRF check on unsafe methods.

Either way `request.auth` is the user, and the change log records their changes with source "api".
`api_auth` is the API's default, so every endpoint requires a user; a router that needs it
explicitly writes `Router(auth=api_auth)`.

The access helpers below apply core.access to one record: a record the caller may not view is a
404 (never a 403 that would confirm it exists); one they may view but not change is a 403.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from .access import get_access
from .changelog import set_context_user
from .choices import ACTION_MIN_ROLE, ROLE_RANK

# last_used is a hint for the account page, not an audit trail: one write a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. A wrong, revoked or expired key is a 401 at once."""

    def authenticate(self, request, token: str):
        from clusterhub.accounts.models import ApiToken

        api_token = ApiToken.objects.authenticate(token.strip()) if token.strip() else None
        if api_token is None:
            raise AuthenticationError(message=_("Invalid, revoked or expired API token."))
        now = timezone.now()
        if api_token.last_used is None or now - api_token.last_used >= LAST_USED_RESOLUTION:
            # update(): no signals, so no change-log entry for a timestamp.
            ApiToken.objects.filter(pk=api_token.pk).update(last_used=now)
        user = api_token.user
        request.user = user
        request.api_token = api_token
        set_context_user(user)
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods need the CSRF token (X-CSRFToken header)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # no session: a 401, not a CSRF complaint
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request) is not None:
                raise HttpError(
                    403,
                    _("CSRF check failed: send the csrftoken cookie's value as X-CSRFToken."),
                )
        set_context_user(user)
        return user

    def authenticate(self, request, key):  # required by APIKeyCookie; __call__ does the work
        return self(request)


token_auth = TokenAuth()
session_auth = SessionAuth()
# Token first: a request that carries a token is judged by it, whatever cookies it also has.
api_auth = [token_auth, session_auth]


def _not_found() -> HttpError:
    return HttpError(404, _("Not found."))


def get_visible(request, queryset, **lookup):
    """The one record matching `lookup` that the caller may view, else 404."""
    obj = queryset.restrict(request.auth, "view").filter(**lookup).first()
    if obj is None:
        raise _not_found()
    return obj


def ensure_allowed(request, obj, action: str) -> None:
    """403 unless the caller may perform `action` ("change", "delete") on a record they can see."""
    if not type(obj).objects.restrict(request.auth, action).filter(pk=obj.pk).exists():
        if action == "delete":
            raise HttpError(403, _("You may view this record but not delete it."))
        raise HttpError(403, _("You may view this record but not change it."))


def get_for(request, queryset, action: str, **lookup):
    """The record for `action`: 404 if the caller cannot see it, 403 if they cannot act on it."""
    obj = get_visible(request, queryset, **lookup)
    if action != "view":
        ensure_allowed(request, obj, action)
    return obj


def can_view(request, model, outer_field: str) -> Exists:
    """An annotation: may the caller view the `model` row that `outer_field` points to? Used to
    hide the names of related records the caller may not see (a confidential customer named on
    an internal supply link)."""
    visible = model.objects.restrict(request.auth, "view").filter(pk=OuterRef(outer_field))
    return Exists(visible)


def ensure_may_create(request, *, region, owner=None) -> None:
    """A caller creates (or moves) records only where they could change them afterwards: inside a
    region their scope covers with a strong enough role, or for an enterprise their organisation
    owns. Data stewards may create anywhere."""
    access = get_access(request.auth)
    if access.is_data_steward() or access.covers_region(region, "add"):
        return
    if owner is not None and owner.pk is not None:
        own = access.organisation_ids(ROLE_RANK[ACTION_MIN_ROLE["add"]])
        if own and owner.organisations.filter(pk__in=own).exists():
            return
    if region is None:
        message = _("Only data stewards may create records without a region.")
    else:
        message = _("Your scope does not cover %(region)s.") % {"region": region.name}
    raise HttpError(403, message)
