"""Form pieces shared by every app's filter and edit forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class FilterForm(forms.Form):
    """Validates a list page's GET parameters; `filter_kwargs()` feeds the app's filter function.

    Fields that are not filter arguments (sorting, paging) are not part of the form: they are read
    by the list view directly.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def filter_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [])}

    def has_changed(self) -> bool:
        return bool(self.is_bound and any(self.data.get(name) for name in self.fields))


def blank_choice(choices, label=None):
    return [("", label or _("All")), *choices]


def region_choices(*, levels=("province", "prefecture", "county"), blank=None):
    """Regions as (code, indented name) in tree order, for filter selects."""
    from clusterhub.geo.models import Region

    rows = (
        Region.objects.filter(level__in=levels)
        .order_by("path")
        .only("code", "name", "name_en", "level", "path")
    )
    indent = {"province": 0, "prefecture": 1, "county": 2, "dev_zone": 2}
    choices = [(r.code, "\u3000" * indent.get(r.level, 0) + f"{r.display_name}") for r in rows]
    return blank_choice(choices, blank)


class StyledModelForm(forms.ModelForm):
    """A ModelForm with Bootstrap classes and the requesting user at hand."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        # Bootstrap shows a field's error only next to an input marked invalid.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
