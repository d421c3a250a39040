import pytest

from tests.factories import ConflictFactory, PartyFactory, PersonFactory


@pytest.fixture
def setting(db):
    """A conflict, the receiving party (ARM), the giving one (AZE) and a mediator."""
    return {
        "conflict": ConflictFactory(slug="sept-2022", name="September 2022"),
        "arm": PartyFactory(code="ARM", name="Armenia"),
        "aze": PartyFactory(code="AZE", name="Azerbaijan"),
        "icrc": PartyFactory(code="ICRC", name="Red Cross", kind="mediator"),
    }


@pytest.fixture
def missing_soldier(setting):
    return PersonFactory(
        conflict=setting["conflict"],
        party=setting["arm"],
        full_name="Արամ Սարգսյան",
        name_latin="Aram Sargsyan",
    )
