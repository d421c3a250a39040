"""Properties of the ledger's arithmetic, over any counts the SQL could return."""

from hypothesis import given
from hypothesis import strategies as st

from ledger.arithmetic import Returned, official_total, outstanding

counts = st.integers(min_value=0, max_value=10_000)


@st.composite
def returned_counts(draw):
    """Counts consistent with real remains: each identified person has ≥ 1 confirmed piece,
    and whole unconfirmed bodies are a subset of the unconfirmed ones."""
    identified = draw(counts)
    confirmed_pieces = identified + draw(counts)
    presumptive, unidentified = draw(counts), draw(counts)
    complete = draw(st.integers(min_value=0, max_value=presumptive + unidentified))
    return Returned(
        received=confirmed_pieces + presumptive + unidentified,
        identified=identified,
        presumptive=presumptive,
        unidentified=unidentified,
        unconfirmed_complete=complete,
    )


@given(returned_counts())
def test_individuals_min_never_exceeds_max(returned):
    assert returned.individuals_min <= returned.individuals_max


@given(returned_counts())
def test_identified_never_exceeds_received(returned):
    assert returned.identified <= returned.received
    assert returned.individuals_max <= returned.received


@given(returned_counts(), counts)
def test_not_returned_is_an_ordered_non_negative_range(returned, total):
    result = outstanding(total, returned)
    assert 0 <= result.not_returned_min <= result.not_returned_max <= total


@given(returned_counts())
def test_without_an_official_total_nothing_is_outstanding(returned):
    assert outstanding(None, returned).as_dict() == {
        "official_total": None,
        "not_returned_min": None,
        "not_returned_max": None,
    }


def figure(value, as_of, civilians=None):
    return {"value": value, "civilians": civilians, "as_of": as_of, "issued_on": as_of}


@given(counts, counts, counts)
def test_the_official_total_is_one_of_the_stated_numbers_or_their_sum(combined, killed, missing):
    official = {
        "killed_or_missing": figure(combined, "2022-09-19"),
        "killed": figure(killed, "2022-09-20"),
        "missing": figure(missing, "2022-09-18"),
    }
    # missing is older than the combined figure: the combined figure stands.
    assert official_total(official)["value"] == combined
    official["missing"] = figure(missing, "2022-09-21")
    assert official_total(official)["value"] == killed + missing
