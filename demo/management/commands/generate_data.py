"""``manage.py generate_data``: one large synthetic conflict for benchmarks.

Rows are inserted set-based (``INSERT … SELECT … FROM generate_series``), all in one transaction
and under one audit context, so the audit triggers still record every row. See
``demo.synthetic`` for what is generated.
"""

import argparse
import time

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.db.bulk import prepare_bulk_writes
from demo import synthetic

REFUSED_WITHOUT_DEBUG = (
    "generate_data fills the database with invented records that public ledgers would show. "
    "Run it with DEBUG=1, or pass --force if you really mean it."
)
HAS_DATA = (
    "Conflict “%(slug)s” already has data. Pass --replace to delete it and generate it again."
)
NOT_SYNTHETIC = (
    "Conflict “%(slug)s” is not a synthetic conflict (its description does not start with "
    f"{synthetic.SYNTHETIC_MARK}); generate_data never writes into real data."
)


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class Command(BaseCommand):
    help = "Generate one large synthetic conflict for benchmarks (set-based SQL, one transaction)."

    def add_arguments(self, parser):
        add = parser.add_argument
        add("--persons", type=_count, default=50_000, help="Persons to register.")
        add("--handovers", type=_count, default=2_000, help="Remains handovers.")
        add("--remains-per-handover", type=_count, default=30, help="Remains in each handover.")
        add("--statements", type=_count, default=500, help="Official statements.")
        add("--conflict", default="synthetic", help="Slug of the synthetic conflict.")
        add("--seed", type=int, default=1, help="Random seed: same seed, same data.")
        add("--replace", action="store_true", help="Delete the conflict's data first.")
        add("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, **options):
        if not (settings.DEBUG or options["force"]):
            raise CommandError(REFUSED_WITHOUT_DEBUG)
        slug = options["conflict"]
        size = synthetic.Size(
            persons=options["persons"],
            handovers=options["handovers"],
            remains_per_handover=options["remains_per_handover"],
            statements=options["statements"],
            seed=options["seed"],
        )
        started = time.perf_counter()
        with transaction.atomic(), pghistory.context(command="generate_data", conflict=slug):
            prepare_bulk_writes()
            deleted = self._prepare(slug, options["replace"])
            ref = synthetic.ensure_reference(slug)
            report = synthetic.load(ref, size)
        analyzed = synthetic.analyze()
        self._summary(slug, deleted, report, analyzed, time.perf_counter() - started)

    def _prepare(self, slug: str, replace: bool) -> float | None:
        """Refuse to touch real or already-filled conflicts; with --replace empty ours."""
        conflict = synthetic.find_conflict(slug)
        if conflict is None:
            return None
        if not synthetic.is_synthetic(conflict):
            raise CommandError(NOT_SYNTHETIC % {"slug": slug})
        if not synthetic.has_data(conflict):
            return None
        if not replace:
            raise CommandError(HAS_DATA % {"slug": slug})
        return synthetic.delete_data(conflict)

    def _summary(self, slug, deleted, report, analyzed, total) -> None:
        write = self.stdout.write
        write(self.style.SUCCESS(f"Synthetic conflict “{slug}” generated."))
        if deleted is not None:
            write(f"  {'(previous data deleted)':<28}{'':>10}{deleted:>9.2f} s")
        write(f"  {'table':<28}{'rows':>10}{'seconds':>11}")
        for table, rows, seconds in report:
            write(f"  {table:<28}{rows:>10,}{seconds:>9.2f} s")
        write(f"  {'VACUUM ANALYZE':<28}{'':>10}{analyzed:>9.2f} s")
        write(f"  {'total':<28}{'':>10}{total:>9.2f} s")
