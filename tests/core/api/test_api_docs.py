"""/api/docs/ for journalists: grouped by subject, public reads unlocked and first, the
README's quickstart on top, no internal document references, the page's language declared."""

import json

from drf_spectacular.generators import SchemaGenerator

from core.api.schema import TAGS

PUBLIC_TAGS = {"Ledger", "Statements", "Persons", "Handovers", "Reference data", "Change feed"}


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield path, method, operation


def test_reads_are_grouped_by_subject_without_a_padlock_and_writes_come_last():
    document = schema()
    assert [tag["name"] for tag in document["tags"]] == [name for name, _text in TAGS]
    found = {}
    for path, method, operation in operations(document):
        [tag] = operation["tags"]
        found.setdefault(tag, []).append((method, path))
        if method == "get":
            assert tag in PUBLIC_TAGS, path
            assert operation["security"] == [], path
        elif not path.startswith("/api/v1/auth/"):
            assert tag == "Staff writes", (method, path)
    assert ("get", "/api/v1/ledger/{conflict_slug}/{party_code}/") in found["Ledger"]
    assert ("get", "/api/v1/changes/") in found["Change feed"]
    assert ("post", "/api/v1/handovers/") in found["Staff writes"]
    assert ("get", "/api/v1/conflicts/") in found["Reference data"]
    assert set(found) == {name for name, _text in TAGS}
    # Document order: the first operation is a public read of the ledger.
    first_path, first_method, _op = next(operations(document))
    assert (first_method, first_path) == ("get", "/api/v1/ledger/")


def test_the_quickstart_opens_the_docs_and_nothing_cites_internal_documents():
    document = schema()
    with open("README.md", encoding="utf-8") as readme:
        assert 'curl -s "$API/ledger/sept-2022/ARM/"' in readme.read()
    assert 'curl -s "$API/ledger/sept-2022/ARM/"' in document["info"]["description"]
    assert "§" not in json.dumps(document, ensure_ascii=False)


def test_the_docs_page_declares_its_language(client, db):
    html = client.get("/api/docs/").content.decode()
    assert '<html lang="en">' in html
    assert (
        client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="hy")
        .content.decode()
        .count('<html lang="hy">')
        == 1
    )
