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
import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from .access import UserAccess, get_access
from .changelog import set_context_user
from .choices import ACTION_MIN_ROLE, ROLE_RANK

# last_used is a hint for the account page, not an audit trail: one write a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. A wrong, revoked or expired key is a 401 at once."""

    def authenticate(self, request, token: str):
        known = known_token(token.strip()) if token.strip() else None
        now = timezone.now()
        if known is None or (known.expires and known.expires < now):
            raise AuthenticationError(message=_("Invalid, revoked or expired API token."))
        if known.last_used is None or now - known.last_used >= LAST_USED_RESOLUTION:
            from clusterhub.accounts.models import ApiToken

            # update(): no signals, so no change-log entry for a timestamp (nor a cache reset).
            ApiToken.objects.filter(pk=known.token_id).update(last_used=now)
            known.last_used = now
        user = known.new_user()
        request.user = user
        request.api_token = known.new_token()
        set_context_user(user)
        return user


# ---------------------------------------------------------------------------------------------
# What a token stands for (its user and the user's memberships), remembered for a few seconds:
# without it two of an API call's three queries are these two lookups. Any save or delete of a
# token, user, membership, organisation or region forgets everything at once in this process
# and, through a stamp file in DATA_DIR that each call stats, in the other processes at their
# next call; a write that sends no signal (a queryset update()) is seen within CACHE_SECONDS.

CACHE_SECONDS = 5.0
CACHE_SIZE = 10_000


@dataclass
class KnownToken:
    token_fields: dict
    user_fields: dict
    access: UserAccess
    expires: datetime.datetime | None
    last_used: datetime.datetime | None
    fetched: float  # time.monotonic()

    @property
    def token_id(self) -> int:
        return self.token_fields["id"]

    def new_user(self):
        """A fresh user object each call (a request may set attributes on it), with its reach."""
        from django.contrib.auth import get_user_model

        model = get_user_model()
        user = model.from_db(None, list(self.user_fields), list(self.user_fields.values()))
        user._clusterhub_access = self.access
        return user

    def new_token(self):
        from clusterhub.accounts.models import ApiToken

        return ApiToken.from_db(None, list(self.token_fields), list(self.token_fields.values()))


_known: dict[str, KnownToken] = {}
_known_lock = threading.Lock()
_stamp_seen: tuple | None = None


def _stamp_file() -> Path:
    return Path(settings.DATA_DIR) / "auth-changed.stamp"


def _read_stamp() -> tuple | None:
    try:
        found = os.stat(_stamp_file())
    except OSError:
        return None
    # A new file each time (os.replace): the inode tells two changes in one clock tick apart.
    return (found.st_ino, found.st_mtime_ns)


def _touch_stamp() -> None:
    stamp = _stamp_file()
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        tmp = stamp.with_name(f"{stamp.name}.{uuid.uuid4().hex[:8]}")
        tmp.write_text(str(time.time()))
        os.replace(tmp, stamp)
    except OSError:  # the other processes then see the change within CACHE_SECONDS
        pass


def forget_tokens(**_kwargs) -> None:
    """Signal handler: a token, user, membership, organisation or region changed."""
    from django.db import transaction

    with _known_lock:
        _known.clear()
    _touch_stamp()
    # Touched again once the change is committed: another process that read the old rows
    # between the first touch and the commit forgets them too.
    transaction.on_commit(_touch_stamp)


def known_token(raw: str) -> KnownToken | None:
    """The active token for a raw key with its user and reach, from the cache or the database."""
    global _stamp_seen
    from clusterhub.accounts.models import ApiToken, _hash_token

    key = _hash_token(raw)
    stamp = _read_stamp()  # read before the database: a change after it clears the cache
    now = time.monotonic()
    with _known_lock:
        if stamp != _stamp_seen:
            _known.clear()
            _stamp_seen = stamp
        known = _known.get(key)
    if known is not None and now - known.fetched < CACHE_SECONDS:
        return known
    api_token = ApiToken.objects.authenticate(raw)
    if api_token is None:
        with _known_lock:
            _known.pop(key, None)
        return None
    user = api_token.user
    known = KnownToken(
        token_fields={
            f.attname: getattr(api_token, f.attname) for f in ApiToken._meta.concrete_fields
        },
        user_fields={f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields},
        access=get_access(user),
        expires=api_token.expires,
        last_used=api_token.last_used,
        fetched=now,
    )
    with _known_lock:
        if len(_known) >= CACHE_SIZE:
            _known.clear()
        if _stamp_seen == stamp:  # not if a change came in meanwhile
            _known[key] = known
    return known


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from clusterhub.accounts.models import ApiToken, Membership, Organisation
    from clusterhub.geo.models import Region

    for model in (ApiToken, get_user_model(), Membership, Organisation, Region):
        for signal in (post_save, post_delete):
            signal.connect(forget_tokens, sender=model, dispatch_uid=f"forget_tokens_{model}")


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
