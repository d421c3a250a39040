"""``registry.by_basis``: persons by current status and the basis of the change that gave it
(issue 16), suppressed for the public as ``registry.by_region`` is."""

import datetime

import pytest
from django.test import Client

from casualties.choices import PersonStatus, StatusBasis
from casualties.services import person_change_status
from ledger.computation import ledger_for
from tests.factories import ConflictFactory, PartyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/v1/ledger/war/AAA/"
PAGE = "/ledger/war/AAA/"
MARCH = D(2021, 3, 1)


@pytest.fixture
def war(db):
    conflict = ConflictFactory(slug="war", start_date=D(2020, 1, 1))
    return {"conflict": conflict, "party": PartyFactory(code="AAA", name="Alphaland")}


def persons(war, count, **fields):
    return [
        PersonFactory(conflict=war["conflict"], party=war["party"], **fields) for _ in range(count)
    ]


def kill(person, basis, day=MARCH):
    person_change_status(person=person, status=PersonStatus.KILLED, effective_date=day, basis=basis)


@pytest.fixture
def registry(war):
    """6 killed on DNA (dated 2021-03-01), 7 on official notice (2021-05-01), 2 still missing."""
    missing = persons(war, 15, status=PersonStatus.MISSING, status_date=D(2020, 6, 1))
    for person in missing[:6]:
        kill(person, StatusBasis.DNA)
    for person in missing[6:13]:
        kill(person, StatusBasis.OFFICIAL_NOTICE, D(2021, 5, 1))
    return missing


def test_each_current_status_counts_its_persons_by_the_basis_that_gave_it(war, registry):
    ledger = ledger_for(conflict=war["conflict"], party=war["party"])

    assert ledger["registry"]["by_basis"] == {
        "missing": {"other": 2},
        "killed": {"dna": 6, "official_notice": 7},
    }
    assert ledger["registry"]["killed"] == 13


def test_as_of_a_day_the_basis_is_that_of_the_last_change_dated_by_then(war, registry):
    ledger = ledger_for(conflict=war["conflict"], party=war["party"], as_of=D(2021, 4, 1))

    assert ledger["registry"]["by_basis"] == {"missing": {"other": 9}, "killed": {"dna": 6}}
    # The regions still add up over the bases they are counted with now.
    (row,) = ledger["registry"]["by_region"]
    assert (row["missing"], row["killed"], row["total"]) == (9, 6, 15)


def test_the_public_sees_small_cells_as_less_than_5_and_staff_the_exact_count(client, war):
    missing = persons(war, 8, status=PersonStatus.MISSING, status_date=D(2020, 6, 1))
    for person in missing[:3]:
        kill(person, StatusBasis.COURT_DECLARATION)

    public = client.get(API).json()
    assert public["registry"]["by_basis"] == {
        "missing": {"other": 5},
        "killed": {"court_declaration": "<5"},
    }
    assert public["disclosure"]["suppressed"] is True
    page = client.get(PAGE).content.decode()
    assert "Court declaration" in page and "&lt; 5" in page
    staff = Client()
    staff.force_login(UserFactory(is_superuser=True, is_staff=True))
    exact = staff.get(API).json()
    assert exact["registry"]["by_basis"]["killed"] == {"court_declaration": 3}


def test_the_ledger_page_shows_the_basis_table_under_the_registry(client, war, registry):
    page = client.get(PAGE).content.decode()

    table = page.split('id="registry-by-basis"')[1].split("</table>")[0]
    assert "DNA identification" in table and ">6<" in table
    assert "Official notice" in table and ">7<" in table


def test_a_registry_with_no_persons_has_an_empty_by_basis(war):
    assert ledger_for(conflict=war["conflict"], party=war["party"])["registry"]["by_basis"] == {}
