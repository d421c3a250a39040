"""One large synthetic conflict for benchmarks, loaded with set-based SQL (``generate_data``).

Everything here is invented and says so: the conflict's description starts with
``SYNTHETIC_MARK``, every person, remains and statement carries ``NOTE``, and the parties,
sources and users have "synthetic"/"generator" names. The SQL lives in ``synthetic_sql``.
"""

import datetime
import time
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from casualties.choices import PartyKind, SourceKind
from casualties.models import Conflict, Party, Source
from casualties.search.transliteration import search_key, to_latin
from demo import synthetic_sql as sql
from repatriation.models import Agreement, Handover

SYNTHETIC_MARK = "SYNTHETIC"
DESCRIPTION = (
    f"{SYNTHETIC_MARK} benchmark data made by manage.py generate_data: every person, handover, "
    "remains and statement in this conflict is invented."
)
NOTE = "Synthetic benchmark record, not a real person or event."
CONFLICT_NAME = "Synthetic benchmark conflict"
START, END = datetime.date(2023, 1, 1), datetime.date(2024, 12, 31)
PARTIES = {
    "SYN-A": ("Synthetic state A", PartyKind.STATE),
    "SYN-B": ("Synthetic state B", PartyKind.STATE),
    "SYN-M": ("Synthetic mediator", PartyKind.MEDIATOR),
}
SOURCES = {
    "Synthetic ministry A": ("SYN-A", SourceKind.GOVERNMENT),
    "Synthetic ministry B": ("SYN-B", SourceKind.GOVERNMENT),
    "Synthetic observer": (None, SourceKind.MEDIA),
}
ENTERED_BY, VERIFIED_BY = "generator", "generator-verifier"
LOAD_WORK_MEM = "256MB"

# Party A's people get Armenian names, party B's Russian ones; the lists have the same length.
A_FIRST = ("Արամ", "Դավիթ", "Տիգրան", "Նարեկ", "Գոռ", "Հայկ", "Արմեն", "Վահե", "Սամվել", "Էդգար",
           "Արթուր", "Մհեր", "Կարեն", "Սուրեն", "Լևոն", "Գևորգ", "Ռուբեն", "Հովհաննես")  # fmt: skip
A_LAST = ("Պետրոսյան", "Հակոբյան", "Սարգսյան", "Գրիգորյան", "Մարտիրոսյան", "Ավետիսյան",
          "Կարապետյան", "Մանուկյան", "Ղազարյան", "Խաչատրյան", "Վարդանյան", "Ոսկանյան",
          "Հարությունյան", "Մկրտչյան", "Սահակյան", "Առաքելյան", "Բաղդասարյան",
          "Ստեփանյան")  # fmt: skip
B_FIRST = ("Иван", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Николай", "Павел",
           "Олег", "Виктор", "Юрий", "Роман", "Григорий", "Артём", "Максим", "Фёдор", "Егор",
           "Тимур")  # fmt: skip
B_LAST = ("Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев",
          "Козлов", "Новиков", "Морозов", "Волков", "Зайцев", "Павлов", "Семёнов", "Голубев",
          "Виноградов", "Богданов")  # fmt: skip
NAMES = {"a_first": A_FIRST, "a_last": A_LAST, "b_first": B_FIRST, "b_last": B_LAST}

# Shares of the generated rows (see synthetic_sql for how each is used).
SHARES = {
    "share_a": 0.7,  # persons of party A
    "earlier": 0.4,  # persons with an earlier status before the current one
    "share_to_a": 0.85,  # handovers from B to A
    "verified": 0.9,  # handovers verified
    "mismatch": 0.15,  # handovers announcing 1 or 2 more or fewer than were logged
    "partial": 0.2,  # remains that are partial
    "confirmed": 0.3,  # remains confirmed as a killed person, at most
    "presumptive": 0.1,  # remains presumed to be a missing person, at most
    "headroom": 0.6,  # of a party's killed (missing) persons, the most to expect identified
    "shared": 0.3,  # confirmed partial remains of a person already returned
}


@dataclass(frozen=True)
class Size:
    persons: int
    handovers: int
    remains_per_handover: int
    statements: int
    seed: int = 1


@dataclass(frozen=True)
class Reference:
    """The rows every generated row points at."""

    conflict: Conflict
    parties: dict[str, Party]
    sources: dict[str, Source]
    entered_by: User
    verified_by: User


def find_conflict(slug: str) -> Conflict | None:
    return Conflict.objects.filter(slug=slug).first()


def is_synthetic(conflict: Conflict) -> bool:
    return conflict.description.startswith(SYNTHETIC_MARK)


def has_data(conflict: Conflict) -> bool:
    return (
        conflict.persons.exists()
        or conflict.statements.exists()
        or Handover.objects.filter(conflict=conflict).exists()
        or Agreement.objects.filter(conflict=conflict).exists()
    )


