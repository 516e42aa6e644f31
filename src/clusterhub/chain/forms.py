from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.core.forms import FilterForm, StyledModelForm, blank_choice

from .choices import CodeSystem, Segment
from .models import ChainNode, IndustryCode


class ChainNodeFilterForm(FilterForm):
    segment = forms.ChoiceField(label=_("Segment"), required=False, choices=())
    code_system = forms.ChoiceField(label=_("Code system"), required=False, choices=())
    industry_code = forms.CharField(
        label=_("Industry code"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"placeholder": "C3670 / 8708 / 336390"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name, keyword or node code")
        self.fields["segment"].choices = blank_choice(Segment.choices)
        self.fields["code_system"].choices = blank_choice(CodeSystem.choices)

    def clean_industry_code(self):
        return (self.cleaned_data.get("industry_code") or "").strip().upper()


class ChainNodeForm(StyledModelForm):
    class Meta:
        model = ChainNode
        fields = [
            "code",
            "name",
            "name_en",
            "parent",
            "segment",
            "sort_order",
            "is_nev",
            "keywords",
            "codes",
            "description",
        ]
        widgets = {
            "codes": forms.SelectMultiple(attrs={"size": 10}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = ChainNode.objects.order_by("path")
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents
        self.fields["codes"].queryset = IndustryCode.objects.order_by("system", "code")
        self.fields["codes"].required = False

    def clean(self):
        cleaned = super().clean()
        parent, segment = cleaned.get("parent"), cleaned.get("segment")
        if parent is not None and segment and parent.segment != segment:
            self.add_error(
                "segment",
                _("A node belongs to the same segment as its parent (%(segment)s).")
                % {"segment": parent.get_segment_display()},
            )
        return cleaned
