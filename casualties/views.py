"""Staff pages and endpoints about persons."""

from django import forms
from django.http import HttpRequest, JsonResponse

from casualties.selectors import person_label, person_search
from config.staff import staff_required

LOOKUP_LIMIT = 20
LOOKUP_MIN_LENGTH = 2


class LookupForm(forms.Form):
    q = forms.CharField(max_length=200)
    conflict = forms.IntegerField(required=False, min_value=1)
    party = forms.IntegerField(required=False, min_value=1)


@staff_required
def person_lookup(request: HttpRequest) -> JsonResponse:
    """``/persons/lookup/?q=sarg&party=1&conflict=2``: up to 20 persons whose name contains
    ``q``, as ``{"results": [{"id", "label", "detail"}]}`` for a form's suggestions.

    Staff only: the names of persons who have not agreed to publication are staff data.
    """
    form = LookupForm(request.GET)
    if not form.is_valid() or len(form.cleaned_data["q"].strip()) < LOOKUP_MIN_LENGTH:
        return JsonResponse({"results": []})
    found = person_search(
        form.cleaned_data["q"].strip(),
        conflict_id=form.cleaned_data["conflict"],
        party_id=form.cleaned_data["party"],
    ).only("id", "full_name", "name_latin", "status", "status_date", "unit")
    results = [
        {
            "id": person.pk,
            "label": person_label(person),
            "detail": " · ".join(
                filter(None, [person.get_status_display(), f"{person.status_date}", person.unit])
            ),
        }
        for person in found[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": results})
