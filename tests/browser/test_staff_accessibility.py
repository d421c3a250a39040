"""axe-core on every staff page a clerk, a verifier and an admin use, at desk and phone width,
in the states they meet (a list, a form, a form with errors, a record with its history): no
serious or critical violation."""

import pytest
from django.contrib.auth.models import User

from casualties.models import Person, Statement
from repatriation.choices import HandoverState
from repatriation.models import Agreement, Handover
from repatriation.services import handover_create
from tests.browser.axe import blocking_violations, install_axe
from tests.browser.test_handover_flow import log_in

WIDTHS = {"desk": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _check(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.ok, url
    assert page.evaluate("typeof axe") == "object"
    return [f"{url}: {line}" for line in blocking_violations(page)]


def _clerk_pages(base: str) -> list[str]:
    handover = Handover.objects.filter(state=HandoverState.VERIFIED).first()
    person = Person.objects.filter(status_changes__isnull=False).first()
    pages = [
        "/handovers/",
        "/handovers/new/",
        f"/handovers/{handover.pk}/",
        "/persons/",
        "/persons/?party=ARM&civilian=false&ordering=-status_date",
        f"/persons/{person.pk}/",
        f"/persons/{person.pk}/status/",
        "/persons/new/",
        "/persons/import/",
        "/persons/duplicates/",
        "/statements/",
        "/statements/new/",
        "/agreements/",
    ]
    if Agreement.objects.exists():
        pages.append(f"/agreements/{Agreement.objects.first().pk}/")
    assert Statement.objects.exists()
    return [base + path for path in pages]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_clerks_pages_pass_axe(page, live_server, demo, width):
    page.set_viewport_size(WIDTHS[width])
    install_axe(page)
    log_in(page, live_server.url, "clerk")

    found = [line for url in _clerk_pages(live_server.url) for line in _check(page, url)]

    # A form sent back with its errors: each error beside its field.
    page.goto(f"{live_server.url}/persons/new/")
    page.get_by_role("button", name="Save", exact=True).click()
    found += [f"persons/new (errors): {line}" for line in blocking_violations(page)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_verifiers_review_page_passes_axe(page, live_server, demo, width):
    page.set_viewport_size(WIDTHS[width])
    install_axe(page)
    verified = Handover.objects.filter(state=HandoverState.VERIFIED).first()
    draft = handover_create(
        user=User.objects.get(username="clerk"),
        conflict=verified.conflict,
        kind=verified.kind,
        date=verified.date,
        from_party=verified.from_party,
        to_party=verified.to_party,
        reported_count=2,
        remains=[{"condition": "complete"}, {"condition": "partial"}],
    )
    log_in(page, live_server.url, "verifier")

    found = _check(page, f"{live_server.url}/handovers/{draft.pk}/verify/")

    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_pages_in_use_pass_axe(page, live_server, demo, width):
    page.set_viewport_size(WIDTHS[width])
    install_axe(page)
    log_in(page, live_server.url, "admin")
    handover = Handover.objects.filter(state=HandoverState.VERIFIED).first()
    base = f"{live_server.url}/admin/repatriation/handover"

    found = []
    for url in (
        f"{live_server.url}/admin/",
        f"{base}/",
        f"{base}/{handover.pk}/change/",
        f"{base}/{handover.pk}/history/",
    ):
        found += _check(page, url)

    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinators_reference_pages_pass_axe_and_fit(page, live_server, demo, width):
    page.set_viewport_size(WIDTHS[width])
    install_axe(page)
    log_in(page, live_server.url, "coordinator")
    source = Statement.objects.first().source
    base = f"{live_server.url}/reference"

    found = []
    for path in ("/", "/conflicts/new/", "/parties/new/", f"/sources/{source.pk}/"):
        found += _check(page, base + path)
        width_used = page.evaluate("() => document.documentElement.scrollWidth")
        if width_used > WIDTHS[width]["width"]:
            found.append(f"{path}: {width_used} px wide, wider than the screen")
    # A form sent back with its errors: each beside its field.
    page.goto(f"{base}/parties/new/")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.locator(".errorlist, [aria-invalid='true']").count() > 0
    found += [f"parties/new (errors): {line}" for line in blocking_violations(page)]
    assert not found, "\n".join(found)
