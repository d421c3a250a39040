"""The ledger's background work: the monthly numbered release (ledger/releases.py)."""

from procrastinate.contrib.django import app

from ledger.releases import release_publish


# At 03:00 on the first of each month; the queueing lock keeps a second one from queueing
# while one waits, and the publish takes an advisory lock of its own.
@app.periodic(cron="0 3 1 * *", periodic_id="monthly_release")
@app.task(name="ledger.monthly_release", queueing_lock="ledger.monthly_release")
def monthly_release(timestamp: int) -> None:
    release_publish()
