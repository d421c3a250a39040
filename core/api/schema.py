"""The OpenAPI document as a journalist reads it: operations grouped by what they are about,
public reads first and staff writes last, no padlock on what needs no account, and no
reference to the project's internal documents."""

import re

# (tag, description); the docs list the groups in this order. Paths are matched by prefix.
TAGS = [
    ("Ledger", "Each ledger: official figures, returns, what is outstanding, its timeline."),
    ("Statements", "Official statements and their dated figures, each with its source."),
    ("Persons", "Person records (public fields; names only where published) and merges."),
    ("Handovers", "Verified handovers of remains and prisoners, and the agreements behind them."),
    ("Reference data", "Conflicts, parties and the sources (authorities) that speak for them."),
    ("Change feed", "Every change to a public record, in commit order, for mirrors."),
    ("Staff writes", "Writes by clerks and verifiers (a token or login with the permission)."),
    ("Accounts", "Revoking API tokens."),
]
PREFIXES = [
    ("/api/v1/auth/", "Accounts"),
    ("/api/v1/ledger/", "Ledger"),
    ("/api/v1/changes/", "Change feed"),
    ("/api/v1/statements/", "Statements"),
    ("/api/v1/persons/", "Persons"),
    ("/api/v1/handovers/", "Handovers"),
    ("/api/v1/agreements/", "Handovers"),
    ("/api/v1/", "Reference data"),
]
READS = ("get", "head", "options")
INTERNAL = re.compile(r"\s*\(?\b(?:DESIGN|STYLE|STACK)(?:\.md)?\s*§\s*[\d.]+\)?")
TAG_ORDER = {name: index for index, (name, _description) in enumerate(TAGS)}


def _tag(path: str, method: str) -> str:
    group = next(tag for prefix, tag in PREFIXES if path.startswith(prefix))
    if method not in READS and group != "Accounts":
        return "Staff writes"
    return group


def _clean(node):
    if isinstance(node, dict):
        return {
            key: INTERNAL.sub("", value)
            if key in ("description", "summary") and isinstance(value, str)
            else _clean(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_clean(item) for item in node]
    return node


def tag_operations(result, generator, request, public):
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS in config/api_settings.py)."""
    placed = []
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            tag = _tag(path, method)
            operation["tags"] = [tag]
            if method in READS and tag != "Accounts":
                # Anyone may read: no padlock (a token only raises the rate limit).
                operation["security"] = []
            placed.append((TAG_ORDER[tag], method not in READS, path, method))
    # Swagger UI lists operations in document order: reads before writes, tag by tag.
    ordered = {}
    for _order, _write, path, _method in sorted(placed):
        ordered.setdefault(path, result["paths"][path])
    result["paths"] = ordered
    result["tags"] = [{"name": name, "description": text} for name, text in TAGS]
    return _clean(result)
