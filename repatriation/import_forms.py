"""The handover upload page's form: the handover as announced (conflict by slug, parties by
code, as everywhere) and the remains file."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casualties.models import Conflict, Party
from repatriation.choices import HandoverKind
from repatriation.models import Agreement

IMPORT_KINDS = [(k, label) for k, label in HandoverKind.choices if k != HandoverKind.PRISONERS]


class HandoverImportForm(forms.Form):
    file = forms.FileField(
        label=_("Remains file (CSV, UTF-8)"),
        help_text=_(
            "One row per remains: case_number, condition, identification, person (record "
            "number) or external_id, method, identified_on, notes."
        ),
    )
    conflict = forms.ModelChoiceField(
        Conflict.objects.order_by("-start_date"), to_field_name="slug", label=_("Conflict")
    )
    kind = forms.ChoiceField(choices=IMPORT_KINDS, initial=HandoverKind.REMAINS, label=_("Kind"))
    from_party = forms.ModelChoiceField(
        Party.objects.order_by("code"),
        to_field_name="code",
        required=False,
        label=_("From party"),
        help_text=_("Blank for a recovery by the receiving party's own side."),
    )
    to_party = forms.ModelChoiceField(
        Party.objects.order_by("code"), to_field_name="code", label=_("To party")
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reported_count = forms.IntegerField(
        min_value=0, max_value=settings.MAX_REMAINS_PER_HANDOVER, label=_("Reported count")
    )
    agreement = forms.ModelChoiceField(
        Agreement.objects.order_by("-concluded_on"), required=False, label=_("Agreement")
    )

    def handover_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "file"}
