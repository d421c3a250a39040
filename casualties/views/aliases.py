"""Staff pages for the other spellings of a person's name (aliases), which the name search
matches as it matches the person's own names."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.staff import staff_required
from casualties.alias_services import person_alias_add, person_alias_remove
from casualties.forms import place_errors
from casualties.models import PersonAlias
from casualties.selectors import person_for_staff_page

ALIAS_ADDED = _("Spelling “%(name)s” added: a search for it now finds this person.")
ALIAS_REMOVED = _("Spelling “%(name)s” removed.")


class AliasForm(forms.Form):
    """One more spelling of the person's name; ``person_alias_add`` has the last word."""

    # The person's page holds other forms; the prefix keeps this one's ids apart.
    prefix = "alias"

    name = forms.CharField(
        label=_("Other spelling"),
        max_length=200,
        help_text=_("A spelling that search would not otherwise find, e.g. Оганесян."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    public = forms.BooleanField(
        label=_("Public: the public search finds the person by this spelling too"),
        required=False,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        # A public alias only of a public name (DESIGN §3): otherwise not even offered.
        if not person.name_public:
            del self.fields["public"]


@staff_required
@permission_required("casualties.change_person", raise_exception=True)
@require_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a spelling; on an error the person's page comes back with the message beside
    the field and nothing saved."""
    person = get_object_or_404(person_for_staff_page(), pk=pk)
    form = AliasForm(request.POST, person=person)
    if form.is_valid():
        try:
            alias = person_alias_add(person=person, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            place_errors(form, error)
        else:
            messages.success(request, ALIAS_ADDED % {"name": alias.name})
            return redirect("casualties:person_detail", pk=person.pk)
    context = {"person": person, "alias_form": form}
    return render(request, "persons/detail.html", context)


@staff_required
@permission_required("casualties.change_person", raise_exception=True)
@require_POST
def alias_remove(request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    alias = get_object_or_404(PersonAlias, pk=alias_pk, person_id=pk)
    person_alias_remove(alias=alias, user=request.user)
    messages.success(request, ALIAS_REMOVED % {"name": alias.name})
    return redirect("casualties:person_detail", pk=pk)
