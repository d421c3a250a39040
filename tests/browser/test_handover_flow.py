"""In a real browser: a clerk enters a batch, a verifier sends it back, the clerk corrects and
resubmits it, the verifier verifies it, the public ledger counts it.

Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a
thread with a running loop unless told this is safe — as it is here, the test and the loop
taking turns.
"""

import re

import pytest
from playwright.sync_api import expect

from casualties.models import Conflict, Person
from demo.demo_data import DEMO_USERS
from repatriation.models import Handover

PASSWORDS = {username: password for username, password, *_rest in DEMO_USERS}
HANDOVER_DATE = "2022-09-25"


@pytest.fixture
def csp_violations(page):
    """Every message in which the browser says it refused something under the CSP."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Log in").click()


def received(page, base) -> int:
    page.goto(f"{base}/ledger/sept-2022/ARM/")
    figure = page.locator("dt", has_text="Returned in verified handovers").locator("+ dd")
    return int(re.match(r"[\d,]+", figure.inner_text())[0].replace(",", ""))


def fill_header(page, conflict):
    page.locator("#id_conflict").select_option(str(conflict.pk))
    page.locator("#id_date").fill(HANDOVER_DATE)
    page.get_by_label("Location").fill("Checkpoint near Jermuk")
    page.locator("#id_from_party").select_option(label="Azerbaijan (AZE)")
    page.locator("#id_to_party").select_option(label="Armenia (ARM)")
    page.locator("#id_reported_count").fill("3")
    page.get_by_label("Citation").fill("Ministry of Defence briefing")


def test_a_clerk_enters_a_batch_and_a_verifier_verifies_it(page, live_server, demo, csp_violations):
    base = live_server.url
    before = received(page, base)
    conflict = Conflict.objects.get(slug="sept-2022")
    person = Person.objects.filter(conflict=conflict, party__code="ARM", status="missing").first()
    handovers_before = Handover.objects.count()

    log_in(page, base, "clerk")
    expect(page).to_have_url(f"{base}/handovers/")
    page.get_by_role("button", name="Enter a handover").click()
    fill_header(page, conflict)
    page.get_by_role("button", name="Make rows from the count").click()
    rows = page.locator("#remains-table tbody")
    expect(rows).to_have_count(3)
    expect(page.locator("#id_location")).to_have_value("Checkpoint near Jermuk")

    # Rows come and go without a reload.
    page.get_by_role("button", name="Add a row").click()
    expect(rows).to_have_count(4)
    expect(page.locator("#id_remains-3-case_number")).to_be_focused()
    rows.nth(3).get_by_role("button", name="Remove").click()
    expect(rows).to_have_count(3)
    expect(page.locator("#id_remains-TOTAL_FORMS")).to_have_value("3")

    # Enter moves down the column instead of submitting a half-entered batch.
    page.locator("#id_remains-0-notes").fill("Tag found")
    page.locator("#id_remains-0-notes").press("Enter")
    expect(page.locator("#id_remains-1-notes")).to_be_focused()
    expect(page.locator("#error-summary")).to_have_count(0)

    # Row 2 says "confirmed" but names nobody: refused, beside that row, nothing saved.
    page.locator("#id_remains-1-identification").select_option("confirmed")
    page.locator("#id_remains-1-method").select_option("dna")
    page.locator("#id_remains-1-identified_on").fill("2022-10-01")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#error-summary")).to_contain_text("Nothing was saved")
    expect(rows.nth(1)).to_contain_text("Confirmed remains must name the person identified.")
    expect(rows.nth(0)).not_to_contain_text("Confirmed remains")
    assert Handover.objects.count() == handovers_before

    # The fix: pick the person from the suggestions offered as the name is typed.
    person_field = page.locator("#id_remains-1-person")
    person_field.press_sequentially(person.name_latin[:5], delay=30)
    option = page.locator(f'#person-options option[value$="(#{person.pk})"]')
    expect(option).to_have_count(1)
    person_field.fill(option.get_attribute("value"))
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved with 3 remains")
    handover = Handover.objects.latest("id")
    assert (handover.state, handover.remains.count()) == ("draft", 3)
    assert handover.remains.filter(person=person).count() == 1
    assert handover.remains.filter(notes="Tag found").count() == 1
    expect(page).to_have_url(f"{base}/handovers/{handover.pk}/")

    person.refresh_from_db()
    assert person.status == "missing"  # a draft records nothing on the person

    # The verifier sends it back; the clerk corrects it on the batch page and resubmits.
    page.get_by_role("button", name="Log out clerk").click()
    log_in(page, base, "verifier")
    expect(page.locator("table.handover-list tbody tr").first).to_contain_text(HANDOVER_DATE)
    page.goto(f"{base}/handovers/{handover.pk}/")
    page.get_by_role("button", name="Review this draft").click()
    page.get_by_label("What needs correcting").fill("Row 3 is a partial body.")
    page.get_by_role("button", name="Send back to the clerk").click()
    expect(page.locator(".messages")).to_contain_text("Draft sent back")

    page.get_by_role("button", name="Log out verifier").click()
    log_in(page, base, "clerk")
    page.goto(f"{base}/handovers/{handover.pk}/")
    page.get_by_role("button", name="Correct and resubmit this draft").click()
    expect(page.locator(".review-comment")).to_contain_text("Row 3 is a partial body.")
    expect(rows).to_have_count(3)
    page.get_by_role("button", name="Save and resubmit").click()
    expect(page.locator("#error-summary")).to_contain_text("Nothing was changed")
    page.locator("#id_remains-2-condition").select_option("partial")
    page.get_by_role("button", name="Save and resubmit").click()
    expect(page.locator(".messages")).to_contain_text("resubmitted")

    page.get_by_role("button", name="Log out clerk").click()
    log_in(page, base, "verifier")
    page.goto(f"{base}/handovers/{handover.pk}/verify/")
    expect(page.locator(".review-checks")).to_contain_text("1 row was added or changed")
    expect(page.locator("tr.row-changed")).to_have_count(1)
    page.get_by_label(re.compile("I checked every row")).check()
    page.get_by_role("button", name="Verify this handover").click()
    expect(page.locator(".messages")).to_contain_text("Handover verified")

    assert received(page, base) == before + 3
    person.refresh_from_db()
    assert person.status == "killed"
    assert csp_violations == []


def test_the_api_docs_and_the_admin_work_under_the_csp(page, live_server, demo, csp_violations):
    base = live_server.url
    page.goto(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Casualty")
    expect(page.locator(".opblock").first).to_be_visible()

    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORDS["admin"])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{base}/admin/repatriation/handover/")
    expect(page.locator("#result_list")).to_be_visible()
    page.goto(f"{base}/admin/repatriation/handover/add/")
    expect(page.locator("#handover_form")).to_be_visible()
    # The admin's date widgets are added by its (external) scripts.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()

    assert csp_violations == []
