"""Fictitious forensic records for the demo (DESIGN §9), loaded by ``seed_demo``.

Every remains of the demo gets a post-mortem record, twenty missing persons an ante-mortem
record and family references, two remains a lab's DNA match report; one proposal waits on the
board and one identification of the demo is recorded as confirmed by two coordinators. Nothing
here changes DESIGN §2's figures: the confirmed one is a remains the demo already counts as
identified, and a pending proposal only makes remains presumptive. All of it is fictitious.
"""

import datetime

from django.db.models import Case, When
from django.utils import timezone

from casualties.choices import PersonStatus
from casualties.models import Conflict, Party, Person
from identification.candidates import UNRETURNED
from identification.choices import (
    ConsentScope,
    Evidence,
    LabStatus,
    ProposalState,
    Relationship,
    SampleSource,
    Sex,
)
from identification.models import AnteMortem, DnaMatchReport, PostMortem, Proposal, Sample
from identification.services import proposal_create
from repatriation.choices import Identification
from repatriation.models import Remains

FICTITIOUS = "Fictitious demo record."
LAB = "Fictitious demo laboratory"
MISSING_WITH_AM = 20
# Who gave references, by the missing person's position: enough for some, not for others.
DONORS = (
    (Relationship.MOTHER,),
    (Relationship.FULL_SIBLING, Relationship.FULL_SIBLING),
    (Relationship.FULL_SIBLING,),
    (Relationship.SPOUSE,),
    (),
)
LOST_ON = datetime.date(2022, 9, 13)


def _post_mortems(remains: list[Remains]) -> None:
    PostMortem.objects.bulk_create(
        PostMortem(
            remains=item,
            recovery_site="Jermuk area (fictitious)",
            container=f"DEMO-BAG-{index // 3 + 1:03d}",
            fragment_no=index % 3 + 1 if index % 7 == 0 else None,
            sex=Sex.MALE,
            age_min=18 + index % 10,
            age_max=30 + index % 15,
            stature_min=165 + index % 10,
            stature_max=180 + index % 10,
            storage="Central morgue (fictitious)",
            marks=FICTITIOUS,
        )
        for index, item in enumerate(remains)
    )


def _ante_mortems(persons: list[Person]) -> None:
    AnteMortem.objects.bulk_create(
        AnteMortem(
            person=person,
            sex=Sex.MALE,
            birth_year=1996 + index % 6,
            stature_min=170 + index % 8,
            stature_max=178 + index % 8,
            marks=FICTITIOUS,
            dental_on_file=index % 4 == 0,
            dental_where="Garrison clinic (fictitious)" if index % 4 == 0 else "",
            last_seen_on=LOST_ON,
            last_seen_place="Jermuk (fictitious)",
            region=person.home_region,
        )
        for index, person in enumerate(persons)
    )
    samples = []
    for index, person in enumerate(persons):
        for n, relationship in enumerate(DONORS[index % len(DONORS)]):
            samples.append(
                Sample(
                    source=SampleSource.FAMILY,
                    person=person,
                    relationship=relationship,
                    consent_scope=ConsentScope.MINISTRY if n == 0 else ConsentScope.ICRC,
                    reference=f"DEMO-REF-{person.pk}-{n + 1}",
                    taken_on=datetime.date(2022, 10, 1) + datetime.timedelta(days=index),
                    lab=LAB,
                    lab_status=LabStatus.PROFILED if index % 3 else LabStatus.SENT,
                )
            )
    Sample.objects.bulk_create(samples)


def _confirmed_history(remains: Remains, users: dict) -> None:
    """The board's record of an identification the demo already holds: DNA, two people."""
    report = DnaMatchReport.objects.create(
        remains=remains,
        person=remains.person,
        likelihood_ratio=2.4e9,
        lab=LAB,
        reported_on=remains.identified_on,
    )
    Proposal.objects.create(
        remains=remains,
        person=remains.person,
        evidence=[Evidence.DNA],
        dna_report=report,
        reasoning=FICTITIOUS,
        proposed_by=users["forensic"],
        state=ProposalState.CONFIRMED,
        decided_by=users["forensic2"],
        decided_at=timezone.now(),
    )


def seed_identification(*, conflict: Conflict, party: Party, users: dict) -> None:
    """Load the forensic demo records once (a second run finds them and adds nothing)."""
    remains = list(
        Remains.objects.filter(handover__conflict=conflict, handover__to_party=party).order_by("id")
    )
    if not remains or PostMortem.objects.filter(remains__in=remains).exists():
        return
    _post_mortems(remains)
    # Not yet returned: missing first, then captured or killed with no remains back.
    missing = list(
        Person.objects.filter(conflict=conflict, party=party, status__in=UNRETURNED)
        .exclude(remains__identification=Identification.CONFIRMED)
        .order_by(Case(When(status=PersonStatus.MISSING, then=0), default=1), "id")[
            :MISSING_WITH_AM
        ]
    )
    _ante_mortems(missing)
    confirmed = [item for item in remains if item.identification == Identification.CONFIRMED]
    unidentified = [item for item in remains if item.identification == Identification.UNIDENTIFIED]
    if confirmed:
        _confirmed_history(confirmed[0], users)
    if unidentified and missing:
        report = DnaMatchReport.objects.create(
            remains=unidentified[0],
            person=missing[0],
            likelihood_ratio=3.2e7,
            lab=LAB,
            reported_on=datetime.date(2023, 1, 16),
        )
        proposal_create(
            remains=unidentified[0],
            person=missing[0],
            evidence=[Evidence.DNA, Evidence.EFFECTS],
            dna_report=report,
            reasoning=FICTITIOUS,
            user=users["forensic"],
        )
