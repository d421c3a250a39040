"""The batch form in a real browser, by keyboard: the footer counts rows against the announced
count, Enter in the last row goes to Save (a row is added only on purpose), a count mismatch
is warned of before saving, and dates are typed as YYYY-MM-DD in every language."""

import datetime

import pytest
from playwright.sync_api import expect

from casualties.models import Conflict, Party
from repatriation.models import Handover
from tests.browser.axe import blocking_violations, install_axe
from tests.browser.test_handover_flow import log_in

HINTS = {
    "en": "Enter a date as YYYY-MM-DD, for example 2022-09-20.",
    "hy": "Մուտքագրեք ամսաթիվը ՏՏՏՏ-ԱԱ-ՕՕ ձևաչափով, օրինակ՝ 2022-09-20։",
    "ru": "Введите дату в формате ГГГГ-ММ-ДД, например 2022-09-20.",
}


def fill_header(page, conflict, *, count: int, day: str) -> None:
    page.locator("#id_conflict").select_option(str(conflict.pk))
    page.locator("#id_date").press_sequentially(day)
    page.keyboard.press("Tab")
    page.locator("#id_location").fill("Checkpoint near Jermuk")
    # By value: the parties' labels are in the page's language.
    page.locator("#id_from_party").select_option(str(Party.objects.get(code="AZE").pk))
    page.locator("#id_to_party").select_option(str(Party.objects.get(code="ARM").pk))
    page.locator("#id_reported_count").fill(str(count))
    page.locator("#id_citation").fill("Ministry of Defence briefing")


def counts(page) -> str:
    return " ".join(page.locator("#batch-counts").inner_text().split())


def test_a_30_row_batch_entered_by_keyboard(page, live_server, demo):
    base = live_server.url
    install_axe(page)
    conflict = Conflict.objects.get(slug="sept-2022")
    before = Handover.objects.count()
    log_in(page, base, "clerk")
    page.goto(f"{base}/handovers/new/")
    fill_header(page, conflict, count=30, day="2022-10-01")
    expect(page.locator("#id_date")).to_have_value("2022-10-01")

    page.get_by_role("button", name="Make rows from the count").focus()
    page.keyboard.press("Enter")
    rows = page.locator("#remains-table tbody")
    expect(rows).to_have_count(30)
    # Typing goes on in row 1, not at the top of the page.
    expect(page.locator("#id_remains-0-case_number")).to_be_focused()
    expect(page.locator("#batch-counts")).to_be_visible()
    assert counts(page) == "rows 30 / announced 30 · identified 0 · partial 0"

    # Down the condition column by keyboard: rows 2 and 3 are partial bodies.
    page.locator("#id_remains-1-condition").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_remains-2-condition")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_remains-3-condition")).to_be_focused()
    expect(page.locator("#id_remains-1-condition")).to_have_value("partial")
    assert counts(page) == "rows 30 / announced 30 · identified 0 · partial 2"

    # Enter down the notes column to the last row, then once more: Save, not a 31st row.
    page.locator("#id_remains-0-notes").focus()
    for _ in range(29):
        page.keyboard.type("tag")
        page.keyboard.press("Enter")
    expect(page.locator("#id_remains-29-notes")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Save draft")).to_be_focused()
    expect(rows).to_have_count(30)

    # axe-core on the form as it stands, thirty rows and the footer.
    found = blocking_violations(page)
    assert not found, "\n".join(found)

    # A row added on purpose makes 31 of 30: the first Save warns and saves nothing.
    page.get_by_role("button", name="Add a row").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(31)
    assert counts(page) == "rows 31 / announced 30 · identified 0 · partial 2"
    page.get_by_role("button", name="Save draft").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#count-warning")).to_be_visible()
    expect(page.locator("#count-warning")).to_contain_text("31 rows entered, but 30 announced")
    assert Handover.objects.count() == before

    # The extra row removed, the warning goes and the batch saves.
    rows.nth(30).get_by_role("button", name="Remove").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(30)
    expect(page.locator("#count-warning")).to_be_hidden()
    page.get_by_role("button", name="Save draft").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Draft saved with 30 remains")
    handover = Handover.objects.latest("id")
    assert handover.remains.count() == 30
    assert handover.remains.filter(condition="partial").count() == 2
    assert handover.remains.filter(notes="tag").count() == 29
    assert handover.date == datetime.date(2022, 10, 1)

    # The detail page: totals, and no serious axe finding.
    expect(page.locator(".remains-totals")).to_contain_text("Partial: 2")
    expect(page.locator(".remains-totals")).to_contain_text("Unidentified: 30")
    found = blocking_violations(page)
    assert not found, "\n".join(found)
    # On paper, the record carries blanks for the two signatures, on one A4 sheet.
    page.emulate_media(media="print")
    expect(page.locator(".signatures")).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".change-history")).to_be_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1


def test_a_failed_save_focuses_the_error_summary_and_links_each_field(page, live_server, demo):
    base = live_server.url
    conflict = Conflict.objects.get(slug="sept-2022")
    log_in(page, base, "clerk")
    page.goto(f"{base}/handovers/new/")
    fill_header(page, conflict, count=1, day="2022-10-01")
    page.get_by_role("button", name="Make rows from the count").click()
    page.locator("#id_remains-0-identified_on").fill("2022-02-30")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#error-summary")).to_be_focused()
    link = page.locator('#error-summary a[href="#id_remains-0-identified_on"]')
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator("#id_remains-0-identified_on")).to_be_focused()


@pytest.mark.parametrize("language", ["en", "hy", "ru"])
def test_iso_dates_typed_in_each_language(page, live_server, demo, language):
    base = live_server.url
    conflict = Conflict.objects.get(slug="sept-2022")
    log_in(page, base, "clerk")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/handovers/new/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    date = page.locator("#id_date")
    assert date.get_attribute("type") == "text"
    expect(page.locator("#id_date_format")).to_have_text(HINTS[language])

    # A date that does not exist is flagged on leaving the field, in the page's language.
    date.press_sequentially("2022-13-01")
    page.keyboard.press("Tab")
    expect(page.locator("#id_date_check")).to_be_visible()
    expect(date).to_have_attribute("aria-invalid", "true")
    date.fill("")
    fill_header(page, conflict, count=1, day="2022-09-25")
    expect(page.locator("#id_date_check")).to_be_hidden()
    before = Handover.objects.count()
    page.locator("button[name=rows_from_count]").click()
    page.locator("#id_remains-0-identified_on").press_sequentially("2022-09-26")
    page.locator("button[name=save]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Handover.objects.count() == before + 1
    handover = Handover.objects.latest("id")
    assert handover.date == datetime.date(2022, 9, 25)
    assert handover.remains.get().identified_on == datetime.date(2022, 9, 26)


def test_fill_down_puts_the_first_date_in_every_empty_row_below(page, live_server, demo):
    base = live_server.url
    log_in(page, base, "clerk")
    page.goto(f"{base}/handovers/new/")
    fill_header(page, Conflict.objects.get(slug="sept-2022"), count=4, day="2022-10-01")
    page.get_by_role("button", name="Make rows from the count").click()
    expect(page.locator("#remains-table tbody")).to_have_count(4)
    page.locator("#id_remains-1-identified_on").fill("2022-10-03")
    page.locator("#id_remains-3-identified_on").fill("2022-10-09")

    page.get_by_role("button", name="Fill the first date down the empty rows").click()

    values = [page.locator(f"#id_remains-{n}-identified_on").input_value() for n in range(4)]
    # Above the first date nothing changes, and a date already typed is kept.
    assert values == ["", "2022-10-03", "2022-10-03", "2022-10-09"]
