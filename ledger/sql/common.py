"""What every ledger query shares: the scope tests, domain values as SQL, and table names."""

from collections.abc import Iterable

from casualties import models as casualties
from repatriation import models as repatriation


def literal(value: str) -> str:
    """A value of one of our choices classes as an SQL string literal. Only for constants
    from code: anything a user sends goes in as a query parameter."""
    return "'" + str(value).replace("'", "''") + "'"


def literals(values: Iterable[str]) -> str:
    """A comma-separated list for ``IN (...)``, in a stable order so the query text is too."""
    return ", ".join(literal(value) for value in sorted(values))


def in_scope(conflict_col: str, party_col: str) -> str:
    return (
        f"(%(conflict)s::bigint IS NULL OR {conflict_col} = %(conflict)s::bigint) "
        f"AND (%(party)s::bigint IS NULL OR {party_col} = %(party)s::bigint)"
    )


def dated(col: str) -> str:
    return f"(%(as_of)s::date IS NULL OR {col} <= %(as_of)s::date)"


ONE_LEDGER = "%(conflict)s::bigint IS NOT NULL AND %(party)s::bigint IS NOT NULL"


def rebuilt(tables: Iterable[tuple[str, str, str]]) -> list[str]:
    """The statements that refill each (table, columns, full recomputation) from scratch, for
    ``manage.py rebuild_tallies``. The lock waits for every transaction that changed a row (the
    triggers write in the same statement as the data) and holds new ones back until the rebuilt
    rows commit; their changes then apply on top, as their rows were not in the rebuild's
    snapshot."""
    return [
        statement
        for table, columns, rows in tables
        for statement in (
            f"LOCK TABLE {table} IN EXCLUSIVE MODE",
            f"DELETE FROM {table}",
            f"INSERT INTO {table} ({columns}) {rows}",
        )
    ]


def reads_backward(day: str, first: str, last: str, *, forward_day_cost: int = 1) -> str:
    """Whether a query about one ledger as of ``day`` reads back from the end of its days
    (the totals, less what moved after the day) rather than forward from their start: when
    the days from ``first`` to ``day``, each costing ``forward_day_cost`` days read backward,
    outweigh those from ``day`` to ``last`` (scalar subqueries; a ledger without days, or
    several ledgers, read forward)."""
    return f"""({ONE_LEDGER} AND coalesce(
        {forward_day_cost} * ({day} - ({first})) > ({last}) - {day}, false))"""


CONFLICT = casualties.Conflict._meta.db_table
PARTY = casualties.Party._meta.db_table
SOURCE = casualties.Source._meta.db_table
STATEMENT = casualties.Statement._meta.db_table
FIGURE = casualties.Figure._meta.db_table
PERSON = casualties.Person._meta.db_table
STATUS_CHANGE = casualties.StatusChange._meta.db_table
HANDOVER = repatriation.Handover._meta.db_table
REMAINS = repatriation.Remains._meta.db_table
REVISION = repatriation.HandoverRevision._meta.db_table
CLAIM = repatriation.HandoverClaim._meta.db_table
