from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.core.access import get_access
from clusterhub.core.forms import FilterForm, StyledModelForm, blank_choice, region_choices

from .choices import ParkKind, RegionLevel
from .models import Park, Region


class RegionFilterForm(FilterForm):
    level = forms.ChoiceField(label=_("Level"), required=False, choices=())
    within = forms.ChoiceField(label=_("Within"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, pinyin or code")
        self.fields["level"].choices = blank_choice(RegionLevel.choices)
        self.fields["within"].choices = region_choices(levels=("province", "prefecture"))


class ParkFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=())
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, short name or code")
        self.fields["kind"].choices = blank_choice(ParkKind.choices)
        self.fields["region"].choices = region_choices(levels=("province", "prefecture", "county"))


class RegionForm(StyledModelForm):
    class Meta:
        model = Region
        fields = [
            "code",
            "name",
            "name_en",
            "pinyin",
            "level",
            "parent",
            "longitude",
            "latitude",
            "datum",
            "coordinate_source",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Region.objects.exclude(level=RegionLevel.COUNTY).order_by("path")
        if self.instance.pk:
            # A region cannot move under itself or one of its descendants.
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents

    def clean(self):
        cleaned = super().clean()
        longitude, latitude, datum = (
            cleaned.get("longitude"),
            cleaned.get("latitude"),
            cleaned.get("datum"),
        )
        if (longitude is None) != (latitude is None):
            raise forms.ValidationError(_("Give both longitude and latitude, or neither."))
        if longitude is not None and not datum:
            self.add_error("datum", _("Coordinates need their datum (GCJ-02 or WGS-84)."))
        return cleaned


class ParkForm(StyledModelForm):
    class Meta:
        model = Park
        fields = [
            "code",
            "name",
            "name_en",
            "short_name",
            "kind",
            "region",
            "statistical_region",
            "spans",
            "parent",
            "area_km2",
            "leading_industries",
            "longitude",
            "latitude",
            "datum",
            "source",
        ]
        widgets = {"spans": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.order_by("path")
        access = get_access(self.user)
        if not (access.is_superuser or access.is_data_steward()):
            # An officer places parks only inside the regions they cover.
            allowed = [p for p in access.region_paths(2)]
            from django.db.models import Q

            condition = Q(pk__in=[])
            for path in allowed:
                condition |= Q(path__startswith=path)
            self.fields["region"].queryset = regions.filter(condition)
        else:
            self.fields["region"].queryset = regions
        self.fields["statistical_region"].queryset = regions.filter(level=RegionLevel.DEV_ZONE)
        self.fields["spans"].queryset = regions.exclude(level=RegionLevel.PROVINCE)
        parents = Park.objects.restrict(self.user, "view").order_by("code")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("longitude") is not None and not cleaned.get("datum"):
            self.add_error("datum", _("Coordinates need their datum (GCJ-02 or WGS-84)."))
        region = cleaned.get("region")
        if region is not None and not get_access(self.user).covers_region(region, "add"):
            self.add_error("region", _("You can only place parks in regions you cover."))
        return cleaned
