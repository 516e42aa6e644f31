"""The unified social credit code (统一社会信用代码), GB 32100-2015."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why `code` is not a valid credit code, or None if it is."""
    if len(code) != 18:
        return _("a credit code has 18 characters, this one has %(n)d") % {"n": len(code)}
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return _("a credit code cannot contain %(chars)s") % {"chars": "".join(bad)}
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return _("check character is %(got)s, expected %(expected)s") % {
            "got": code[17],
            "expected": expected,
        }
    return None


def normalise_uscc(code: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", code or "").strip().upper().replace(" ", "")


def validate_uscc(code: str) -> None:
    problem = uscc_problem(normalise_uscc(code))
    if problem:
        raise ValidationError(problem, code="uscc")
