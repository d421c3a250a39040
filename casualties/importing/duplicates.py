"""Rows of a person list without an ``external_id`` that look like persons already recorded.

Such a row is always imported as a new person (there is no id to match it by), so the import
says which rows look like someone on record: the same conflict and party, the same search key
(the name as search compares it, whatever the script) and the same date of birth, or both
without one (issue 16). The staff page links each to that person. One query for the whole list;
none when the party had nobody on record before the import.
"""

from django.db import connection
from django.db.models import Max

from casualties.models import Person

MAX_REPORTED = 1_000

# ``p.id <= %(before)s``: the persons the import itself has just written are not "existing".
LOOK_ALIKES = f"""
SELECT DISTINCT ON (file.line) file.line, p.id, p.full_name
FROM unnest(%(lines)s::int[], %(keys)s::text[], %(births)s::date[]) AS file(line, key, birth)
JOIN {Person._meta.db_table} p
    ON p.search_key = file.key AND p.date_of_birth IS NOT DISTINCT FROM file.birth
WHERE p.conflict_id = %(conflict)s AND p.party_id = %(party)s AND p.id <= %(before)s
    AND file.key <> ''
ORDER BY file.line, p.id
LIMIT {MAX_REPORTED}
"""


def last_person_id() -> int:
    """The newest person's id before an import writes any: the import's own are above it."""
    return Person.objects.aggregate(last=Max("pk"))["last"] or 0


def look_alikes(*, conflict, party, rows: list[tuple[int, str, str]], before: int) -> list[dict]:
    """``rows``: (line, search key, date of birth as YYYY-MM-DD or ""). Each row that looks
    like a person recorded before (id up to ``before``), as ``{"line", "person", "name"}``,
    by line (the first ``MAX_REPORTED``)."""
    earlier = Person.objects.filter(conflict=conflict, party=party, pk__lte=before)
    if not rows or not earlier.exists():
        return []
    lines, keys, births = zip(*rows, strict=True)
    params = {
        "lines": list(lines),
        "keys": list(keys),
        "births": [birth or None for birth in births],
        "conflict": conflict.pk,
        "party": party.pk,
        "before": before,
    }
    with connection.cursor() as cursor:
        cursor.execute(LOOK_ALIKES, params)
        return [{"line": line, "person": pk, "name": name} for line, pk, name in cursor]
