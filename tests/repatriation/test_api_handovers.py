"""/api/v1/handovers/: who may do what, what the public never sees, batches in one POST,
filters, the four-eyes verification, constant query counts."""

import csv
import datetime
import io

import pytest

from repatriation.models import Handover, ReleasedPerson, Remains
from repatriation.services import (
    ALREADY_VERIFIED,
    NO_VERIFY_PERMISSION,
    OWN_DRAFT,
    VERIFIED_IS_FINAL,
    handover_create,
    handover_verify,
)
from tests.factories import ConflictFactory, PartyFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/handovers/"
DATE = datetime.date(2022, 9, 20)
DNA_SECRET = "DNA-SECRET-7731"
NOTES_SECRET = "NOTES-SECRET: next of kin asked for no publicity"
DRAFT_CITATION = "DRAFT-CITATION-SECRET: unconfirmed ministry call"
SECRETS = (DNA_SECRET, NOTES_SECRET, DRAFT_CITATION)


@pytest.fixture
def setting(db):
    return {
        "conflict": ConflictFactory(slug="sept-2022"),
        "arm": PartyFactory(code="ARM"),
        "aze": PartyFactory(code="AZE"),
        "icrc": PartyFactory(code="ICRC"),
    }


def secret_rows(count=2):
    return [
        {"condition": "complete", "dna_sample_ref": f"{DNA_SECRET}-{i}", "notes": NOTES_SECRET}
        for i in range(count)
    ]


def make_handover(user, setting, *, rows=(), **fields):
    values = {
        "conflict": setting["conflict"],
        "date": DATE,
        "from_party": setting["aze"],
        "to_party": setting["arm"],
        "reported_count": len(rows),
        **fields,
    }
    return handover_create(user=user, remains=list(rows), **values)


@pytest.fixture
def verified(setting, other_clerk, verifier):
    """A verified handover whose remains hold restricted values."""
    handover = make_handover(other_clerk, setting, rows=secret_rows(), location="Sotk")
    return handover_verify(handover=handover, user=verifier)


@pytest.fixture
def draft(setting, other_clerk):
    """Someone else's draft, with a citation not yet fit to publish."""
    return make_handover(
        other_clerk,
        setting,
        rows=secret_rows(1),
        date=DATE + datetime.timedelta(days=1),
        citation=DRAFT_CITATION,
    )


def payload(**extra):
    return {
        "conflict": "sept-2022",
        "date": "2022-09-20",
        "location": "Sotk",
        "from_party": "AZE",
        "to_party": "ARM",
        "mediator": "ICRC",
        "reported_count": 3,
        "reported_by": "ARM",
        "citation": "Defence Ministry, 20 Sep 2022",
        "remains": [
            {"condition": "complete", "dna_sample_ref": "S-1", "notes": "left arm tattoo"},
            {"condition": "partial"},
            {"case_number": "X-17", "condition": "complete"},
        ],
        **extra,
    }


def text_of(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


# --- who may do what (DESIGN §5) ------------------------------------------------------------

MATRIX = {
    # action: {role: expected status}
    "list": {"anonymous": 200, "journalist": 200, "clerk": 200, "verifier": 200},
    "read verified": {"anonymous": 200, "journalist": 200, "clerk": 200, "verifier": 200},
    "read draft": {"anonymous": 404, "journalist": 404, "clerk": 200, "verifier": 200},
    "create": {"anonymous": 401, "journalist": 403, "clerk": 201, "verifier": 201},
    # Someone else's draft: only its clerk (or an admin) changes it.
    "change draft": {"anonymous": 401, "journalist": 403, "clerk": 403, "verifier": 403},
    "verify": {"anonymous": 401, "journalist": 403, "clerk": 403, "verifier": 200},
    "delete": {"anonymous": 401, "journalist": 403, "clerk": 405, "verifier": 405},
}


def perform(action, client, verified, draft):
    return {
        "list": lambda: client.get(URL),
        "read verified": lambda: client.get(f"{URL}{verified.pk}/"),
        "read draft": lambda: client.get(f"{URL}{draft.pk}/"),
        "create": lambda: client.post(URL, payload(), format="json"),
        "change draft": lambda: client.patch(f"{URL}{draft.pk}/", {"location": "Jermuk"}),
        "verify": lambda: client.post(f"{URL}{draft.pk}/verify/"),
        "delete": lambda: client.delete(f"{URL}{draft.pk}/"),
    }[action]()


@pytest.mark.parametrize("role", ["anonymous", "journalist", "clerk", "verifier"])
@pytest.mark.parametrize("action", list(MATRIX))
def test_each_role_may_do_what_design_section_5_allows(api_for, verified, draft, action, role):
    response = perform(action, api_for(role), verified, draft)

    assert response.status_code == MATRIX[action][role], response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"status", "code", "detail", "errors"}
    draft.refresh_from_db()
    assert draft.state == (
        "verified" if response.status_code == 200 and action == "verify" else "draft"
    )
    assert draft.location == (
        "Jermuk" if action == "change draft" and response.status_code < 400 else ""
    )
    assert Handover.objects.filter(pk=draft.pk).exists()
    assert Handover.objects.count() == (
        3 if action == "create" and response.status_code < 400 else 2
    )


