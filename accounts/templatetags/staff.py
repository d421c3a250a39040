"""What the layout needs to know about the reader: may they see the staff pages?"""

from django import template

from core.tiers import is_staff

register = template.Library()


@register.filter
def is_ledger_staff(user) -> bool:
    """Clerks, verifiers and admins; the same rule as the staff pages' own check."""
    return is_staff(user)
