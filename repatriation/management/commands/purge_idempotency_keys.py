"""``manage.py purge_idempotency_keys [--days 7]``: forget stored first responses to keyed POSTs.

A client retries within minutes, not weeks; run this daily (cron) so the table stays small.
A key used again after it was purged is treated as new.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from repatriation.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than --days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        cutoff = timezone.now() - datetime.timedelta(days=days)
        deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} idempotency key(s) older than {days} day(s).")
