"""``manage.py verify_releases``: re-hash every release and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from ledger.models import Release
from ledger.releases_verify import first_broken_link


class Command(BaseCommand):
    help = "Re-hash every release's files and manifest chain; name the first broken link."

    def handle(self, *args, **options):
        problem = first_broken_link()
        if problem:
            raise CommandError(problem)
        self.stdout.write(f"{Release.objects.count()} releases verified: the chain is intact.")
