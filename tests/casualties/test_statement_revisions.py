"""A changed figure of a statement edited through the API or the staff form is recorded as a
revision, as ``import_statements`` records it (issue 16): the old row kept, the latest counts."""

import datetime

import pytest
from django.urls import reverse

from casualties.models import Figure
from ledger.computation import ledger_for
from tests.factories import (
    ConflictFactory,
    FigureFactory,
    PartyFactory,
    SourceFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/statements/"


@pytest.fixture
def arm():
    return PartyFactory(code="ARM", name="Armenia")


@pytest.fixture
def statement(arm):
    conflict = ConflictFactory(slug="sept-2022", start_date=datetime.date(2022, 9, 1))
    source = SourceFactory(name="Security Council of Armenia", party=arm)
    statement = StatementFactory(conflict=conflict, source=source)
    FigureFactory(statement=statement, subject_party=arm, value=205, civilians=5)
    FigureFactory(statement=statement, subject_party=arm, category="injured", value=296)
    return statement


def figures(killed_or_missing=205, civilians=5):
    return [
        {
            "subject_party": "ARM",
            "category": "killed_or_missing",
            "value": killed_or_missing,
            "civilians": civilians,
        },
        {"subject_party": "ARM", "category": "injured", "value": 296},
    ]


def rows(statement):
    return list(
        Figure.objects.filter(statement=statement, category="killed_or_missing")
        .order_by("revision")
        .values_list("value", "revision")
    )


def test_a_patched_value_is_a_new_revision_and_the_ledger_counts_it(clerk_api, statement, arm):
    response = clerk_api.patch(f"{URL}{statement.pk}/", {"figures": figures(207)}, format="json")

    assert response.status_code == 200
    assert rows(statement) == [(205, 0), (207, 1)]
    assert Figure.objects.filter(statement=statement, category="injured").count() == 1
    (shown,) = [f for f in response.json()["figures"] if f["category"] == "killed_or_missing"]
    assert (shown["value"], shown["revision"]) == (207, 1)
    assert [(r["value"], r["revision"]) for r in shown["revisions"]] == [(205, 0)]
    assert shown["revisions"][0]["recorded_at"]
    ledger = ledger_for(conflict=statement.conflict, party=arm)
    assert ledger["official"]["killed_or_missing"]["value"] == 207
    (revised,) = [d for d in ledger["discrepancies"] if d["code"] == "figure_revised"]
    assert "from 205 to 207" in str(revised["message"])


def test_the_api_lists_each_figure_once_with_its_earlier_values(anonymous_api, statement, arm):
    FigureFactory(statement=statement, subject_party=arm, value=207, civilians=5, revision=1)

    body = anonymous_api.get(f"{URL}{statement.pk}/").json()

    assert sorted((f["category"], f["value"]) for f in body["figures"]) == [
        ("injured", 296),
        ("killed_or_missing", 207),
    ]
    (injured,) = [f for f in body["figures"] if f["category"] == "injured"]
    assert injured["revisions"] == []


def test_an_unchanged_resubmission_records_nothing(clerk_api, statement):
    before = set(Figure.objects.values_list("pk", "updated_at"))

    response = clerk_api.patch(f"{URL}{statement.pk}/", {"figures": figures()}, format="json")

    assert response.status_code == 200
    assert set(Figure.objects.values_list("pk", "updated_at")) == before
    assert rows(statement) == [(205, 0)]


def test_a_second_change_adds_a_third_revision(clerk_api, statement):
    clerk_api.patch(f"{URL}{statement.pk}/", {"figures": figures(207)}, format="json")
    response = clerk_api.patch(
        f"{URL}{statement.pk}/", {"figures": figures(207, civilians=6)}, format="json"
    )

    assert response.status_code == 200
    assert rows(statement) == [(205, 0), (207, 1), (207, 2)]
    (shown,) = [f for f in response.json()["figures"] if f["category"] == "killed_or_missing"]
    assert [r["value"] for r in shown["revisions"]] == [205, 207]


def test_a_figure_left_out_is_removed_with_its_revisions(clerk_api, statement):
    clerk_api.patch(f"{URL}{statement.pk}/", {"figures": figures(207)}, format="json")

    response = clerk_api.patch(f"{URL}{statement.pk}/", {"figures": figures()[1:]}, format="json")

    assert response.status_code == 200
    assert rows(statement) == []
    assert [f["category"] for f in response.json()["figures"]] == ["injured"]


def test_a_bad_revision_saves_nothing_and_names_its_row(clerk_api, statement):
    response = clerk_api.patch(
        f"{URL}{statement.pk}/", {"figures": figures(3, civilians=5)}, format="json"
    )

    assert response.status_code == 400
    assert "figures[0]" in response.json()["errors"]
    assert rows(statement) == [(205, 0)]


def edit_post(statement, arm, value):
    data = {
        "conflict": statement.conflict.pk,
        "source": statement.source.pk,
        "issued_on": "2022-09-20",
        "as_of": "2022-09-19",
        "citation_title": "Press release",
        "figures-TOTAL_FORMS": 2,
        "figures-INITIAL_FORMS": 2,
        "figures-MIN_NUM_FORMS": 0,
        "figures-MAX_NUM_FORMS": 1000,
    }
    rows = [
        {"category": "killed_or_missing", "value": value, "civilians": 5},
        {"category": "injured", "value": 296, "civilians": ""},
    ]
    for index, row in enumerate(rows):
        for name, cell in {"subject_party": arm.pk, "qualifier": "exact", **row}.items():
            data[f"figures-{index}-{name}"] = cell
    return data


def test_the_edit_form_records_a_revision_and_the_pages_say_revised(client, clerk, statement, arm):
    client.force_login(clerk)
    url = reverse("casualties:statement_edit", args=[statement.pk])

    response = client.post(url, edit_post(statement, arm, 207))

    assert response.status_code == 302
    assert rows(statement) == [(205, 0), (207, 1)]
    listing = client.get(reverse("casualties:statement_list")).content.decode()
    assert "revised from 205 to 207" in listing
    assert listing.count("ARM · Killed or missing:") == 1
    edit = client.get(url).content.decode()
    assert "revised from 205 to 207" in edit
    # The form offers the latest value only, once per figure.
    assert 'name="figures-TOTAL_FORMS" value="5"' in edit
    assert 'value="207"' in edit and 'value="205"' not in edit


def test_the_edit_form_resubmitted_unchanged_records_nothing(client, clerk, statement, arm):
    client.force_login(clerk)
    url = reverse("casualties:statement_edit", args=[statement.pk])

    response = client.post(url, edit_post(statement, arm, 205))

    assert response.status_code == 302
    assert Figure.objects.filter(statement=statement).count() == 2
    assert "revised" not in client.get(reverse("casualties:statement_list")).content.decode()
