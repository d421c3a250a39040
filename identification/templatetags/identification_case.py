"""The person page's identification case (DESIGN §9), rendered by the staff person page with
``{% identification_case person %}``. A tag, so the person page (in ``casualties``, below this
app) shows the case without importing anything from here.

Forensic coordinators see the case whole, and its AM and family data is logged as their read
(``AmAccess``). Other staff see only whether the case is open or identified: proposals, AM
records and family references are forensic data (DESIGN §5), and a pending proposal shows to
them as an open case. The public person data never goes through this tag.
"""

from django import template

from core.tiers import is_forensic, is_staff
from identification.choices import CaseState
from identification.selectors import case_state, person_case
from identification.services import am_access_record

register = template.Library()


@register.inclusion_tag("identification/_person_case.html", takes_context=True)
def identification_case(context, person) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not is_staff(user):
        return {"case": None}
    if not is_forensic(user):
        state = case_state(person)
        if state == CaseState.PENDING:
            state = CaseState.OPEN
        return {"case": state and {"state": state}, "forensic": False}
    case = person_case(person)
    if case and (case["ante_mortem"] or case["references"]):
        am_access_record(user=user, person_ids=[person.pk], path=request.path)
    return {"case": case, "forensic": True}