def ensure_reference(slug: str) -> Reference:
    """The conflict, parties, sources and users, created where missing, never overwritten."""
    title = CONFLICT_NAME if slug == "synthetic" else f"{CONFLICT_NAME} ({slug})"
    conflict, _ = Conflict.objects.get_or_create(
        slug=slug,
        defaults={"name": title, "start_date": START, "end_date": END, "description": DESCRIPTION},
    )
    parties = {
        code: Party.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]
        for code, (name, kind) in PARTIES.items()
    }
    sources = {
        name: Source.objects.get_or_create(
            name=name, defaults={"party": parties.get(code), "kind": kind}
        )[0]
        for name, (code, kind) in SOURCES.items()
    }
    return Reference(conflict, parties, sources, _user(ENTERED_BY), _user(VERIFIED_BY))


def _user(username: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def delete_data(conflict: Conflict) -> float:
    """Delete the conflict's persons, handovers and statements; returns the seconds taken."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in sql.DELETE_CONFLICT_DATA:
            cursor.execute(statement, {"conflict": conflict.pk})
    return time.perf_counter() - started


def _params(ref: Reference, size: Size) -> dict:
    conflict, today = ref.conflict, timezone.localdate()
    end = min(conflict.end_date or today, today)
    last_issue = min(end + datetime.timedelta(days=30), today)
    names = {key: list(values) for key, values in NAMES.items()}
    names |= {f"{key}_latin": [to_latin(name) for name in values] for key, values in NAMES.items()}
    # Search keys as search_key makes them, for every (given name, surname) pair (row-major).
    for side in ("a", "b"):
        pairs = [(f"{first} {last}", f"{to_latin(first)} {to_latin(last)}")
                 for first in names[f"{side}_first"] for last in names[f"{side}_last"]]  # fmt: skip
        names[f"{side}_keys"] = [search_key(*pair) for pair in pairs]
    return {
        **SHARES,
        **names,
        "names": len(A_FIRST),
        "conflict": conflict.pk,
        "start": conflict.start_date,
        "days": max((end - conflict.start_date).days, 0),
        "issue_days": max((last_issue - conflict.start_date).days, 0),
        "party_a": ref.parties["SYN-A"].pk,
        "party_b": ref.parties["SYN-B"].pk,
        "mediator": ref.parties["SYN-M"].pk,
        "source_a": ref.sources["Synthetic ministry A"].pk,
        "source_b": ref.sources["Synthetic ministry B"].pk,
        "observer": ref.sources["Synthetic observer"].pk,
        "user": ref.entered_by.pk,
        "entered_by": ref.entered_by.pk,
        "verified_by": ref.verified_by.pk,
        "per": size.remains_per_handover,
        "note": NOTE,
    }


def _steps(size: Size) -> list[tuple[str, int, tuple[str, ...]]]:
    """(table, how many rows to generate, the statements that fill it), in dependency order."""
    return [
        ("casualties_person", size.persons, (sql.PERSONS,)),
        ("casualties_statuschange", 0, (sql.EARLIER_STATUS_CHANGES, sql.CURRENT_STATUS_CHANGES)),
        ("repatriation_handover", size.handovers, (sql.HANDOVERS,)),
        ("repatriation_remains", 0, (sql.REMAINS,)),
        ("casualties_statement", size.statements, (sql.STATEMENTS,)),
        ("casualties_figure", 0, (sql.FIGURES,)),
    ]


def load(ref: Reference, size: Size) -> list[tuple[str, int, float]]:
    """Insert every generated row; returns (table, rows inserted, seconds) per table."""
    params = _params(ref, size)
    report = []
    with connection.cursor() as cursor:
        # A seed in [0, 1) makes the same options give the same data on the same database.
        cursor.execute(sql.SEED, {"seed": (size.seed % 1_000_003) / 1_000_003})
        # The window functions and joins over a million persons sort and hash in memory rather
        # than in temporary files.
        cursor.execute(f"SET LOCAL work_mem = '{LOAD_WORK_MEM}'")
        for table, count, statements in _steps(size):
            started, rows = time.perf_counter(), 0
            for statement in statements:
                cursor.execute(statement, {**params, "count": count})
                rows += cursor.rowcount
            # The next steps read what this one wrote: without statistics the planner takes a
            # freshly filled table for a small one and joins it row by row (quadratic at 1M).
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            report.append((table, rows, time.perf_counter() - started))
    return report


def analyze() -> float:
    """Refresh planner statistics of the loaded tables and their audit event tables.

    Outside a transaction it also VACUUMs them, setting the visibility map that index-only
    scans need, as autovacuum would a little later: benchmarks then measure the steady state.
    """
    started = time.perf_counter()
    models = [
        apps.get_model(label, name)
        for label, names in {
            "casualties": ("Person", "StatusChange", "Statement", "Figure"),
            "repatriation": ("Handover", "Remains"),
        }.items()
        for base in names
        for name in (base, f"{base}Event")
    ]
    # The few conflicts and parties too, which autovacuum never analyzes (too few rows change):
    # without statistics the planner misjudges every list filtered by one. And the ledger's
    # tallies, which the triggers filled during the load.
    models += [apps.get_model("casualties", "Conflict"), apps.get_model("casualties", "Party")]
    models += list(apps.get_app_config("ledger").get_models())
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")
    return time.perf_counter() - started
