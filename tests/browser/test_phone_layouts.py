"""At phone width (390×844) pages fit: lists become cards, nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from repatriation.models import Handover
from tests.browser.test_handover_flow import log_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def overflow(page) -> int:
    """How far the document is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def largest_handover() -> Handover:
    return max(Handover.objects.filter(conflict__slug="sept-2022"), key=lambda h: h.remains.count())


@pytest.mark.parametrize("path", ["/ledger/", "handover", "/persons/"])
def test_phone_pages_do_not_scroll_sideways(page, live_server, demo, path):
    base = live_server.url
    log_in(page, base, "clerk")
    if path == "handover":
        path = f"/handovers/{largest_handover().pk}/"
    page.set_viewport_size(PHONE)
    assert page.goto(base + path).ok
    assert overflow(page) <= 0, path
    if path != "/ledger/":
        # Each row a card: the column's name beside each value.
        cell = page.locator("table.cards tbody tr td").first
        label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label not in ("none", "normal", "")
        # The header stays compact.
        assert page.locator(".site-header").bounding_box()["height"] < 200


@pytest.mark.parametrize("path", ["handover", "/handovers/"])
def test_handover_tables_fit_1366(page, live_server, demo, path):
    base = live_server.url
    log_in(page, base, "clerk")
    handover = largest_handover()
    page.set_viewport_size(DESKTOP)
    page.goto(base + (f"/handovers/{handover.pk}/" if path == "handover" else path))
    assert overflow(page) <= 0
    table = page.locator("table.cards")
    expect(table).to_be_visible()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]
    named = page.locator(".remains-table .person-name").first
    if path == "handover" and named.count():
        # A name on one line: no taller than a line of its text.
        assert named.evaluate("n => n.getClientRects().length") == 1
