"""Who may call the API: tokens, sessions, CSRF, and the change-log actor."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from clusterhub.accounts.models import ApiToken
from clusterhub.core.choices import ChangeSource
from clusterhub.core.models import ObjectChange
from clusterhub.enterprises.models import Enterprise

from .conftest import token_client

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize(
    "path", ["/api/me", "/api/enterprises", "/api/regions", "/api/sites", "/api/chain/tree"]
)
def test_no_credentials_is_401(path):
    response = Client().get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send an API token or sign in."}


def test_token_identifies_the_user(people):
    response = token_client(people["siping_officer"]).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "siping_officer"
    assert body["authenticated_by"] == "token"
    assert body["scope"]["regions"] == {"220300": "officer"}
    assert [m["organisation"]["name"] for m in body["memberships"]] == ["四平市投资促进局"]
    assert body["memberships"][0]["role"] == "officer"
    assert body["memberships"][0]["organisation"]["region"] == "220300"


@pytest.mark.parametrize("problem", ["revoked", "expired", "user_inactive", "garbage", "empty"])
def test_bad_tokens_fail(people, problem):
    user = people["changchun_officer"]
    token, raw = ApiToken.issue(user=user, name="t")
    if problem == "revoked":
        token.is_active = False
        token.save()
    elif problem == "expired":
        token.expires = timezone.now() - datetime.timedelta(seconds=1)
        token.save()
    elif problem == "user_inactive":
        user.is_active = False
        user.save()
    elif problem == "garbage":
        raw = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    elif problem == "empty":
        raw = ""
    response = bearer(raw).get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid, revoked or expired API token."}


def test_a_bad_token_is_not_rescued_by_a_session(people):
    client = bearer("ch_not-a-token")
    client.force_login(people["changchun_officer"])
    assert client.get("/api/me").status_code == 401


def test_token_that_has_not_expired_yet_works(people):
    future = timezone.now() + datetime.timedelta(days=1)
    assert token_client(people["supplier"], expires=future).get("/api/me").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(people, monkeypatch):
    from clusterhub.core import api_auth

    token, raw = ApiToken.issue(user=people["supplier"], name="t")
    client = bearer(raw)
    client.get("/api/me")
    token.refresh_from_db()
    first = token.last_used
    assert first is not None
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used == first  # within the minute: no write
    later = first + datetime.timedelta(minutes=2)
    monkeypatch.setattr(api_auth.timezone, "now", lambda: later)
    client.get("/api/me")
    token.refresh_from_db()
    assert token.last_used == later
    # Using a token is not a change to it.
    assert not ObjectChange.objects.filter(object_repr__startswith="t (", action="update").exists()


def test_session_reads_without_csrf_but_writes_need_it(people, jilin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["changchun_officer"])
    me = client.get("/api/me").json()
    assert me["authenticated_by"] == "session"
    payload = {"name": "会话测试有限公司", "kind": "tier2", "home_region": "220100"}
    refused = client.post("/api/enterprises", payload, content_type="application/json")
    assert refused.status_code == 403
    assert not Enterprise.objects.filter(name="会话测试有限公司").exists()

    client.get("/api/docs")  # any page that renders the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    created = client.post(
        "/api/enterprises", payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert created.status_code == 201, created.content
    change = ObjectChange.objects.get(action="create", object_repr="会话测试有限公司")
    assert (change.source, change.user) == (ChangeSource.API, people["changchun_officer"])


def test_token_writes_need_no_csrf_and_log_the_token_user(people, jilin):
    client = token_client(people["changchun_officer"])
    client.cookies.clear()
    response = client.post(
        "/api/enterprises",
        {"name": "令牌测试有限公司", "kind": "tier1", "home_region": "220100"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    change = ObjectChange.objects.get(action="create", object_repr="令牌测试有限公司")
    assert change.source == ChangeSource.API
    assert change.user == people["changchun_officer"]
    assert change.user_name == "changchun_officer"


def test_a_known_token_costs_no_token_or_membership_query(people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(people["siping_officer"])
    assert client.get("/api/me").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/me")
    assert again.json()["scope"]["regions"] == {"220300": "officer"}
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "accounts_apitoken" not in sql
    # The endpoint's own query of the memberships it lists; none to authenticate.
    assert len(queries.captured_queries) == 1


@pytest.mark.parametrize("change", ["revoke", "delete", "user_inactive", "expires"])
def test_a_revoked_token_stops_working_at_once(people, change):
    user = people["changchun_officer"]
    token, raw = ApiToken.issue(user=user, name="t")
    client = bearer(raw)
    assert client.get("/api/me").status_code == 200  # now remembered
    if change == "revoke":
        token.is_active = False
        token.save()
    elif change == "delete":
        token.delete()
    elif change == "user_inactive":
        user.is_active = False
        user.save()
    else:
        token.expires = timezone.now() - datetime.timedelta(seconds=1)
        token.save()
    assert client.get("/api/me").status_code == 401


def test_a_removed_membership_stops_giving_reach_at_once(people):
    from clusterhub.accounts.models import Membership

    client = token_client(people["siping_officer"])
    assert client.get("/api/me").json()["scope"]["regions"] == {"220300": "officer"}
    Membership.objects.get(user=people["siping_officer"]).delete()
    assert client.get("/api/me").json()["scope"]["regions"] == {}


def test_other_processes_changes_are_seen_through_the_stamp_or_within_seconds(people, monkeypatch):
    """A change made in another worker process clears this one's cache through the stamp file it
    touches; a write that sends no signal at all is seen once CACHE_SECONDS have passed."""
    import time

    from clusterhub.core import api_auth

    token, raw = ApiToken.issue(user=people["supplier"], name="t")
    client = bearer(raw)
    assert client.get("/api/me").status_code == 200
    # No signal: this process does not know yet (the token is remembered).
    ApiToken.objects.filter(pk=token.pk).update(is_active=False)
    assert client.get("/api/me").status_code == 200
    # Another process saved a token, user or membership: it touched the stamp.
    api_auth._touch_stamp()
    assert client.get("/api/me").status_code == 401

    ApiToken.objects.filter(pk=token.pk).update(is_active=True)
    assert client.get("/api/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(is_active=False)
    later = time.monotonic() + api_auth.CACHE_SECONDS
    monkeypatch.setattr(api_auth.time, "monotonic", lambda: later)
    assert client.get("/api/me").status_code == 401
