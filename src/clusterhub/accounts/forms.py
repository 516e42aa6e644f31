from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "autofocus": True, "placeholder": _("User name")}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("Password")}
        )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “ERP sync” or “monthly report script”."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    expires = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave empty for a token that does not expire."),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def clean_expires(self):
        day = self.cleaned_data.get("expires")
        if day and day <= timezone.localdate():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return day
