"""axe-core on the public pages a journalist reads, and on the API docs: no serious or
critical violation (contrast, names, nested interactive elements, the page's language)."""

import pytest
from playwright.sync_api import expect

from repatriation.choices import HandoverState
from repatriation.models import Handover
from tests.browser.axe import blocking_violations, install_axe


@pytest.fixture
def axe_page(page):
    install_axe(page)
    return page


def _assert_clean(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert page.evaluate("typeof axe") == "object"  # so a clean result means something
    found = blocking_violations(page)
    assert not found, url + "\n" + "\n".join(found)


def test_public_ledger_list_passes_axe(axe_page, live_server, demo):
    _assert_clean(axe_page, f"{live_server.url}/ledger/")


def test_public_ledger_page_passes_axe(axe_page, live_server, demo):
    _assert_clean(axe_page, f"{live_server.url}/ledger/sept-2022/ARM/")
    expect(axe_page.locator("svg.timeline-chart polyline").first).to_be_attached()


def test_public_ledger_page_with_every_line_passes_axe(axe_page, live_server, demo):
    """Every series switched on: more colours, more end labels, all still legible."""
    base = f"{live_server.url}/ledger/sept-2022/ARM/"
    axe_page.goto(base)
    keys = axe_page.locator("[data-line-key]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.lineKey)"
    )
    assert keys
    _assert_clean(axe_page, base + "?" + "&".join(f"lines={key}" for key in keys))


def test_public_handover_page_passes_axe(axe_page, live_server, demo):
    handover = Handover.objects.filter(
        state=HandoverState.VERIFIED, conflict__slug="sept-2022", to_party__code="ARM"
    ).first()
    assert handover is not None
    _assert_clean(axe_page, f"{live_server.url}/ledger/sept-2022/ARM/handovers/{handover.pk}/")


def test_releases_page_passes_axe(axe_page, live_server, demo):
    _assert_clean(axe_page, f"{live_server.url}/releases/")


def test_api_docs_pass_axe(axe_page, live_server, demo):
    axe_page.goto(f"{live_server.url}/api/docs/")
    # The UI draws after fetching the whole schema, which a busy machine builds slowly.
    expect(axe_page.locator(".opblock").first).to_be_visible(timeout=30_000)
    # One operation opened too: its parameters and responses are where forms live.
    axe_page.locator(".opblock-summary").first.click()
    expect(axe_page.locator(".opblock-body").first).to_be_visible()
    assert axe_page.evaluate("typeof axe") == "object"
    found = blocking_violations(axe_page)
    assert not found, "\n".join(found)
