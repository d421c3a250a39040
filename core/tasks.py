"""Background work of the core app, run by ``manage.py procrastinate worker``."""

import logging

from procrastinate.contrib.django import app

from core.api.throttling import throttle_purge

logger = logging.getLogger(__name__)


@app.periodic(cron="*/10 * * * *", periodic_id="purge_api_throttle")
@app.task(name="core.purge_api_throttle", queueing_lock="core.purge_api_throttle")
def purge_api_throttle(timestamp: int) -> None:
    """Every ten minutes: the rate-limit windows of callers who did not come back, so
    ``api_throttle`` holds about one row per recent caller."""
    deleted = throttle_purge()
    logger.info("Deleted %d ended rate-limit window(s)", deleted)
