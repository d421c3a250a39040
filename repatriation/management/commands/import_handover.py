"""``manage.py import_handover FILE.csv --conflict SLUG --from CODE --to CODE --date DATE
--reported-count N``: a list of remains, one row each, saved as one draft handover.

The header names remains fields (``case_number``, ``condition``, ``identification``,
``person`` or ``external_id``, ``method``, ``identified_on``, ``notes``; all optional). The rows
are checked like the batch form's; errors are printed with line, column and cell, and nothing
is saved if any row is bad. A verifier other than ``--user`` then checks the draft.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casualties.importing.common import iso_date
from casualties.models import Conflict, Party
from repatriation.choices import HandoverKind
from repatriation.importing import handover_import, summary
from repatriation.models import Agreement

UNKNOWN = "No %s “%s”."
BAD_DATE = "--date must be a real date written YYYY-MM-DD, not “%s”."
NO_USER = "Name the clerk entering the draft with --user (no superuser to default to)."


class Command(BaseCommand):
    help = "Import a CSV list of remains as one draft handover (nothing saved on any error)."

    def add_arguments(self, parser):
        add = parser.add_argument
        add("file", type=Path, help="CSV file, UTF-8, one row per remains.")
        add("--conflict", required=True, help="Slug of the conflict.")
        add("--from", dest="from_party", help="Code of the party handing over (not a recovery).")
        add("--to", dest="to_party", required=True, help="Code of the receiving party.")
        add("--date", required=True, help="Date of the handover, YYYY-MM-DD.")
        add("--reported-count", type=int, required=True, help="The number announced.")
        add("--kind", default=HandoverKind.REMAINS, choices=["remains", "recovery"])
        add("--agreement", type=int, help="Id of the agreement it is a tranche of.")
        add("--user", help="Username of the clerk entering it (default: a superuser).")

    def handle(self, *args, **options):
        path: Path = options["file"]
        fields = self._fields(options)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        result = handover_import(data, user=self._user(options["user"]), **fields)
        for error in result.errors:
            self.stderr.write(f"line {error.line}, column {error.column}: {error.reason}")
        line = f"{summary(result)} ({result.seconds:.2f} s)"
        if result.handover is None:
            raise CommandError(line)
        self.stdout.write(line)

    def _fields(self, options) -> dict:
        date = iso_date(options["date"])
        if date is None:
            raise CommandError(BAD_DATE % options["date"])
        fields = {
            "conflict": _one(Conflict, "conflict", slug=options["conflict"]),
            "to_party": _one(Party, "party", code=options["to_party"]),
            "from_party": None,
            "agreement": None,
            "kind": options["kind"],
            "date": date,
            "reported_count": options["reported_count"],
        }
        if options["from_party"]:
            fields["from_party"] = _one(Party, "party", code=options["from_party"])
        if options["agreement"] is not None:
            fields["agreement"] = _one(Agreement, "agreement", pk=options["agreement"])
        return fields

    def _user(self, username):
        users = get_user_model().objects
        if username:
            return _one(get_user_model(), "user", username=username)
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(NO_USER)
        return user


def _one(model, what: str, **lookup):
    found = model.objects.filter(**lookup).first()
    if found is None:
        raise CommandError(UNKNOWN % (what, next(iter(lookup.values()))))
    return found