# --- privacy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "journalist"])
def test_the_public_never_sees_restricted_fields_or_drafts(api_for, verified, draft, role):
    client = api_for(role)
    responses = [
        client.get(URL),
        client.get(URL, {"state": "draft"}),
        client.get(URL, {"q": "DRAFT-CITATION"}),
        client.get(f"{URL}{verified.pk}/"),
        client.get(f"{URL}{draft.pk}/"),
        client.get(URL, {"format": "csv"}),
        client.get(f"{URL}{verified.pk}/", {"format": "csv"}),
        client.get(f"{URL}{draft.pk}/", {"format": "csv"}),
        client.get(URL, {"date_after": "not-a-date"}),
        client.patch(f"{URL}{draft.pk}/", {"citation": "x"}),
        client.post(f"{URL}{draft.pk}/verify/"),
    ]

    for response in responses:
        body = text_of(response)
        for secret in SECRETS:
            assert secret not in body, (response.status_code, body)
        for field in ("dna_sample_ref", "notes", "entered_by", "verified_by"):
            assert field not in body
    listed = responses[0].json()
    assert [row["id"] for row in listed["results"]] == [verified.pk]
    assert responses[1].json()["count"] == 0
    assert responses[2].json()["count"] == 0
    assert responses[4].status_code == 404
    remains = responses[3].json()["remains"]
    assert [set(row) for row in remains] == [
        {
            "id",
            "case_number",
            "condition",
            "identification",
            "person",
            "method",
            "identified_on",
            "disposition",
            "disposition_on",
            "onward_handover",
        }
    ] * 2


