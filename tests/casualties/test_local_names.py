"""Conflict, party and source names in the page's language (issue 20): the Armenian and Russian
pages show the names given in those languages, the English ones and the API keep `name`."""

import datetime

import pytest
from django.urls import reverse

from repatriation.choices import HandoverState
from tests.factories import ConflictFactory, HandoverFactory, PartyFactory, UserFactory

ARM = ("Armenia", "Հայաստան", "Армения")


@pytest.fixture
def named(db):
    conflict = ConflictFactory(
        slug="sept-2022",
        name="September 2022 attack on Armenia",
        name_hy="2022 թ. սեպտեմբերյան հարձակումը Հայաստանի վրա",
        name_ru="Нападение на Армению в сентябре 2022 года",
    )
    party = PartyFactory(code="ARM", name=ARM[0], name_hy=ARM[1], name_ru=ARM[2])
    other = PartyFactory(code="AZE", name="Azerbaijan")  # no local names: English everywhere
    # A verified handover from one to the other: a ledger for each of them.
    handover = HandoverFactory(
        conflict=conflict,
        from_party=other,
        to_party=party,
        state=HandoverState.VERIFIED,
        entered_by=UserFactory(),
        verified_by=UserFactory(),
        verified_at=datetime.datetime(2022, 9, 21, tzinfo=datetime.UTC),
    )
    return conflict, party, handover


def in_language(client, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})


@pytest.mark.parametrize("language, index", [("en", 0), ("hy", 1), ("ru", 2)])
def test_the_public_ledger_pages_show_names_in_the_pages_language(client, named, language, index):
    conflict, party, _handover = named
    in_language(client, language)

    page = client.get(f"/ledger/{conflict.slug}/{party.code}/").content.decode()
    listing = client.get("/ledger/").content.decode()

    assert ARM[index] in page and ARM[index] in listing
    for other_index in {0, 1, 2} - {index}:
        assert f"<h1>{ARM[other_index]} " not in page
    assert [conflict.name, conflict.name_hy, conflict.name_ru][index] in page


def test_a_party_without_an_armenian_name_keeps_its_english_one(client, named):
    conflict, party, handover = named
    in_language(client, "hy")

    page = client.get(f"/ledger/{conflict.slug}/{party.code}/handovers/{handover.pk}/")

    assert "Azerbaijan" in page.content.decode() and ARM[1] in page.content.decode()


def test_the_api_keeps_the_english_name_and_offers_the_others(client, named):
    in_language(client, "ru")

    party = client.get("/api/v1/parties/ARM/").json()

    assert party["name"] == "Armenia"
    assert (party["name_hy"], party["name_ru"]) == (ARM[1], ARM[2])
