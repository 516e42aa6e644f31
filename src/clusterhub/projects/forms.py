"""Forms for projects: the list filter, create/edit, stage moves, milestones, problems, funds.

Forms only read and convert input; the services decide and write.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.chain.choices import Segment
from clusterhub.chain.models import ChainNode
from clusterhub.core.choices import Confidentiality
from clusterhub.core.forms import FilterForm, StyledModelForm, blank_choice, region_choices
from clusterhub.core.units import UNIT_FACTORS
from clusterhub.geo.models import Park, Region

from .choices import OriginKind, Stage
from .models import Project
from .services import find_investor, legal_moves, to_yuan

DATE_INPUT = {"type": "date"}


class AmountField(forms.CharField):
    """An amount typed as officers write it: a number in the field's unit (万元 by default) or with
    its own unit ("2.1亿元", "3000万"). Cleans to Decimal yuan; negative amounts are refused."""

    def __init__(self, *args, unit: str = "万元", **kwargs):
        self.unit = unit
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            gettext_lazy("In %(unit)s, or with a unit: 3000万元, 2.1亿元") % {"unit": unit},
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            shown = value / UNIT_FACTORS[self.unit]
            return f"{shown.normalize():f}"
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return None
        try:
            return to_yuan(value, unit=self.unit)
        except ValidationError as error:
            raise ValidationError(error.messages)


class ProjectFilterForm(FilterForm):
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("City or area"), required=False)
    segment = forms.ChoiceField(label=gettext_lazy("Chain segment"), required=False)
    origin_kind = forms.ChoiceField(label=gettext_lazy("Origin"), required=False)
    signed_year = forms.IntegerField(
        label=gettext_lazy("Signed in"), required=False, min_value=2000, max_value=2100
    )
    mine = forms.BooleanField(label=gettext_lazy("Mine only"), required=False)
    # Drill-down filters from the cockpit: carried in the URL, not shown as inputs.
    origin_reference = forms.CharField(
        label=gettext_lazy("From"), required=False, max_length=300, widget=forms.HiddenInput
    )
    park = forms.CharField(label=gettext_lazy("Park"), required=False, widget=forms.HiddenInput)
    investor = forms.CharField(
        label=gettext_lazy("Investor"), required=False, widget=forms.HiddenInput
    )
    confidentiality = forms.ChoiceField(
        label=gettext_lazy("Confidentiality"),
        required=False,
        choices=blank_choice(Confidentiality.choices),
        widget=forms.HiddenInput,
    )
    chain_node = forms.CharField(
        label=gettext_lazy("Chain node"), required=False, widget=forms.HiddenInput
    )
    signed_month = forms.RegexField(
        r"^\d{4}-\d{2}$",
        label=gettext_lazy("Signed in month"),
        required=False,
        widget=forms.HiddenInput,
    )
    started_year = forms.IntegerField(
        label=gettext_lazy("Started in"), required=False, widget=forms.HiddenInput
    )
    started_month = forms.RegexField(
        r"^\d{4}-\d{2}$",
        label=gettext_lazy("Started in month"),
        required=False,
        widget=forms.HiddenInput,
    )
    operating_year = forms.IntegerField(
        label=gettext_lazy("Operating since"), required=False, widget=forms.HiddenInput
    )
    funds_year = forms.IntegerField(
        label=gettext_lazy("Funds arrived in"), required=False, widget=forms.HiddenInput
    )
    reached = forms.ChoiceField(
        label=gettext_lazy("Reached"),
        required=False,
        choices=[("", ""), *[(s, Stage(s).label) for s in ("signed", "started", "operating")]],
        widget=forms.HiddenInput,
    )
    stale = forms.BooleanField(
        label=gettext_lazy("No stage change for too long"), required=False, widget=forms.HiddenInput
    )
    overdue = forms.BooleanField(
        label=gettext_lazy("Overdue milestone or problem"), required=False, widget=forms.HiddenInput
    )
    synthetic = forms.NullBooleanField(
        label=gettext_lazy("Synthetic"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = blank_choice(Stage.choices)
        self.fields["region"].choices = region_choices(levels=("prefecture", "county"))
        self.fields["segment"].choices = blank_choice(Segment.choices)
        self.fields["origin_kind"].choices = blank_choice(OriginKind.choices)
        self.fields["mine"].widget.attrs["class"] = "form-check-input"

    def filter_kwargs(self) -> dict:
        kwargs = super().filter_kwargs()
        if kwargs.pop("mine", False) and self.user is not None:
            kwargs["owner"] = self.user.pk
        for flag in ("stale", "overdue"):
            if not kwargs.get(flag):
                kwargs.pop(flag, None)
        return kwargs


def _users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


def investor_error(name: str, candidates) -> str:
    """An unknown investor: say so, offer the closest registry matches and creating it."""
    try:
        create_url = reverse("enterprises:create")
    except NoReverseMatch:
        create_url = ""
    parts = [_("“%(name)s” is not in the enterprise registry.") % {"name": name}]
    if candidates:
        parts.append(
            format_html(
                "{} {}",
                _("Did you mean:"),
                format_html_join(
                    ", ", "<strong>{}</strong> ({})", ((c.name, c.public_id) for c in candidates)
                ),
            )
        )
    if create_url:
        parts.append(format_html('<a href="{}" target="_blank">{}</a>', create_url, _("Create it")))
    return format_html_join(" ", "{}", ((p,) for p in parts))


class ProjectForm(StyledModelForm):
    investor_name = forms.CharField(
        label=gettext_lazy("Investor"),
        max_length=200,
        help_text=gettext_lazy("Registered name, short name, credit code or public id."),
    )
    planned_investment = AmountField(label=gettext_lazy("Planned investment"))
    expected_annual_output = AmountField(label=gettext_lazy("Expected annual output"))
    fixed_asset_investment = AmountField(label=gettext_lazy("Fixed-asset investment to date"))
    funds_arrived = AmountField(
        label=gettext_lazy("Funds arrived (total)"),
        help_text=gettext_lazy(
            "Total to date, in 万元 or with a unit; the increase is recorded as arriving today."
        ),
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "name_en",
            "investor_name",
            "chain_nodes",
            "segment",
            "description",
            "origin_kind",
            "origin_chain_node",
            "origin_region",
            "origin_reference",
            "signing_region",
            "landing_region",
            "landing_park",
            "site_address",
            "owner",
            "secretary",
            "confidentiality",
            "planned_investment",
            "expected_annual_output",
            "fixed_asset_investment",
            "funds_arrived",
            "jobs",
            "lead_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "lead_on": forms.DateInput(attrs=DATE_INPUT),
            "chain_nodes": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.exclude(level="province").order_by("path")
        for name in ("signing_region", "landing_region", "origin_region"):
            self.fields[name].queryset = regions
        self.fields["landing_park"].queryset = Park.objects.order_by("code")
        self.fields["chain_nodes"].queryset = ChainNode.objects.order_by("path")
        self.fields["origin_chain_node"].queryset = ChainNode.objects.order_by("path")
        self.fields["owner"].queryset = _users()
        self.fields["secretary"].queryset = _users()
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Left empty, a code is given.")
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["investor_name"].initial = self.instance.investor.name
            del self.fields["lead_on"]
        else:
            del self.fields["fixed_asset_investment"]
            del self.fields["funds_arrived"]
            self.fields["lead_on"].initial = timezone.localdate()
        self.investor = None

    def clean_investor_name(self):
        name = self.cleaned_data["investor_name"].strip()
        if self.instance.pk and name == self.instance.investor.name:
            self.investor = self.instance.investor
            return name
        from clusterhub.enterprises.models import Enterprise

        by_id = Enterprise.objects.filter(public_id=name.upper()).first()
        if by_id is not None:
            self.investor = by_id
            return name
        match = find_investor(name=name)
        if match.enterprise is None:
            raise ValidationError(investor_error(name, match.candidates))
        self.investor = match.enterprise
        return name

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        if self.instance.pk:
            return self.instance.code
        return code


class StageMoveForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Move to"))
    on = forms.DateField(
        label=gettext_lazy("Effective date"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT),
        help_text=gettext_lazy(
            "The date of the signing, the start or the opening; not later than today."
        ),
    )
    contract_amount = AmountField(label=gettext_lazy("Contract amount"))
    signing_region = forms.ModelChoiceField(
        label=gettext_lazy("Signing city"), queryset=Region.objects.none(), required=False
    )
    landing_region = forms.ModelChoiceField(
        label=gettext_lazy("Landing area"), queryset=Region.objects.none(), required=False
    )
    landing_park = forms.ModelChoiceField(
        label=gettext_lazy("Landing park"), queryset=Park.objects.none(), required=False
    )
    site_address = forms.CharField(label=gettext_lazy("Site address"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Needed to stall or drop a project."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["stage"].choices = [(s, Stage(s).label) for s in legal_moves(project)]
        regions = Region.objects.exclude(level="province").order_by("path")
        self.fields["signing_region"].queryset = regions
        self.fields["landing_region"].queryset = regions
        self.fields["landing_park"].queryset = Park.objects.order_by("code")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css + " form-control-sm")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("site_address"):
            data["site_address"] = None
        return {k: v for k, v in data.items() if v not in (None, "") or k == "reason"}


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone"), max_length=200)
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=forms.DateInput(attrs=DATE_INPUT))


class ProblemForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("Problem"), max_length=500)
    due_on = forms.DateField(
        label=gettext_lazy("To solve by"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT),
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=gettext_lazy("Resolution"), max_length=500)


class FundsForm(forms.Form):
    amount = AmountField(label=gettext_lazy("Amount arrived"), required=True)
    on = forms.DateField(label=gettext_lazy("Arrived on"), widget=forms.DateInput(attrs=DATE_INPUT))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)
