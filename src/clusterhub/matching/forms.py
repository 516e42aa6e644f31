"""Forms of the sourcing pages: post or change a demand, record a result, answer an invitation,
and the target list's region picker. They validate input; the services do the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.chain.models import ChainNode
from clusterhub.enterprises.choices import CertificationStandard
from clusterhub.enterprises.models import Site

from . import services
from .choices import DemandStatus, DemandVisibility, LocationPreference

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _control(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, node):
        return f"{'· ' * max(0, node.depth - 1)}{node.display_name} ({node.code})"


class DemandForm(forms.Form):
    buyer = forms.ModelChoiceField(queryset=None, label=_("Buyer"))
    buyer_site = forms.ModelChoiceField(
        queryset=None,
        label=_("Receiving plant"),
        required=False,
        help_text=_("Distances are measured from this plant."),
    )
    chain_node = NodeChoiceField(
        queryset=ChainNode.objects.filter(depth__gte=1).order_by("path"), label=_("Chain node")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Part description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In Chinese, English or both: the words suppliers use for the part."),
    )
    annual_volume = forms.IntegerField(label=_("Annual volume"), required=False, min_value=0)
    volume_unit = forms.CharField(label=_("Volume unit"), required=False, max_length=30)
    annual_value = forms.CharField(
        label=_("Annual value"),
        required=False,
        help_text=_("Yuan, or with a unit: 3000万元, 1.2亿元."),
    )
    required_certifications = forms.MultipleChoiceField(
        label=_("Required certifications"),
        required=False,
        choices=CertificationStandard.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sop = forms.DateField(label=_("Start of production"), required=False, widget=DATE)
    location = forms.ChoiceField(label=_("Location preference"), choices=LocationPreference.choices)
    max_distance_km = forms.IntegerField(
        label=_("Maximum distance (km)"), required=False, min_value=1, max_value=5000
    )
    deadline = forms.DateField(label=_("Answer by"), required=False, widget=DATE)
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=DemandVisibility.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (DemandStatus.OPEN, DemandStatus.OPEN.label),
            (DemandStatus.DRAFT, DemandStatus.DRAFT.label),
        ],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        buyers = services.buyers_for(user)
        self.fields["buyer"].queryset = buyers
        self.fields["buyer_site"].queryset = (
            Site.objects.restrict(user, "view")
            .filter(enterprise__in=buyers, kind="plant")
            .select_related("enterprise")
            .order_by("enterprise__name", "name")
        )
        _control(self)

    def clean_annual_value(self):
        value = self.cleaned_data.get("annual_value")
        from django.core.exceptions import ValidationError

        try:
            return services.to_yuan(value, field="annual_value")
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["annual_value"])

    @classmethod
    def initial_from(cls, demand) -> dict:
        return {
            name: getattr(demand, name)
            for name in (
                "buyer",
                "buyer_site",
                "chain_node",
                "title",
                "description",
                "annual_volume",
                "volume_unit",
                "annual_value",
                "required_certifications",
                "sop",
                "location",
                "max_distance_km",
                "deadline",
                "visibility",
                "status",
            )
        }


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result"),
        # No result is preselected: recording one closes the demand, so the buyer picks it.
        choices=[
            ("", "—"),
            (DemandStatus.AWARDED, DemandStatus.AWARDED.label),
            (DemandStatus.CLOSED, DemandStatus.CLOSED.label),
            (DemandStatus.CANCELLED, DemandStatus.CANCELLED.label),
        ],
    )
    awarded_to = forms.CharField(
        label=_("Awarded to"),
        required=False,
        help_text=_("Public id of the supplier (awarded only)."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        if candidates:
            self.fields["awarded_to"] = forms.ChoiceField(
                label=_("Awarded to"),
                required=False,
                choices=[
                    ("", "—"),
                    *[(c.supplier.public_id, c.supplier.display_name) for c in candidates],
                ],
            )
        _control(self)


class RespondForm(forms.Form):
    interested = forms.TypedChoiceField(
        label=_("Your answer"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Interested")), ("no", _("Decline"))],
    )
    note = forms.CharField(
        label=_("Note to the buyer"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _control(self)


class TargetFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    node = forms.CharField(label=_("Chain node code"), required=False)

    def __init__(self, *args, **kwargs):
        from clusterhub.geo.models import Region

        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__in=["province", "prefecture"]).order_by("path")
        self.fields["region"].choices = [(r.code, f"{r.display_name} ({r.code})") for r in regions]
        _control(self)
