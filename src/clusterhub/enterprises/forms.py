import copy

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import get_access
from clusterhub.core.forms import FilterForm, StyledModelForm, blank_choice, region_choices
from clusterhub.geo.models import Park, Region

from .choices import (
    AliasKind,
    CertificationStandard,
    EnterpriseKind,
    EnterpriseSize,
    Ownership,
    SiteKind,
)
from .models import Enterprise, Site
from .validators import normalise_uscc, uscc_problem


def chain_node_choices():
    from clusterhub.chain.models import ChainNode

    nodes = ChainNode.objects.order_by("path").only("code", "name", "name_en", "depth")
    return blank_choice([(n.code, "\u3000" * n.depth + n.display_name) for n in nodes])


def park_choices(user):
    parks = Park.objects.restrict(user, "view").order_by("code").only("code", "name", "name_en")
    return blank_choice([(p.code, p.display_name) for p in parks])


class EnterpriseFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=())
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())
    chain_node = forms.ChoiceField(label=_("Chain node"), required=False, choices=())
    ownership = forms.ChoiceField(label=_("Ownership"), required=False, choices=())
    size = forms.ChoiceField(label=_("Size"), required=False, choices=())
    certification = forms.ChoiceField(label=_("Valid certification"), required=False, choices=())
    park = forms.ChoiceField(label=_("Park"), required=False, choices=())
    group = forms.ChoiceField(label=_("Group"), required=False, choices=())
    synthetic = forms.TypedChoiceField(
        label=_("Data"),
        required=False,
        choices=(("", _("All")), ("0", _("Real records")), ("1", _("Synthetic demo records"))),
        coerce=lambda v: v == "1",
        empty_value=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _(
            "Name, pinyin, initials, alias or credit code"
        )
        self.fields["kind"].choices = blank_choice(EnterpriseKind.choices)
        self.fields["ownership"].choices = blank_choice(Ownership.choices)
        self.fields["size"].choices = blank_choice(EnterpriseSize.choices)
        self.fields["certification"].choices = blank_choice(CertificationStandard.choices)
        self.fields["region"].choices = region_choices(
            levels=("province", "prefecture", "county", "dev_zone")
        )
        self.fields["chain_node"].choices = chain_node_choices()
        self.fields["park"].choices = park_choices(self.user)
        groups = (
            Enterprise.objects.restrict(self.user, "view")
            .filter(Q(kind=EnterpriseKind.GROUP) | Q(subsidiaries__isnull=False))
            .distinct()
            .order_by("name")
            .only("public_id", "name", "name_en")
        )
        self.fields["group"].choices = blank_choice([(g.public_id, g.display_name) for g in groups])


class SiteFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=())
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())
    park = forms.ChoiceField(label=_("Park"), required=False, choices=())
    chain_node = forms.ChoiceField(label=_("Makes"), required=False, choices=())
    enterprise = forms.CharField(required=False, max_length=16, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Site, enterprise, address or code")
        self.fields["kind"].choices = blank_choice(SiteKind.choices)
        self.fields["region"].choices = region_choices(
            levels=("province", "prefecture", "county", "dev_zone")
        )
        self.fields["park"].choices = park_choices(self.user)
        self.fields["chain_node"].choices = chain_node_choices()


def _covered_regions(user, current=None):
    """Regions the user may place records in (for the select), plus the record's current one."""
    access = get_access(user)
    regions = Region.objects.order_by("path")
    if access.is_superuser or access.is_data_steward():
        return regions
    condition = Q(pk__in=[])
    for path in access.region_paths(2):
        condition |= Q(path__startswith=path)
    if current is not None:
        condition |= Q(pk=current.pk)
    return regions.filter(condition)


class EnterpriseForm(StyledModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "name_en",
            "short_name",
            "credit_code",
            "kind",
            "ownership",
            "size",
            "group",
            "home_region",
            "home_country",
            "stock_code",
            "founded",
            "employees",
            "annual_revenue",
            "website",
            "confidentiality",
            "source",
            "description",
        ]
        widgets = {
            "founded": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current_region = self.instance.home_region if self.instance.pk else None
        self.fields["home_region"].queryset = _covered_regions(self.user, current_region)
        self.fields["home_region"].required = True
        groups = Enterprise.objects.restrict(self.user, "view").filter(
            Q(kind=EnterpriseKind.GROUP) | Q(subsidiaries__isnull=False)
        )
        if self.instance.group_id:
            groups = groups | Enterprise.objects.restrict(self.user, "view").filter(
                pk=self.instance.group_id
            )
        if self.instance.pk:
            groups = groups.exclude(pk=self.instance.pk)
        self.fields["group"].queryset = groups.distinct().order_by("name")
        self.fields["credit_code"].help_text = _(
            "18 characters, GB 32100-2015; the last one is a check character."
        )

    def clean_credit_code(self):
        code = normalise_uscc(self.cleaned_data.get("credit_code") or "")
        if not code:
            return None
        problem = uscc_problem(code)
        if problem:
            raise forms.ValidationError(problem, code="uscc")
        return code

    def clean_home_region(self):
        region = self.cleaned_data.get("home_region")
        unchanged = self.instance.pk and region and region.pk == self.instance.home_region_id
        if region is not None and not unchanged:
            if not get_access(self.user).covers_region(region, "add"):
                raise forms.ValidationError(
                    _("You can only register enterprises in regions you cover.")
                )
        return region


class AliasForm(forms.Form):
    name = forms.CharField(
        label=_("Alias"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AliasKind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


AliasFormSet = forms.formset_factory(AliasForm, extra=2, can_delete=True)


class SiteForm(StyledModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "name_en",
            "code",
            "kind",
            "region",
            "park",
            "address",
            "longitude",
            "latitude",
            "datum",
            "capacity",
            "capacity_unit",
        ]

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise or (self.instance.enterprise if self.instance.pk else None)
        current_region = self.instance.region if self.instance.pk else None
        access = get_access(self.user)
        owns = self.enterprise is not None and bool(
            access.organisation_ids(2)
            & set(self.enterprise.organisations.values_list("pk", flat=True))
        )
        # An enterprise's own staff may place its sites anywhere; officers inside their scope.
        self.owns_enterprise = owns
        self.fields["region"].queryset = (
            Region.objects.order_by("path") if owns else _covered_regions(self.user, current_region)
        )
        self.fields["park"].queryset = Park.objects.restrict(self.user, "view").order_by("code")

    def clean(self):
        cleaned = super().clean()
        # The service's own checks (coordinates with their datum, park inside the region), run
        # here too so that each problem shows next to its field.
        from .services import _site_problems

        probe = copy.copy(self.instance)
        for name in ("longitude", "latitude", "datum", "park", "region"):
            if name not in self.errors:
                setattr(probe, name, cleaned.get(name))
        if "region" not in self.errors and cleaned.get("region") is not None:
            for field, message in _site_problems(probe).items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def clean_region(self):
        region = self.cleaned_data.get("region")
        unchanged = self.instance.pk and region and region.pk == self.instance.region_id
        if region is not None and not unchanged and not self.owns_enterprise:
            if not get_access(self.user).covers_region(region, "add"):
                raise forms.ValidationError(_("You can only place sites in regions you cover."))
        return region
