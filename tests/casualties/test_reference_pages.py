"""Staff pages for conflicts, parties and sources (issue 16): coordinators and admins list,
create and edit them without the Django admin, through the services the API uses; everyone
else is refused, and bad input is a message beside its field, never a 500."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from casualties.models import Conflict, Party, Source
from casualties.plausible import IN_FUTURE
from casualties.reference_services import BAD_PARTY_CODE
from core.tiers import COORDINATOR
from tests.api_clients import token_client
from tests.factories import ConflictFactory, PartyFactory, SourceFactory, UserFactory
from tests.html import unlabelled_fields

ConflictEvent = apps.get_model("casualties", "ConflictEvent")
LIST = reverse("casualties:reference_list")
NEW_CONFLICT = {
    "slug": "war-x", "name": "War X", "name_hy": "Պատերազմ X", "name_ru": "Война X",
    "start_date": "2020-09-27", "end_date": "2020-11-10", "description": "",
}  # fmt: skip


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator", groups=[COORDINATOR])


@pytest.fixture
def records(db):
    arm = PartyFactory(code="ARM", name="Armenia", name_hy="Հայաստան")
    return {
        "conflicts": ConflictFactory(slug="sept-2022", name="September 2022"),
        "parties": arm,
        "sources": SourceFactory(name="Ministry of Defence", party=arm, kind="government"),
    }


def urls(records):
    yield LIST
    for kind, record in records.items():
        yield reverse("casualties:reference_new", args=[kind])
        yield reverse("casualties:reference_edit", args=[kind, record.pk])


def test_anonymous_visitors_are_sent_to_login(client, records):
    for url in urls(records):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role", ["clerk", "verifier", "journalist"])
def test_clerks_verifiers_and_journalists_are_refused(client, records, request, role):
    client.force_login(request.getfixturevalue(role))
    for url in urls(records):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("casualties:reference_new", args=["conflicts"]), NEW_CONFLICT)
    assert response.status_code == 403
    assert not Conflict.objects.filter(slug="war-x").exists()
    assert reverse("casualties:reference_list") not in client.get("/persons/").content.decode()


@pytest.mark.parametrize("role", ["coordinator", "admin_user"])
def test_coordinators_and_admins_see_every_record_and_the_header_link(
    client, records, request, role
):
    client.force_login(request.getfixturevalue(role))

    response = client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{LIST}" aria-current="page"' in page
    for text in ("sept-2022", "September 2022", "Հայաստան", "Ministry of Defence", "Government"):
        assert text in page, text
    for kind, record in records.items():
        assert reverse("casualties:reference_edit", args=[kind, record.pk]) in page


def test_every_field_of_every_form_is_labelled(client, coordinator, records):
    client.force_login(coordinator)
    for url in urls(records):
        body = client.get(url).content.decode()
        assert unlabelled_fields(body) == [], url


def test_a_coordinator_creates_a_conflict_party_and_source(client, coordinator):
    client.force_login(coordinator)

    conflict = client.post(reverse("casualties:reference_new", args=["conflicts"]), NEW_CONFLICT)
    party = client.post(
        reverse("casualties:reference_new", args=["parties"]),
        {"code": "NKR", "name": "Artsakh", "name_hy": "Արցախ", "name_ru": "",
         "kind": "armed_group"},
    )  # fmt: skip
    source = client.post(
        reverse("casualties:reference_new", args=["sources"]),
        {"name": "Artsakh Ombudsman", "name_hy": "", "name_ru": "", "kind": "government",
         "party": Party.objects.get(code="NKR").pk},
    )  # fmt: skip

    assert conflict.status_code == party.status_code == source.status_code == 302
    assert source["Location"] == f"{LIST}#sources"
    created = Conflict.objects.get(slug="war-x")
    assert (created.name_hy, created.name_ru) == ("Պատերազմ X", "Война X")
    assert created.end_date == datetime.date(2020, 11, 10)
    assert Party.objects.get(code="NKR").name_hy == "Արցախ"
    assert Source.objects.get(name="Artsakh Ombudsman").party.code == "NKR"
    assert "“Artsakh Ombudsman” saved." in client.get(source["Location"]).content.decode()
    insert = ConflictEvent.objects.get(pgh_obj_id=created.pk, pgh_label="insert")
    assert insert.pgh_context.metadata["user"] == coordinator.pk


def test_a_coordinator_edits_each_kind(client, coordinator, records):
    client.force_login(coordinator)
    edits = {
        "conflicts": {**NEW_CONFLICT, "slug": "sept-2022", "name": "September 2022 attack"},
        "parties": {"code": "ARM", "name": "Republic of Armenia", "name_hy": "", "name_ru": "",
                    "kind": "state"},
        "sources": {"name": "MoD", "name_hy": "", "name_ru": "Минобороны", "kind": "military",
                    "party": ""},
    }  # fmt: skip

    for kind, data in edits.items():
        url = reverse("casualties:reference_edit", args=[kind, records[kind].pk])
        assert client.post(url, data).status_code == 302, kind

    assert Conflict.objects.get(pk=records["conflicts"].pk).name == "September 2022 attack"
    assert Party.objects.get(pk=records["parties"].pk).name == "Republic of Armenia"
    source = Source.objects.get(pk=records["sources"].pk)
    assert (source.name, source.name_ru, source.kind) == ("MoD", "Минобороны", "military")
    assert source.party is None


def future() -> str:
    return (timezone.localdate() + datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("kind", "data", "field", "message"),
    [
        ("conflicts", {"slug": "sept-2022"}, "slug", "Conflict with this Slug already exists."),
        ("conflicts", {"slug": "war x"}, "slug", "Enter a valid “slug”"),
        ("conflicts", {"end_date": "2020-01-01"}, None,
         "The end date cannot be before the start date."),
        ("conflicts", {"start_date": "2022-02-30"}, "start_date", "Enter a valid date."),
        ("conflicts", {"start_date": "future", "end_date": ""}, "start_date", str(IN_FUTURE)),
        ("parties", {"code": "ARM"}, "code", "Party with this Code already exists."),
        ("parties", {"code": "arm x"}, "code", str(BAD_PARTY_CODE)),
        ("parties", {"kind": "empire"}, "kind", "Select a valid choice."),
        ("sources", {"name": "Ministry of Defence"}, "name", "already exists"),
        ("sources", {"party": "999999"}, "party", "Select a valid choice."),
    ],
)  # fmt: skip
def test_bad_input_is_a_message_beside_its_field(
    client, coordinator, records, kind, data, field, message
):
    valid = {
        "conflicts": {**NEW_CONFLICT},
        "parties": {"code": "NKR", "name": "Artsakh", "name_hy": "", "name_ru": "",
                    "kind": "armed_group"},
        "sources": {"name": "Other", "name_hy": "", "name_ru": "", "kind": "media", "party": ""},
    }[kind]  # fmt: skip
    data = {name: future() if value == "future" else value for name, value in data.items()}
    model = {"conflicts": Conflict, "parties": Party, "sources": Source}[kind]
    before = model.objects.count()
    client.force_login(coordinator)

    response = client.post(reverse("casualties:reference_new", args=[kind]), {**valid, **data})

    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(form.errors.get(field or "__all__", []))
    assert message in errors, form.errors
    assert model.objects.count() == before


def test_an_unknown_kind_or_record_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/reference/persons/new/").status_code == 404
    missing = reverse("casualties:reference_edit", args=["parties", 999])
    assert client.get(missing).status_code == 404


def test_the_api_refuses_a_bad_code_through_the_same_service(coordinator):
    api = token_client(coordinator)

    response = api.post("/api/v1/parties/", {"code": "arm x", "name": "X", "kind": "state"})

    assert response.status_code == 400
    assert response.json()["errors"]["code"] == [str(BAD_PARTY_CODE)]
    assert not Party.objects.exists()


def test_the_api_refuses_a_conflict_starting_in_the_future(coordinator):
    api = token_client(coordinator)

    response = api.post("/api/v1/conflicts/", {**NEW_CONFLICT, "start_date": future()})

    assert response.status_code == 400
    assert response.json()["errors"]["start_date"] == [str(IN_FUTURE)]
    assert not Conflict.objects.exists()
