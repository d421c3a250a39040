"""The audit trail's hash chain (core/audit_sql.py): written only by database triggers, read by
``verify_audit``. Models so that ``migrate`` makes them and the test suite's flush empties them
with the event tables."""

from django.contrib.postgres.fields import ArrayField
from django.db import models


class AuditLink(models.Model):
    """The events one statement inserted into one event table, and a SHA-256 of each, placed in
    the chain (``seq``, ``prev_hash``, ``hash``) when their transaction commits."""

    table_name = models.TextField()
    event_ids = ArrayField(models.BigIntegerField())
    digests = models.BinaryField()
    created_at = models.DateTimeField(db_default=models.functions.Now())
    seq = models.BigIntegerField(null=True, unique=True)
    prev_hash = models.BinaryField(null=True)
    hash = models.BinaryField(null=True)

    class Meta:
        db_table = "core_audit_link"

    def __str__(self) -> str:
        return f"{self.table_name} link {self.seq}"


class AuditHead(models.Model):
    """The chain's last link (one row)."""

    id = models.IntegerField(primary_key=True)
    seq = models.BigIntegerField()
    hash = models.BinaryField()

    class Meta:
        db_table = "core_audit_head"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="one_audit_head")]

    def __str__(self) -> str:
        return f"audit chain head {self.seq}"
