"""Pieces every API router shares: pagination, money input, error answers, ordering, assignment."""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as RequestValidationError
from ninja.pagination import PageNumberPagination
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator, WithJsonSchema

from .units import UnitError, parse_amount

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    """`?page=2&page_size=100`: 50 a page by default, at most 500; answers carry the total count."""

    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, from 1.")
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Items a page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items matching the filters, on all pages.")
        page: int
        page_size: int

    def __init__(self, **kwargs):
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * size
        return {
            "items": queryset[offset : offset + size],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": size,
        }


def _to_yuan(value):
    if value is None or value == "":
        return None
    try:
        parsed = parse_amount(value)
    except UnitError as exc:
        raise ValueError(str(exc)) from None
    return None if parsed is None else parsed.yuan.quantize(Decimal("0.01"), ROUND_HALF_UP)


# Money in: a number of yuan, or text as officers write it ("3000万元", "2.1亿"). Money out is a
# decimal string of yuan, so no precision is lost to floats.
Yuan = Annotated[
    Decimal | None,
    BeforeValidator(_to_yuan),
    WithJsonSchema(
        {
            "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}],
            "description": "Yuan: a number, or text with a unit such as 3000万元 or 2.1亿元.",
        }
    ),
]


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    type: str
    loc: list[str | int] = Field(description='Where: ["body", "payload", field] or ["query", p].')
    msg: str


class ValidationErrorOut(Schema):
    detail: list[FieldError]


# Documented on every endpoint that reads one record or writes.
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def field_error(field: str, message: str, code: str = "invalid") -> DjangoValidationError:
    """A 422 on one payload field, with a machine-readable `type` (e.g. "unknown")."""
    return DjangoValidationError({field: DjangoValidationError(message, code=code)})


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese names as characters, not \\u escapes: readable in curl and logs."""

    json_dumps_params = {"ensure_ascii": False}


def field_errors(exc: DjangoValidationError) -> list[dict]:
    """A Django ValidationError in the shape ninja gives its own 422s: type, loc, msg."""
    errors = []
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for name, items in by_field.items():
        loc = ["body", "payload"] if name == NON_FIELD_ERRORS else ["body", "payload", name]
        for item in items:
            for message in item:
                errors.append({"type": item.code or "invalid", "loc": loc, "msg": str(message)})
    return errors


# pydantic's messages for a request that does not fit the schema are English only: the common
# kinds in the caller's language, with pydantic's own context filled in; any other kind keeps
# pydantic's text.
REQUEST_ERROR_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "string_type": gettext_lazy("Enter text."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "greater_than": gettext_lazy("Must be more than %(gt)s."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "extra_forbidden": gettext_lazy("Unknown field."),
}


def translated_request_errors(errors: list[dict]) -> list[dict]:
    """ninja's 422 details with each message in the caller's language where we know its kind."""
    result = []
    for error in errors:
        template = REQUEST_ERROR_MESSAGES.get(error.get("type", ""))
        if template is not None:
            try:
                error = {**error, "msg": str(template) % dict(error.get("ctx") or {})}
            except (KeyError, TypeError, ValueError):
                pass  # a context pydantic did not give: keep its own message
        result.append(error)
    return result


def install_error_handlers(api) -> None:
    """Model validation -> 422 with fields; a record still referenced or a clash -> 409."""

    def validation(request, exc):
        return api.create_response(request, {"detail": field_errors(exc)}, status=422)

    def protected(request, exc):
        blockers = {}
        for obj in (
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        ):
            label = str(obj._meta.verbose_name_plural)
            blockers[label] = blockers.get(label, 0) + 1
        detail = _("Still in use, so not deleted: %(what)s.") % {
            "what": ", ".join(f"{count} {label}" for label, count in blockers.items())
        }
        return api.create_response(request, {"detail": detail}, status=409)

    def integrity(request, exc):
        detail = _("This conflicts with an existing record.")
        return api.create_response(request, {"detail": detail}, status=409)

    def unauthenticated(request, exc):
        detail = exc.message
        if detail == AuthenticationError().message:  # ninja's untranslated default
            detail = _("Authentication required: send an API token or sign in.")
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    def bad_request(request, exc):
        detail = translated_request_errors(exc.errors)
        return api.create_response(request, {"detail": detail}, status=422)

    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(RequestValidationError, bad_request)
    api.add_exception_handler(DjangoValidationError, validation)
    api.add_exception_handler(ProtectedError, protected)
    api.add_exception_handler(RestrictedError, protected)
    api.add_exception_handler(IntegrityError, integrity)


def ordered(queryset, ordering: str | None, default: tuple[str, ...]):
    """Order by the requested field (a Literal in the query schema) or the default; pk breaks ties
    so pages never overlap."""
    fields = (ordering,) if ordering else default
    return queryset.order_by(*fields, "pk")


def assign(instance, data: dict[str, Any]) -> None:
    """Set validated payload values on a model instance: enums to their values, and None to ""
    on text fields that do not allow null."""
    for name, value in data.items():
        if isinstance(value, enum.Enum):
            value = value.value
        if value is None:
            field = instance._meta.get_field(name)
            if isinstance(field, models.CharField | models.TextField) and not field.null:
                value = ""
        setattr(instance, name, value)


def filter_params(filters: Schema, *exclude: str) -> dict[str, Any]:
    """Query params given, as keyword arguments for the apps' filter functions."""
    params = filters.model_dump(exclude_none=True, exclude=set(exclude))
    return {k: v.value if isinstance(v, enum.Enum) else v for k, v in params.items()}
