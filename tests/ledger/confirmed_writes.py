"""Random writes to everything the ledger's confirmed remains checks derive from, by the
statements the services, imports and merges use (tests/ledger/test_confirmed_checks.py)."""

import datetime

from django.utils import timezone

from casualties.choices import PersonStatus
from casualties.models import Person, StatusChange
from repatriation.choices import HandoverKind, HandoverState, Identification, RemainsCondition
from repatriation.models import Handover, Remains
from tests.factories import HandoverFactory, PersonFactory, RemainsFactory

START = datetime.date(2022, 10, 1)


def day(offset):
    return START + datetime.timedelta(days=offset)


class Writer:
    """Random writes by the statements the services, imports and merges use: handovers
    created, verified, sent back, redated, moved to another party and deleted; remains added,
    identified, changed and deleted; status changes recorded, redated, restated and undone;
    persons merged."""

    def __init__(self, world, other, rng):
        self.world, self.other, self.rng = world, other, rng
        statuses = [PersonStatus.MISSING, PersonStatus.CAPTURED, PersonStatus.RELEASED]
        statuses += [PersonStatus.FOUND_ALIVE, PersonStatus.KILLED, PersonStatus.CAPTURED]
        self.persons = [
            PersonFactory(
                conflict=world.conflict, party=world.arm, status=status, status_date=day(i)
            )
            for i, status in enumerate(statuses)
        ]

    def person(self):
        alive = Person.objects.filter(pk__in=[p.pk for p in self.persons]).order_by("pk")
        return self.rng.choice(list(alive))

    def remains_fields(self, received_on):
        rng = self.rng
        state = rng.choice([Identification.CONFIRMED] * 3 + list(Identification))
        fields = {"condition": rng.choice(["complete", "complete", "partial"])}
        fields["identification"] = state
        if state != Identification.UNIDENTIFIED:
            fields.update(person=self.person(), method="dna")
            fields["identified_on"] = received_on + datetime.timedelta(rng.randint(-5, 30))
        return fields

    def handover(self):
        rng, world = self.rng, self.world
        kind = rng.choice([HandoverKind.REMAINS] * 3 + [HandoverKind.RECOVERY])
        date = day(rng.randint(0, 60))
        handover = HandoverFactory(
            conflict=world.conflict,
            kind=kind,
            from_party=None if kind == HandoverKind.RECOVERY else world.aze,
            to_party=world.arm if rng.random() < 0.8 else self.other,
            date=date,
        )
        if rng.random() < 0.7:
            self.verify(handover, True)
        for _ in range(rng.randint(0, 3)):
            RemainsFactory(handover=handover, **self.remains_fields(date))

    def verify(self, handover, verify):
        fields = {"state": HandoverState.DRAFT, "verified_by": None, "verified_at": None}
        if verify:
            fields = {
                "state": HandoverState.VERIFIED,
                "verified_by": self.world.verifier,
                "verified_at": timezone.now(),
            }
        elif self.rng.random() < 0.5:
            fields.update(
                state=HandoverState.SENT_BACK,
                sent_back_by=self.world.verifier,
                sent_back_at=timezone.now(),
            )
        Handover.objects.filter(pk=handover.pk).update(**fields)

    def on_handover(self, handover, move):
        rng = self.rng
        remains = list(handover.remains.order_by("pk"))
        target = rng.choice(remains) if remains else None
        if move < 0.3:
            RemainsFactory(handover=handover, **self.remains_fields(handover.date))
        elif move < 0.4:
            self.verify(handover, handover.state != HandoverState.VERIFIED)
        elif move < 0.45:
            Handover.objects.filter(pk=handover.pk).update(date=day(rng.randint(0, 60)))
        elif move < 0.5:
            party = self.world.arm if handover.to_party_id == self.other.pk else self.other
            Handover.objects.filter(pk=handover.pk).update(to_party=party)
        elif move < 0.53:
            handover.delete()
        elif target and move < 0.6:
            target.delete()
        elif target and move < 0.75:
            Remains.objects.filter(pk=target.pk).update(
                identification=Identification.CONFIRMED,
                person=self.person(),
                method="dna",
                identified_on=day(rng.randint(0, 70)),
            )
        elif target:
            condition = rng.choice(list(RemainsCondition))
            Remains.objects.filter(pk=target.pk).update(condition=condition)

    def on_persons(self, move):
        rng = self.rng
        changes = list(StatusChange.objects.filter(person__in=self.persons).order_by("pk"))
        change = StatusChange.objects.filter(pk=rng.choice(changes).pk)
        if move < 0.5:
            status = rng.choice(list(PersonStatus))
            effective = day(rng.randint(0, 70))
            StatusChange.objects.create(
                person=self.person(), status=status, effective_date=effective
            )
        elif move < 0.65:
            change.update(effective_date=day(rng.randint(0, 70)))
        elif move < 0.8:
            change.update(status=rng.choice(list(PersonStatus)))
        elif move < 0.9:
            if StatusChange.objects.filter(person=change.get().person_id).count() > 1:
                change.delete()
        else:
            self.merge()

    def merge(self):
        """What ``person_merge`` does to the rows the checks read: everything moves to the
        kept record, then the other one goes."""
        keep, drop = self.person(), self.person()
        if keep == drop:
            return
        StatusChange.objects.filter(person=drop).update(person=keep)
        Remains.objects.filter(person=drop).update(person=keep)
        Person.objects.filter(pk=drop.pk).delete()

    def run(self, steps):
        for _ in range(steps):
            move = self.rng.random()
            handovers = list(Handover.objects.order_by("pk"))
            if move < 0.15 or not handovers:
                self.handover()
            elif move < 0.7:
                self.on_handover(self.rng.choice(handovers), self.rng.random())
            else:
                self.on_persons(self.rng.random())