def test_the_public_csv_has_only_public_columns(anonymous_api, verified, draft):
    response = anonymous_api.get(URL, {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [int(row["id"]) for row in rows] == [verified.pk]
    assert "state" not in rows[0] and "entered_by" not in rows[0]
    assert "2022-09-20/001" in rows[0]["remains"]


def test_a_clerk_sees_drafts_and_restricted_fields(clerk_api, verified, draft):
    listed = clerk_api.get(URL).json()
    detail = clerk_api.get(f"{URL}{draft.pk}/").json()
    exported = text_of(clerk_api.get(URL, {"format": "csv"}))

    assert [row["id"] for row in listed["results"]] == [draft.pk, verified.pk]
    assert detail["citation"] == DRAFT_CITATION
    assert (detail["state"], detail["entered_by"], detail["verified_by"]) == (
        "draft",
        "clerk2",
        None,
    )
    assert detail["remains"][0]["dna_sample_ref"] == f"{DNA_SECRET}-0"
    assert detail["remains"][0]["notes"] == NOTES_SECRET
    assert listed["results"][1]["verified_by"] == "verifier"
    assert listed["results"][1]["verified_at"] is not None
    for secret in SECRETS:
        assert secret in exported


# --- creating a batch in one POST ------------------------------------------------------------


def test_a_clerk_posts_a_batch_of_three_remains_as_one_draft(clerk, clerk_api, setting):
    response = clerk_api.post(URL, payload(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    handover = Handover.objects.get()
    assert body["id"] == handover.pk
    assert (body["state"], body["entered_by"], body["verified_by"]) == ("draft", "clerk", None)
    assert (body["conflict"], body["from_party"], body["to_party"]) == ("sept-2022", "AZE", "ARM")
    assert (body["mediator"], body["reported_by"]) == ("ICRC", "ARM")
    assert [row["case_number"] for row in body["remains"]] == [
        "2022-09-20/001",
        "2022-09-20/002",
        "X-17",
    ]
    assert body["remains"][0]["dna_sample_ref"] == "S-1"
    assert (handover.state, handover.entered_by) == ("draft", clerk)
    assert sorted(handover.remains.values_list("case_number", "condition")) == [
        ("2022-09-20/001", "complete"),
        ("2022-09-20/002", "partial"),
        ("X-17", "complete"),
    ]


def test_a_state_in_the_body_is_ignored_a_new_handover_is_a_draft(clerk_api, setting):
    response = clerk_api.post(URL, payload(state="verified", verified_at=None), format="json")

    assert response.status_code == 201
    assert response.json()["state"] == "draft"
    assert Handover.objects.get().state == "draft"


def test_a_confirmed_row_names_its_person_but_records_no_death_in_a_draft(clerk_api, setting):
    person = PersonFactory(conflict=setting["conflict"], party=setting["arm"])
    row = {
        "identification": "confirmed",
        "person": person.pk,
        "method": "dna",
        "identified_on": "2022-10-05",
    }

    response = clerk_api.post(URL, payload(remains=[row], reported_count=1), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["remains"][0]["person"] == person.pk
    person.refresh_from_db()
    assert (person.status, person.status_date) == ("missing", datetime.date(2022, 9, 14))


@pytest.mark.parametrize(
    ("bad_row", "key", "message"),
    [
        ({"person": 999999}, "remains[1].person", 'Invalid pk "999999" - object does not exist.'),
        ({"condition": "whole"}, "remains[1].condition", '"whole" is not a valid choice.'),
        (
            {"identification": "confirmed", "identified_on": "2022-10-05"},
            "remains[1]",
            "Confirmed remains must name the person identified.",
        ),
        (
            {"case_number": "X-17"},
            "remains[2].case_number",
            "Case number X-17 appears more than once in this batch.",
        ),
    ],
)
def test_one_bad_row_is_a_400_keyed_to_its_row_and_nothing_is_saved(
    clerk_api, setting, bad_row, key, message
):
    rows = [{}, bad_row, {"case_number": "X-17"}]

    response = clerk_api.post(URL, payload(remains=rows), format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert body["errors"] == {key: [message]}
    assert Handover.objects.count() == 0
    assert Remains.objects.count() == 0


def test_a_row_that_is_not_an_object_is_an_error_of_its_whole_row(clerk_api, setting):
    rows = [{}, "one body", {}]

    response = clerk_api.post(URL, payload(remains=rows), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "remains[1]": ["Invalid data. Expected a dictionary, but got str."]
    }
    assert Handover.objects.count() == 0


def test_a_person_of_another_party_is_refused_on_its_row(clerk_api, setting):
    stranger = PersonFactory(conflict=setting["conflict"], party=setting["aze"])
    rows = [{}, {}, {"identification": "presumptive", "person": stranger.pk}]

    response = clerk_api.post(URL, payload(remains=rows), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["remains[2].person"]
    assert Handover.objects.count() == 0


def test_a_prisoners_handover_lists_the_persons_released(clerk_api, setting):
    captive = PersonFactory(conflict=setting["conflict"], party=setting["arm"], status="captured")
    body = payload(kind="prisoners", remains=[], released_persons=[captive.pk], reported_count=1)

    response = clerk_api.post(URL, body, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["released_persons"] == [captive.pk]
    assert ReleasedPerson.objects.get().person == captive


def test_a_prisoners_handover_with_remains_is_refused(clerk_api, setting):
    response = clerk_api.post(URL, payload(kind="prisoners"), format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["remains"]
    assert Handover.objects.count() == 0


# --- changing a draft ------------------------------------------------------------------------


@pytest.fixture
def own_draft(setting, clerk):
    """The calling clerk's own draft."""
    return make_handover(clerk, setting, rows=secret_rows(1), citation=DRAFT_CITATION)


def test_patch_changes_a_drafts_own_fields(clerk_api, own_draft):
    response = clerk_api.patch(
        f"{URL}{own_draft.pk}/", {"location": "Jermuk", "reported_count": 4, "state": "verified"}
    )

    assert response.status_code == 200, response.content
    assert (response.json()["location"], response.json()["state"]) == ("Jermuk", "draft")
    own_draft.refresh_from_db()
    assert (own_draft.location, own_draft.reported_count, own_draft.state) == ("Jermuk", 4, "draft")
    revision = own_draft.revisions.get()
    assert (revision.kind, revision.changes) == ("edit", {"fields": ["location", "reported_count"]})


def test_patch_of_someone_elses_draft_is_a_403_and_changes_nothing(clerk_api, draft):
    response = clerk_api.patch(f"{URL}{draft.pk}/", {"location": "Jermuk"})

    assert response.status_code == 403
    assert "Only the clerk who entered this draft (clerk2)" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.location == ""
    assert not draft.revisions.exists()


def test_patch_changes_adds_and_removes_rows(clerk_api, own_draft, setting):
    kept = own_draft.remains.get()
    person = PersonFactory(conflict=setting["conflict"], party=setting["arm"])
    rows = [
        {"id": kept.pk, "identification": "presumptive", "person": person.pk},
        {"condition": "partial", "case_number": "NEW-1"},
    ]

    response = clerk_api.patch(f"{URL}{own_draft.pk}/", {"remains": rows}, format="json")

    assert response.status_code == 200, response.content
    kept.refresh_from_db()
    assert (kept.identification, kept.person, kept.notes) == ("presumptive", person, NOTES_SECRET)
    added = own_draft.remains.get(case_number="NEW-1")
    assert own_draft.revisions.get().changes == {"changed": [kept.pk], "added": [added.pk]}

    response = clerk_api.patch(f"{URL}{own_draft.pk}/", {"remains": []}, format="json")

    assert response.status_code == 200, response.content
    assert not own_draft.remains.exists()
    assert own_draft.revisions.last().changes == {"removed": ["2022-09-20/001", "NEW-1"]}


def test_patch_of_a_row_of_another_handover_is_refused_on_its_row(clerk_api, own_draft, draft):
    other = draft.remains.get()

    response = clerk_api.patch(
        f"{URL}{own_draft.pk}/", {"remains": [{"id": other.pk, "notes": "x"}]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["remains[0].id"]
    other.refresh_from_db()
    assert other.notes == NOTES_SECRET


def test_patch_applies_the_model_rules(clerk_api, own_draft):
    response = clerk_api.patch(f"{URL}{own_draft.pk}/", {"to_party": "AZE"})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["A handover goes from one party to a different party."]
    }
    own_draft.refresh_from_db()
    assert own_draft.to_party.code == "ARM"


def test_patch_cannot_send_identified_remains_to_another_party(clerk, clerk_api, setting):
    person = PersonFactory(conflict=setting["conflict"], party=setting["arm"])
    row = {"identification": "presumptive", "person": person}
    handover = make_handover(clerk, setting, rows=[row])

    response = clerk_api.patch(f"{URL}{handover.pk}/", {"to_party": "ICRC"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["to_party"]
    handover.refresh_from_db()
    assert handover.to_party.code == "ARM"


def test_a_verified_handover_cannot_be_patched(clerk_api, verified):
    response = clerk_api.patch(f"{URL}{verified.pk}/", {"location": "Jermuk"})

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["detail"]) == ("verified", str(VERIFIED_IS_FINAL))
    verified.refresh_from_db()
    assert verified.location == "Sotk"


# --- verification ----------------------------------------------------------------------------


def test_a_verifier_verifies_another_persons_draft(verifier, verifier_api, draft):
    response = verifier_api.post(f"{URL}{draft.pk}/verify/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["verified_by"]) == (draft.pk, "verified", "verifier")
    assert body["remains"][0]["dna_sample_ref"] == f"{DNA_SECRET}-0"
    draft.refresh_from_db()
    assert (draft.state, draft.verified_by) == ("verified", verifier)
    assert draft.verified_at is not None


def test_a_verifier_cannot_verify_their_own_draft(verifier, verifier_api, setting):
    own = make_handover(verifier, setting, rows=[{}])

    response = verifier_api.post(f"{URL}{own.pk}/verify/")

    assert response.status_code == 403
    assert (response.json()["code"], response.json()["detail"]) == ("own_draft", str(OWN_DRAFT))
    own.refresh_from_db()
    assert own.state == "draft"


def test_verifying_twice_is_a_409(verifier_api, draft):
    assert verifier_api.post(f"{URL}{draft.pk}/verify/").status_code == 200

    response = verifier_api.post(f"{URL}{draft.pk}/verify/")

    assert response.status_code == 409
    body = response.json()
    detail = str(ALREADY_VERIFIED % {"user": "verifier"})
    assert (body["code"], body["detail"]) == ("already_verified", detail)


def test_a_clerk_cannot_verify(clerk_api, draft):
    response = clerk_api.post(f"{URL}{draft.pk}/verify/")

    assert response.status_code == 403
    assert response.json()["detail"] == str(NO_VERIFY_PERMISSION)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_verifying_an_unknown_handover_is_a_404(verifier_api, setting):
    assert verifier_api.post(f"{URL}999999/verify/").status_code == 404


# --- filters, ordering, CSV ------------------------------------------------------------------


@pytest.fixture
def spread(setting, other_clerk, verifier):
    """Four verified handovers across two conflicts, both directions and both kinds."""
    karabakh = ConflictFactory(slug="karabakh-2020", start_date=datetime.date(2020, 9, 27))
    made = {
        "aze-arm-0917": make_handover(
            other_clerk, setting, rows=[{}], date=datetime.date(2022, 9, 17), location="Goris"
        ),
        "aze-arm-0920": make_handover(
            other_clerk, setting, rows=[{}, {}], citation="Ministry of Defence briefing"
        ),
        "arm-aze-0921": make_handover(
            other_clerk,
            setting,
            rows=[{}],
            date=datetime.date(2022, 9, 21),
            from_party=setting["arm"],
            to_party=setting["aze"],
        ),
        "prisoners-2020": make_handover(
            other_clerk,
            setting,
            conflict=karabakh,
            kind="prisoners",
            date=datetime.date(2020, 12, 14),
        ),
    }
    for handover in made.values():
        handover_verify(handover=handover, user=verifier)
    return {name: handover.pk for name, handover in made.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["arm-aze-0921", "aze-arm-0920", "aze-arm-0917", "prisoners-2020"]),
        ({"conflict": "sept-2022"}, ["arm-aze-0921", "aze-arm-0920", "aze-arm-0917"]),
        ({"party": "ARM", "kind": "remains"}, ["arm-aze-0921", "aze-arm-0920", "aze-arm-0917"]),
        ({"to_party": "ARM", "conflict": "sept-2022"}, ["aze-arm-0920", "aze-arm-0917"]),
        ({"from_party": "ARM"}, ["arm-aze-0921"]),
        ({"kind": "prisoners"}, ["prisoners-2020"]),
        ({"date_after": "2022-09-18", "date_before": "2022-09-20"}, ["aze-arm-0920"]),
        ({"q": "goris"}, ["aze-arm-0917"]),
        ({"q": "defence"}, ["aze-arm-0920"]),
        (
            {"state": "verified", "ordering": "date"},
            ["prisoners-2020", "aze-arm-0917", "aze-arm-0920", "arm-aze-0921"],
        ),
        ({"updated_since": "2999-01-01T00:00:00Z"}, []),
    ],
)
def test_filters_narrow_the_list(anonymous_api, spread, query, expected):
    response = anonymous_api.get(URL, query)

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [spread[n] for n in expected]


def test_a_bad_filter_value_is_a_400_in_the_error_shape(anonymous_api, spread):
    response = anonymous_api.get(URL, {"kind": "bodies"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["kind"]


def test_the_csv_holds_every_filtered_row_not_one_page(anonymous_api, spread):
    response = anonymous_api.get(
        URL, {"format": "csv", "page_size": 1, "conflict": "sept-2022", "ordering": "id"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(text_of(response))))
    assert [int(row["id"]) for row in rows] == sorted(
        spread[name] for name in ("aze-arm-0917", "aze-arm-0920", "arm-aze-0921")
    )
    assert {row["conflict"] for row in rows} == {"sept-2022"}


def test_a_conditional_get_answers_304(anonymous_api, verified):
    first = anonymous_api.get(URL)

    again = anonymous_api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


# --- query counts ----------------------------------------------------------------------------


def add_verified(count, setting, other_clerk, verifier, rows_each=3):
    for _ in range(count):
        handover = make_handover(other_clerk, setting, rows=secret_rows(rows_each))
        handover_verify(handover=handover, user=verifier)


@pytest.mark.parametrize("role", ["anonymous", "clerk"])
def test_the_list_takes_the_same_queries_whatever_the_data(
    api_for, setting, other_clerk, verifier, django_assert_max_num_queries, role
):
    client = api_for(role)
    add_verified(2, setting, other_clerk, verifier)
    client.get(URL)  # warm the token and throttle rows
    # The caller: token and its user, the user's tokens, groups (not for anonymous); the
    # throttle count; data version (for ETag). The list itself: the planner's estimate of the
    # count, the count, handovers joined to parties and users, remains, persons released,
    # each party's announced count.
    with django_assert_max_num_queries(11) as few:
        assert client.get(URL).status_code == 200
    add_verified(10, setting, other_clerk, verifier)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 12

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{URL}{Handover.objects.first().pk}/").status_code == 200
