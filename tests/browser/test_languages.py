"""In a real browser: a reader switches the public ledger to Armenian, and it stays so."""

from playwright.sync_api import expect


def test_switching_to_armenian_shows_armenian_labels(page, live_server, demo):
    base = live_server.url
    page.goto(f"{base}/ledger/sept-2022/ARM/")
    expect(page.get_by_role("heading", name="Official figures")).to_be_visible()

    # Choosing a language switches to it: no separate button to press.
    expect(page.get_by_role("button", name="Change")).to_be_hidden()
    page.locator("#language-select").select_option("hy")

    expect(page.locator("html")).to_have_attribute("lang", "hy")
    expect(page.get_by_role("heading", name="Պաշտոնական թվեր")).to_be_visible()
    expect(page.get_by_role("heading", name="Official figures")).to_have_count(0)

    # The choice is kept from page to page (a cookie), staff login included.
    assert page.goto(f"{base}/accounts/login/").ok
    expect(page.locator("html")).to_have_attribute("lang", "hy")


def test_without_javascript_the_button_switches_the_language(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/ledger/sept-2022/ARM/")

    page.locator("#language-select").select_option("ru")
    page.get_by_role("button", name="Change").click()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    context.close()
