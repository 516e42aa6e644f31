"""The Simplified Chinese catalogue: complete, compiled from the current .po, and used by the pages."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

import clusterhub

LC_MESSAGES = Path(clusterhub.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


def _messages(catalogue) -> dict:
    """(context, msgid, plural) -> translation(s), the header left out."""
    out = {}
    for entry in catalogue:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            value = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        out[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = value
    return out


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    assert len(po) > 1000
    untranslated = [
        e.msgid
        for e in po
        if not e.obsolete
        and (not e.msgstr if not e.msgid_plural else not all(e.msgstr_plural.values()))
    ]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags and not e.obsolete]
    assert untranslated == []
    assert fuzzy == []
    assert po.metadata["Plural-Forms"].startswith("nplurals=1;")


def test_the_shipped_mo_is_compiled_from_the_current_po(tmp_path):
    fresh = tmp_path / "django.mo"
    if shutil.which("msgfmt"):
        # --check also proves that every placeholder of a python-format entry is kept.
        subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
    else:
        polib.pofile(str(PO)).save_as_mofile(str(fresh))
    shipped = _messages(polib.mofile(str(MO)))
    assert shipped == _messages(polib.mofile(str(fresh)))
    assert len(shipped) == len(_messages(polib.pofile(str(PO))))


@pytest.fixture
def as_user(client, people):
    def _open(url, language, user="changchun_officer"):
        if user:
            client.force_login(people[user])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    return _open


PAGES = [
    # url, signed in, Chinese strings, their English sources
    ("/", True, ["集群通", "查找企业", "企业"], ["Find an enterprise", "Enterprises"]),
    (
        "/enterprises/",
        True,
        ["企业", "集群内的整车企业", "导出 XLSX"],
        ["Vehicle makers, suppliers and service companies", "Export XLSX"],
    ),
    ("/chain/", True, ["汽车产业链", "产业链环节"], ["Automotive industry chain", "Code"]),
    ("/accounts/login/", False, ["登录", "用户名", "密码"], ["Sign in", "User name", "Password"]),
]


@pytest.mark.parametrize(("url", "signed_in", "chinese", "english"), PAGES)
def test_pages_render_in_chinese_and_in_english(as_user, url, signed_in, chinese, english):
    user = "changchun_officer" if signed_in else None
    zh = as_user(url, "zh-hans", user)
    for text in chinese:
        assert text in zh, (url, text)
    for text in english:
        assert f">{text}<" not in zh, (url, text)

    en = as_user(url, "en", user)
    for text in english:
        assert text in en, (url, text)
    for text in chinese[1:]:
        assert text not in en, (url, text)


def test_a_label_ends_with_the_colon_of_its_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template('{% load i18n clusterhub %}{% translate "Status" %}{% colon %}x')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "状态：x"
    with translation.override("en"):
        assert template.render(Context()) == "Status: x"
