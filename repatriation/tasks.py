"""Background work of the repatriation app, run by ``manage.py procrastinate worker``."""

import logging

from procrastinate.contrib.django import app

from repatriation.idempotency import KEEP_DAYS, idempotency_keys_purge

logger = logging.getLogger(__name__)


@app.periodic(cron="17 3 * * *", periodic_id="purge_idempotency_keys")
@app.task(
    name="repatriation.purge_idempotency_keys", queueing_lock="repatriation.purge_idempotency_keys"
)
def purge_idempotency_keys(timestamp: int) -> None:
    """Daily, so the table of idempotency keys stays small."""
    deleted = idempotency_keys_purge()
    logger.info("Deleted %d idempotency key(s) older than %d day(s)", deleted, KEEP_DAYS)
