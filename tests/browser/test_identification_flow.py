"""In a real browser, the identification board's four eyes (DESIGN §9): a forensic coordinator
opens unidentified remains of a verified handover, sees the candidates and proposes the top one
on a lab's DNA report; a second coordinator confirms; the public ledger counts one more
identified and the person is public as killed."""

import datetime
import json
import re

from django.conf import settings
from playwright.sync_api import expect

from casualties.models import Person
from identification.models import DnaMatchReport, Proposal
from repatriation.choices import HandoverState, Identification
from repatriation.models import Remains
from tests.browser.axe import blocking_violations, install_axe
from tests.browser.test_handover_flow import log_in

LEDGER = "/ledger/sept-2022/ARM/"


def figure(page, base, label) -> int:
    """A number of the public ledger page's table row whose header is ``label``."""
    page.goto(f"{base}{LEDGER}")
    row = page.locator("tr", has=page.locator("th", has_text=re.compile(f"^{label}$"))).first
    return int(row.locator("td").inner_text().replace(",", "").strip())


def test_two_coordinators_identify_remains_and_the_ledger_counts_it(page, live_server, demo):
    base = live_server.url
    identified = figure(page, base, "Persons identified \\(confirmed\\)")
    confirmed = figure(page, base, "Identification confirmed")
    remains = (
        Remains.objects.filter(
            handover__conflict__slug="sept-2022",
            handover__to_party__code="ARM",
            handover__state=HandoverState.VERIFIED,
            identification=Identification.UNIDENTIFIED,
        )
        .order_by("id")
        .first()
    )

    log_in(page, base, "forensic")
    page.goto(f"{base}/identification/remains/{remains.pk}/")
    expect(page.locator("h1")).to_have_text(remains.case_number)
    top = page.locator("#candidates-heading ~ div tbody tr").first
    expect(top).to_be_visible()
    person = Person.objects.get(pk=int(top.get_attribute("data-person")))
    assert person.status != "killed"
    # The lab's report on that candidate arrives (labs report through the admin or the API).
    report = DnaMatchReport.objects.create(
        remains=remains,
        person=person,
        likelihood_ratio=settings.DNA_LR_THRESHOLD * 50,
        lab="Browser test laboratory",
        reported_on=datetime.date(2023, 2, 1),
    )

    page.reload()
    page.locator("#id_person").fill(str(person.pk))
    page.get_by_role("checkbox", name="DNA", exact=True).check()
    page.locator("#id_dna_report").select_option(str(report.pk))
    page.get_by_role("button", name="Propose", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("waits for a second coordinator")
    expect(page.locator("#proposal-state")).to_have_text("Pending")
    proposal = Proposal.objects.get(remains=remains)
    expect(page.get_by_role("button", name="Confirm the identification")).to_have_count(0)
    remains.refresh_from_db()
    assert (remains.identification, remains.person_id) == ("presumptive", person.pk)

    page.get_by_role("button", name="Log out forensic").click()
    log_in(page, base, "forensic2")
    page.goto(f"{base}/identification/")
    page.locator(f'a[href="/identification/proposals/{proposal.pk}/"]').click()
    expect(page.locator("#proposal-state")).to_have_text("Pending")
    page.get_by_role("button", name="Confirm the identification").click()
    expect(page.locator("#proposal-state")).to_have_text("Confirmed")
    page.get_by_role("button", name="Log out forensic2").click()

    remains.refresh_from_db()
    person.refresh_from_db()
    assert (remains.identification, remains.method) == ("confirmed", "dna")
    assert person.status == "killed"
    assert figure(page, base, "Persons identified \\(confirmed\\)") == identified + 1
    assert figure(page, base, "Identification confirmed") == confirmed + 1

    page.goto(f"{base}/api/v1/persons/{person.pk}/?format=json")
    public = json.loads(page.locator("body").inner_text())
    assert public["status"] == "killed"
    assert ("full_name" in public and public["full_name"] == person.full_name) == (
        person.name_public
    )


def test_the_forensic_pages_pass_axe(page, live_server, demo):
    """The identification pages a coordinator uses, the aftercare form with its errors and a
    person's case: no serious or critical axe violation."""
    base = live_server.url
    install_axe(page)
    done = Remains.objects.filter(identification=Identification.CONFIRMED).first()
    person = Person.objects.filter(status="missing", ante_mortem__isnull=False).first()
    log_in(page, base, "forensic")

    found = []
    for path in (
        "/identification/",
        "/identification/references/",
        f"/identification/remains/{done.pk}/",
        f"/persons/{person.pk}/",
    ):
        assert page.goto(base + path).ok, path
        found += [f"{path}: {line}" for line in blocking_violations(page)]
    expect(page.locator("#identification-case")).to_contain_text("Ante-mortem record")

    page.goto(f"{base}/identification/remains/{done.pk}/")
    page.locator("#id_aftercare-buried_on").fill("2023-03-20")
    page.get_by_role("button", name="Record aftercare").click()
    expect(page.locator("#id_aftercare-burial_place ~ .errorlist")).to_contain_text(
        "Say where the remains were buried."
    )
    found += [f"aftercare (errors): {line}" for line in blocking_violations(page)]

    assert found == []
