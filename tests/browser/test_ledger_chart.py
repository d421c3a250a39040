"""The ledger chart in a real browser: legible on a 390 px phone, and its legend toggles
lines in place with JavaScript (the ``?lines=`` links work without it)."""

from playwright.sync_api import expect

from tests.browser.axe import blocking_violations, install_axe

PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 12
# The rendered size of each of the chart's texts: the font size scaled by the SVG's
# on-screen width over its view box (getBoundingClientRect height tracks font metrics, not
# the font size, so the scale is measured from the element itself).
TEXT_SIZES = """() => {
  const svg = document.querySelector("svg.timeline-chart");
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(t => ({
    text: t.textContent,
    px: parseFloat(getComputedStyle(t).fontSize) * scale,
  }));
}"""


def test_chart_text_is_legible_on_a_phone_and_nothing_overflows(page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/ledger/sept-2022/ARM/")
    chart = page.locator("svg.timeline-chart")
    chart.scroll_into_view_if_needed()
    expect(chart.locator("polyline").first).to_be_attached()

    sizes = page.evaluate(TEXT_SIZES)
    assert len(sizes) > 3  # axis labels and end labels, not only a title
    too_small = [s for s in sizes if s["px"] < MIN_TEXT_PX]
    assert too_small == [], too_small
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_legend_toggles_a_line_in_place_with_javascript(page, live_server, demo):
    install_axe(page)
    page.goto(f"{live_server.url}/ledger/sept-2022/ARM/")
    legend = page.locator(".chart-legend")
    # The links became toggle buttons, one per series, pressed for each line drawn.
    expect(legend.locator("a.line-switch")).to_have_count(0)
    buttons = legend.locator("button.line-switch")
    assert buttons.count() > 1
    pressed = legend.locator('button[aria-pressed="true"]')
    drawn = page.locator("svg.timeline-chart g.line")
    expect(drawn).to_have_count(pressed.count())
    assert pressed.count() >= 1

    off = legend.locator('button[aria-pressed="false"]').first
    key = off.get_attribute("data-line-key")
    before = drawn.count()
    page.evaluate("window.notReloaded = true")
    off.click()

    expect(legend.locator(f'button[data-line-key="{key}"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(drawn).to_have_count(before + 1)
    assert page.evaluate("window.notReloaded") is True  # redrawn in place, not a new page
    assert f"lines={key}" in page.url  # the address can be shared as it is shown

    # And off again: the line goes, the other lines stay.
    legend.locator(f'button[data-line-key="{key}"]').click()
    expect(drawn).to_have_count(before)
    expect(legend.locator(f'button[data-line-key="{key}"]')).to_have_attribute(
        "aria-pressed", "false"
    )
    found = blocking_violations(page)
    assert not found, "\n".join(found)


def test_legend_links_work_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/ledger/sept-2022/ARM/")
        drawn = page.locator("svg.timeline-chart g.line")
        before = drawn.count()
        link = page.locator('.chart-legend a.line-switch[data-on="false"]').first
        key = link.get_attribute("data-line-key")
        link.click()
        expect(drawn).to_have_count(before + 1)
        assert f"lines={key}" in page.url
        expect(page.locator(f'a.line-switch[data-line-key="{key}"]')).to_have_attribute(
            "data-on", "true"
        )
    finally:
        context.close()
