from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import import_kinds

ENCODINGS = [
    ("", _("Detect automatically")),
    ("utf-8", "UTF-8"),
    ("gb18030", "GBK / GB18030"),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file lists"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("XLSX or CSV. Chinese or English column headers; a title row above is fine."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    encoding = forms.ChoiceField(
        label=_("CSV encoding"), choices=ENCODINGS, required=False, initial=""
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = import_kinds()


class CommitForm(forms.Form):
    good_rows_only = forms.BooleanField(
        label=_("Import the good rows and skip the rejected ones"), required=False
    )
