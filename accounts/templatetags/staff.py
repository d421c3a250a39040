"""What the layout needs to know about the reader: may they see the staff pages, and set up
reference data?"""

from django import template

from core.tiers import is_coordinator, is_staff

register = template.Library()


@register.filter
def is_ledger_staff(user) -> bool:
    """Clerks, verifiers and admins; the same rule as the staff pages' own check."""
    return is_staff(user)


@register.filter
def is_ledger_coordinator(user) -> bool:
    """Coordinators and admins, from the groups ``is_ledger_staff`` has read already (the
    page's own permission check would cost the header a query on every page)."""
    return is_coordinator(user)
