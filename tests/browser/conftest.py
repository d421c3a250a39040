"""Browser tests: Playwright drives Debian's Chromium (no browser download on these machines).

Chromium missing is a failure, never a skip: CI installs it (`.ci/run`), and locally
`apt-get install chromium` does.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: install it with "
            "`apt-get install -y chromium` (or point CHROMIUM at another build).",
            pytrace=False,
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def screenshot_on_failure(request, page):
    """Keep what the browser showed when a test failed, under test-results/."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)


@pytest.fixture
def demo(transactional_db):
    """The demo data, committed: the live server runs in another thread."""
    call_command("seed_demo", "--force", stdout=StringIO())


@pytest.fixture(scope="session", autouse=True)
def async_unsafe_allowed():
    """Playwright's sync API keeps an event loop running in this thread, where Django refuses
    database calls unless told. Told from the first browser test on (they run last), so no
    subprocess of an earlier test (the deployment check) inherits it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield
