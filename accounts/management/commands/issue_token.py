"""``manage.py issue_token USERNAME``: print a new API token for that account.

The token is shown once and stored only as a digest (django-rest-knox); several may exist per
account, each expiring after API_TOKEN_DAYS (365 by default) unless ``--days`` says otherwise.
The issue is recorded in the audit trail, naming the admin given as ``--by`` (a command has no
logged-in user) and the command.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import token_issue


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (use it as: Authorization: Token <key>)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, help="Expire after this many days.")
        parser.add_argument(
            "--by", help="The admin issuing it, recorded in the audit trail as the actor."
        )

    def handle(self, *args, username, days, by, **options):
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No active account named “{username}”.")
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        issued_by = None
        if by is not None:
            issued_by = users.filter(username=by, is_superuser=True).first()
            if issued_by is None:
                raise CommandError(f"--by: no active admin named “{by}”.")
        instance, key = token_issue(
            user=user, days=days, issued_by=issued_by, command="issue_token"
        )
        self.stdout.write(key)
        expires = instance.expiry.date().isoformat() if instance.expiry else "never"
        self.stderr.write(f"Token for {username}, expires {expires}. It is shown only once.")
