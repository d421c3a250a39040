"""Person lists uploaded for import, and how each import went."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casualties.models.reference import Conflict, Party


class PersonImportManager(models.Manager):
    # The uploaded file (up to 50 MB) is read by the task alone: no page loads it.
    def get_queryset(self):
        return super().get_queryset().defer("upload")


class PersonImport(models.Model):
    """One upload of a person list from the staff page: who sent what, with which options,
    how far it has got, and what it found (errors by line and column, rejected rows).

    The file itself waits in ``upload`` for the background task (it must outlive the request
    and a worker's restart) and is emptied when the job ends."""

    class State(models.TextChoices):
        # The header names columns that are not ours: the clerk maps them before it runs.
        MAPPING = "mapping", _("Waiting for the column mapping")
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking rows")
        LOADING = "loading", _("Loading")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused: nothing imported")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        ERROR = (
            "error",
            _(
                "The import stopped on an unexpected error and nothing was imported. "
                "The error has been logged."
            ),
        )
        WORKER_LOST = (
            "worker_lost",
            _(
                "The import was interrupted several times (the process running it stopped) and "
                "nothing was imported. Upload the list again."
            ),
        )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    conflict = models.ForeignKey(
        Conflict, verbose_name=_("conflict"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("dry run"), default=False)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="queued")
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    # [the file's column, ours ("" ignores it)] in the file's order, as chosen on the upload
    # page: a list, since a JSON object in PostgreSQL does not keep its keys' order.
    column_map = models.JSONField(_("column mapping"), default=list, blank=True)
    ignore_unknown = models.BooleanField(_("ignore unknown columns"), default=False)
    # Rows without an external id that look like persons already recorded (line, person id).
    duplicates = models.JSONField(_("probable duplicates"), default=list, blank=True)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    rejects_csv = models.TextField(_("rejected rows (CSV)"), blank=True)
    failure = models.CharField(_("why it failed"), max_length=16, choices=Failure, blank=True)
    upload = models.BinaryField(_("uploaded file"), default=b"", blank=True)

    objects = PersonImportManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("person import")
        verbose_name_plural = _("person imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.REFUSED, self.State.FAILED}
