import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from procrastinate.contrib.django import app as procrastinate_app

from repatriation.models import IdempotencyKey
from repatriation.tasks import purge_idempotency_keys

pytestmark = pytest.mark.django_db


def key(user, name, age_days):
    record = IdempotencyKey.objects.create(
        user=user, key=name, request_hash="0" * 64, response_status=201, response_body={}
    )
    created = timezone.now() - datetime.timedelta(days=age_days)
    IdempotencyKey.objects.filter(pk=record.pk).update(created_at=created)


def test_only_keys_older_than_the_limit_are_forgotten(clerk):
    key(clerk, "old", age_days=8)
    key(clerk, "recent", age_days=1)
    out = io.StringIO()

    call_command("purge_idempotency_keys", "--days", "7", stdout=out)

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
    assert "Deleted 1 idempotency key(s) older than 7 day(s)." in out.getvalue()


def test_a_limit_below_one_day_is_refused(clerk):
    key(clerk, "today", age_days=0)
    with pytest.raises(CommandError, match="--days must be 1 or more"):
        call_command("purge_idempotency_keys", "--days", "0", stdout=io.StringIO())
    assert IdempotencyKey.objects.count() == 1


def test_the_worker_purges_keys_older_than_a_week_every_day(clerk):
    key(clerk, "old", age_days=8)
    key(clerk, "recent", age_days=6)

    purge_idempotency_keys(timestamp=0)  # the periodic task's own code, as the worker runs it

    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
    [periodic] = [
        entry
        for entry in procrastinate_app.periodic_registry.periodic_tasks.values()
        if entry.task is purge_idempotency_keys
    ]
    assert periodic.cron == "17 3 * * *"
