"""Numbers for readers: grouped digits in the reader's language, ranges, qualified figures.

Our own filters rather than django.contrib.humanize, so the pages need no extra app installed.
"""

from urllib.parse import urlsplit

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from casualties.choices import Qualifier

register = template.Library()

NOT_STATED = "—"


@register.filter
def number(value) -> str:
    """1234567 → "1,234,567" (or the reader's locale's grouping); None → a dash."""
    if value is None or value == "":
        return NOT_STATED
    return number_format(value, decimal_pos=None, use_l10n=True, force_grouping=True)


@register.simple_tag
def number_range(low, high) -> str:
    """One number when both ends agree, "75–80" when they do not, a dash when unknown."""
    if low is None or high is None:
        return NOT_STATED
    if low == high:
        return number(low)
    return f"{number(low)}–{number(high)}"


@register.filter
def qualified(figure: dict | None) -> str:
    """A figure's value with its qualifier in words: "207", "at least 207", "about 207"."""
    if not figure:
        return NOT_STATED
    value = number(figure["value"])
    if figure["qualifier"] == Qualifier.AT_LEAST:
        return _("at least %(value)s") % {"value": value}
    if figure["qualifier"] == Qualifier.APPROXIMATELY:
        return _("about %(value)s") % {"value": value}
    return value


@register.filter
def web_link(url: str | None) -> str:
    """The URL if it is an http(s) address, else "" — a stored ``javascript:`` is no link."""
    if url and urlsplit(url.strip()).scheme.lower() in {"http", "https"}:
        return url.strip()
    return ""


@register.filter
def count(value) -> str:
    """A person count that may be suppressed: "<5" (ledger.disclosure) reads as "< 5"."""
    if isinstance(value, str):
        return value.replace("<", "< ")
    return number(value)
