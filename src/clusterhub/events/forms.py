from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Language, Outcome, ParticipantRole


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(label=_("Position"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("Helps us match your organisation to the enterprise registry."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["zh"],
    )
    needs_interpreter = forms.BooleanField(label=_("I need an interpreter"), required=False)
    max_meetings = forms.IntegerField(label=_("Most meetings I want"), min_value=0, initial=6)
    available_slots = forms.MultipleChoiceField(
        label=_("Available for meetings"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    delegation = forms.CharField(
        label=_("Delegation"),
        max_length=60,
        required=False,
        help_text=_("If you come as part of a city delegation, its name."),
    )
    offers = forms.CharField(
        label=_("What we offer"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    seeks = forms.CharField(
        label=_("What we look for"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        self.fields["available_slots"].choices = [
            (
                str(s.pk),
                f"{timezone.localtime(s.starts_at):%m-%d %H:%M}–{timezone.localtime(s.ends_at):%H:%M}",
            )
            for s in slots
        ]
        self.fields["available_slots"].initial = [str(s.pk) for s in slots]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-control")


class MeetingRequestForm(forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class RunForm(forms.Form):
    time_limit = forms.FloatField(
        label=_("Time limit (seconds)"), min_value=1, max_value=600, initial=10
    )
    keep_published = forms.BooleanField(
        label=_("Keep published meetings where they are"), required=False, initial=True
    )


class PriorityForm(forms.Form):
    priority = forms.IntegerField(label=_("Priority"), min_value=1, max_value=5)
    chain_gap = forms.DecimalField(
        label=_("Chain-gap value"), min_value=0, max_value=1, decimal_places=2
    )
    must_meet = forms.BooleanField(label=_("Must meet"), required=False)


class MustMeetForm(forms.Form):
    a = forms.IntegerField(label=_("Participant"))
    b = forms.IntegerField(label=_("Meets"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    project_name = forms.CharField(
        label=_("Project name"),
        required=False,
        max_length=200,
        help_text=_("For a project lead; a name is proposed if left empty."),
    )
