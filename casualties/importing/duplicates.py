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

# ``id <= %(before)s``: the persons the import itself has just written are not "existing". The
# persons on record are first reduced to one (the oldest) per name key and date of birth: common
# names without a birth date would otherwise pair every such row of the file with every such
# person on record, a product that grows with the square of the list (bench/README.md).
LOOK_ALIKES = f"""
WITH earlier AS (
    SELECT search_key, coalesce(date_of_birth, 'infinity'::date) AS birth, min(id) AS id
    FROM {Person._meta.db_table}
    WHERE conflict_id = %(conflict)s AND party_id = %(party)s AND id <= %(before)s
    GROUP BY 1, 2
), found AS (
    SELECT file.line, earlier.id
    FROM unnest(%(lines)s::int[], %(keys)s::text[], %(births)s::date[]) AS file(line, key, birth)
    JOIN earlier
        ON earlier.search_key = file.key AND earlier.birth = coalesce(file.birth, 'infinity'::date)
    WHERE file.key <> ''
    ORDER BY file.line
    LIMIT {MAX_REPORTED}
)
SELECT found.line, p.id, p.full_name
FROM found JOIN {Person._meta.db_table} p ON p.id = found.id
ORDER BY found.line
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
