"""axe-core in the browser tests (STACK.md): pages must have no serious or critical violation.

``vendor/axe-core/axe.min.js`` is the npm package's file as published (`npm pack axe-core`,
version in its first line), kept out of ``static/``: it is a test tool, never served.
It is added as an init script, which the page's Content-Security-Policy does not govern
(an injected ``<script>`` tag would be refused, as it should be).
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def install_axe(page) -> None:
    page.add_init_script(path=str(AXE))


def blocking_violations(page) -> list[str]:
    """Each serious or critical violation on the page as it stands, one line per element."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {node['target']} — {node['failureSummary']}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]
