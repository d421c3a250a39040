"""Building the POST bodies of the batch form and the review page in tests."""

import datetime
import re

DATE = datetime.date(2022, 9, 20)


def batch_post(setting, rows, **header):
    """The POST body of the batch form: its header, then one dict per remains row."""
    data = {
        "conflict": setting["conflict"].pk,
        "kind": "remains",
        "date": DATE.isoformat(),
        "location": "Border crossing",
        "from_party": setting["aze"].pk,
        "to_party": setting["arm"].pk,
        "mediator": setting["icrc"].pk,
        "agreement": "",
        "reported_count": len(rows),
        "reported_by": setting["arm"].pk,
        "citation": "Ministry of Defence, press briefing",
        "remains-TOTAL_FORMS": len(rows),
        "remains-INITIAL_FORMS": 0,
        "remains-MIN_NUM_FORMS": 0,
        "remains-MAX_NUM_FORMS": 1000,
        **header,
    }
    defaults = {"condition": "complete", "identification": "unidentified"}
    for index, row in enumerate(rows):
        for name, value in {**defaults, **row}.items():
            data[f"remains-{index}-{name}"] = value
    return data


def verify_url(handover):
    return f"/handovers/{handover.pk}/verify/"


def verify_form(client, handover) -> dict:
    """What the verify form posts once its box is ticked, as shown on the review page."""
    page = client.get(verify_url(handover)).content.decode()
    seen = re.search(r'name="seen" value="([^"]+)"', page)[1]
    return {"action": "verify", "checked": "on", "seen": seen}
