from django import forms
from django.utils.translation import gettext_lazy as _

from casualties.models import Person
from identification.choices import Evidence
from identification.models import DnaMatchReport


class ProposalForm(forms.Form):
    """Propose that remains are a person: the candidate, the evidence, the reasoning."""

    person = forms.ModelChoiceField(
        label=_("Person"), queryset=Person.objects.none(), widget=forms.NumberInput
    )
    evidence = forms.MultipleChoiceField(
        label=_("Evidence"), choices=Evidence.choices, widget=forms.CheckboxSelectMultiple
    )
    dna_report = forms.ModelChoiceField(
        label=_("DNA match report"), queryset=DnaMatchReport.objects.none(), required=False
    )
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea, required=False)

    def __init__(self, *args, remains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            party_id=remains.handover.to_party_id
        ).select_related("party")
        self.fields["dna_report"].queryset = DnaMatchReport.objects.filter(remains=remains)


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea)
