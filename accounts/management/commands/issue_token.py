"""``manage.py issue_token USERNAME``: print a new API token for that account.

The token is shown once and stored only as a digest (django-rest-knox); several may exist per
account, each expiring after API_TOKEN_DAYS (365 by default) unless ``--days`` says otherwise.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (use it as: Authorization: Token <key>)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, help="Expire after this many days.")

    def handle(self, *args, username, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account named “{username}”.")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        expiry = datetime.timedelta(days=days) if days else None
        # knox takes None to mean "the default lifetime" (REST_KNOX["TOKEN_TTL"]).
        instance, key = AuthToken.objects.create(user, expiry=expiry)
        self.stdout.write(key)
        expires = instance.expiry.date().isoformat() if instance.expiry else "never"
        self.stderr.write(f"Token for {username}, expires {expires}. It is shown only once.")
