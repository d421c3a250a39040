"""The demo data of DESIGN §2: figures as reported in the press, and fictitious persons.

Real-world figures carry their citation and a note saying they are as reported. Every person
record here is invented, and says so in its restricted ``notes`` and in its ``unit``.
"""

import datetime
from typing import NamedTuple

from accounts.roles import CLERK, COORDINATOR, FORENSIC, JOURNALIST, VERIFIER
from casualties.choices import (
    FigureCategory,
    PartyKind,
    PersonStatus,
    Qualifier,
    SourceKind,
    StatusBasis,
)

D = datetime.date

CONFLICTS = {
    "sept-2022": {
        "name": "September 2022 attack on Armenia",
        "name_hy": "2022 թ. սեպտեմբերյան հարձակումը Հայաստանի վրա",
        "name_ru": "Нападение на Армению в сентябре 2022 года",
        "start_date": D(2022, 9, 13),
        "end_date": D(2022, 9, 14),
        "description": "Azerbaijani attack on the sovereign territory of Armenia, 13–14 Sep 2022.",
    },
    "karabakh-2020": {
        "name": "2020 Nagorno-Karabakh war",
        "name_hy": "2020 թ. Արցախյան պատերազմ",
        "name_ru": "Карабахская война 2020 года",
        "start_date": D(2020, 9, 27),
        "end_date": D(2020, 11, 10),
        "description": "The 44-day war, ended by the ceasefire statement of 9–10 Nov 2020.",
    },
}
PARTIES = {
    "ARM": ("Armenia", PartyKind.STATE),
    "AZE": ("Azerbaijan", PartyKind.STATE),
    "ICRC": ("International Committee of the Red Cross", PartyKind.MEDIATOR),
}
# The parties' and sources' names on the Armenian and Russian pages.
LOCAL_NAMES = {
    "ARM": ("Հայաստան", "Армения"),
    "AZE": ("Ադրբեջան", "Азербайджан"),
    "ICRC": ("Կարմիր խաչի միջազգային կոմիտե", "Международный комитет Красного Креста"),
    "Security Council of Armenia": ("ՀՀ անվտանգության խորհուրդ", "Совет безопасности Армении"),
    "Ministry of Defence of Armenia": (
        "ՀՀ պաշտպանության նախարարություն",
        "Министерство обороны Армении",
    ),
    "Ministry of Defence of Azerbaijan": (
        "Ադրբեջանի պաշտպանության նախարարություն",
        "Министерство обороны Азербайджана",
    ),
}
SOURCES = {
    "Security Council of Armenia": ("ARM", SourceKind.GOVERNMENT),
    "Ministry of Defence of Armenia": ("ARM", SourceKind.MILITARY),
    "Ministry of Defence of Azerbaijan": ("AZE", SourceKind.MILITARY),
    "CivilNet": (None, SourceKind.MEDIA),
    "Asbarez": (None, SourceKind.MEDIA),
}
CIVILNET = {
    "citation_title": "CivilNet, 20 September 2022: casualty and returned-bodies figures",
    "citation_url": "https://www.civilnet.am/en/",
}
ASBAREZ = {
    "citation_title": "Asbarez, 13 February 2021: unidentified remains after the 2020 war",
    "citation_url": "https://asbarez.com/",
}
AS_QUOTED = "Press report: the figures are as quoted by CivilNet, not checked against the source."


def _figure(party: str, category: str, value: int, civilians=None, qualifier=Qualifier.EXACT):
    return {"subject_party": party, "category": category, "value": value,
            "civilians": civilians, "qualifier": qualifier}  # fmt: skip


KM, INJ, CAP = FigureCategory.KILLED_OR_MISSING, FigureCategory.INJURED, FigureCategory.CAPTURED
RETURNED = FigureCategory.REMAINS_RETURNED
# (conflict, source, issued on, as of, citation, note, figures)
STATEMENTS = (
    ("sept-2022", "Security Council of Armenia", D(2022, 9, 19), D(2022, 9, 19), CIVILNET,
     AS_QUOTED, [_figure("ARM", KM, 207, 5), _figure("ARM", INJ, 296, 3), _figure("ARM", CAP, 20)]),
    ("sept-2022", "Ministry of Defence of Armenia", D(2022, 9, 20), D(2022, 9, 20), CIVILNET,
     f"{AS_QUOTED} 95 more bodies handed over, 127 in total; the 127 are included in the 207.",
     [_figure("ARM", RETURNED, 127)]),
    ("sept-2022", "Ministry of Defence of Azerbaijan", D(2022, 9, 20), D(2022, 9, 19), CIVILNET,
     f"{AS_QUOTED} Azerbaijan's own figures for its side.",
     [_figure("AZE", FigureCategory.KILLED, 80), _figure("AZE", INJ, 282)]),
    ("karabakh-2020", "Asbarez", D(2021, 2, 13), D(2021, 2, 13), ASBAREZ,
     "Press report: hundreds of bodies returned after the war were still unidentified, DNA "
     "identification being the bottleneck; remains were reported buried in mass graves. The "
     "report gives no exact count: 'at least 200' is the demo's cautious reading of 'hundreds'.",
     [_figure("ARM", RETURNED, 200, qualifier=Qualifier.AT_LEAST)]),
)  # fmt: skip

HANDOVER_SIDES = {"from_party": "AZE", "to_party": "ARM", "mediator": "ICRC", "reported_by": "ARM"}
IDENTIFIED_ON = D(2022, 10, 5)
# (date, reported count, how many of its remains the demo confirms as fictitious persons, citation)
HANDOVERS = (
    (D(2022, 9, 17), 32, 4,
     "CivilNet, 20 Sep 2022 (press report): 127 bodies returned in total, 95 on 20 Sep, so 32 "
     "came back earlier. DATE ASSUMED: the article does not say when, or in how many handovers, "
     "the first 32 came back; the demo records them as one handover on 2022-09-17."),
    (D(2022, 9, 20), 95, 6,
     "CivilNet, 20 Sep 2022 (press report): Armenia's Defence Ministry spokesperson said "
     "Azerbaijan handed over 95 more bodies; confirmed on 2022-09-20, the date used here."),
)  # fmt: skip


class Cohort(NamedTuple):
    """A group of fictitious persons sharing one status history."""

    count: int
    statuses: tuple[str, ...]
    civilian: bool = False
    identified: bool = False  # later confirmed from the remains of a handover, hence killed


MISSING, INJURED = PersonStatus.MISSING, PersonStatus.INJURED
CAPTURED, RELEASED = PersonStatus.CAPTURED, PersonStatus.RELEASED
ROSTER = (
    Cohort(10, (MISSING,), identified=True),
    Cohort(10, (MISSING,)),
    Cohort(2, (MISSING,), civilian=True),
    Cohort(6, (INJURED,)),
    Cohort(6, (CAPTURED,)),
    Cohort(2, (CAPTURED, RELEASED)),  # released in a prisoner exchange
)
# What each demo status rests on (DESIGN §3 basis); deaths named from remains rest on DNA.
STATUS_BASES = {
    MISSING: StatusBasis.OFFICIAL_NOTICE,
    INJURED: StatusBasis.OFFICIAL_NOTICE,
    CAPTURED: StatusBasis.MEDIA_REPORT,
    RELEASED: StatusBasis.EXCHANGE,
}
STATUS_DATES = {
    MISSING: D(2022, 9, 13),
    INJURED: D(2022, 9, 13),
    CAPTURED: D(2022, 9, 14),
    RELEASED: D(2022, 10, 6),
}
FIRST_NAMES = ("Արամ", "Դավիթ", "Տիգրան", "Նարեկ", "Գոռ", "Հայկ",
               "Արմեն", "Վահե", "Սամվել", "Էդգար", "Արթուր", "Մհեր")  # fmt: skip
SURNAMES = ("Պետրոսյան", "Հակոբյան", "Սարգսյան", "Գրիգորյան", "Մարտիրոսյան", "Ավետիսյան",
            "Կարապետյան", "Մանուկյան", "Ղազարյան", "Խաչատրյան", "Վարդանյան",
            "Ոսկանյան")  # fmt: skip
REGIONS = ("Syunik", "Gegharkunik", "Vayots Dzor")
FICTITIOUS_UNIT = "Fictitious demo unit"
FICTITIOUS_NOTE = "Fictitious demo record — not a real person."

DEMO_USERS = (
    # (username, password, group, is_staff, is_superuser, role shown)
    ("admin", "demo-admin-2022", None, True, True, "superuser (Django admin)"),
    ("clerk", "demo-clerk-2022", CLERK, True, False, "clerk (staff)"),
    ("verifier", "demo-verifier-2022", VERIFIER, True, False, "verifier (staff)"),
    ("journalist", "demo-journalist-2022", JOURNALIST, False, False, "journalist (API only)"),
    ("coordinator", "demo-coordinator-2022", COORDINATOR, True, False, "coordinator (staff)"),
    ("forensic", "demo-forensic-2022", FORENSIC, True, False, "forensic coordinator (staff)"),
    ("forensic2", "demo-forensic2-2022", FORENSIC, True, False, "second forensic coordinator"),
)
