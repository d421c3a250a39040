"""``manage.py purge_idempotency_keys [--days 7]``: forget stored first responses to keyed POSTs.

The worker already does this daily (``repatriation.tasks.purge_idempotency_keys``); the command
is for a purge by hand, e.g. with a shorter limit. A key used again after it was purged is
treated as new.
"""

from django.core.management.base import BaseCommand, CommandError

from repatriation.idempotency import KEEP_DAYS, idempotency_keys_purge


class Command(BaseCommand):
    help = f"Delete Idempotency-Key records older than --days (default {KEEP_DAYS})."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=KEEP_DAYS)

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        deleted = idempotency_keys_purge(days=days)
        self.stdout.write(f"Deleted {deleted} idempotency key(s) older than {days} day(s).")
