"""factory_boy factories for every model; services are used where a row needs its invariants."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from casualties.choices import FigureCategory, PartyKind, PersonStatus, SourceKind
from casualties.models import Conflict, Figure, Party, Person, Source, Statement, StatusChange
from casualties.search.transliteration import search_key
from identification.choices import Evidence, SampleSource, SampleTissue
from identification.models import (
    Aftercare,
    AnteMortem,
    DnaMatchReport,
    PostMortem,
    Proposal,
    Sample,
)
from repatriation.choices import HandoverState
from repatriation.models import Agreement, Handover, Remains


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-for-tests")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"conflict-{n}")
    name = factory.Sequence(lambda n: f"Conflict {n}")
    start_date = datetime.date(2022, 9, 13)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Party {n}")
    kind = PartyKind.STATE


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Source {n}")
    party = factory.SubFactory(PartyFactory)
    kind = SourceKind.GOVERNMENT


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    conflict = factory.SubFactory(ConflictFactory)
    source = factory.SubFactory(SourceFactory)
    issued_on = datetime.date(2022, 9, 20)
    as_of = datetime.date(2022, 9, 19)
    citation_title = "Press release"


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    statement = factory.SubFactory(StatementFactory)
    subject_party = factory.SubFactory(PartyFactory)
    category = FigureCategory.KILLED_OR_MISSING
    value = 10


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with a matching first StatusChange, as ``person_create`` would leave them."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    conflict = factory.SubFactory(ConflictFactory)
    party = factory.SubFactory(PartyFactory)
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    name_latin = factory.LazyAttribute(lambda o: o.full_name)
    search_key = factory.LazyAttribute(lambda o: search_key(o.full_name, o.name_latin))
    status = PersonStatus.MISSING
    status_date = datetime.date(2022, 9, 14)

    @factory.post_generation
    def first_change(self, create, extracted, **kwargs):
        if create:
            StatusChange.objects.create(
                person=self, status=self.status, effective_date=self.status_date
            )


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    conflict = factory.SubFactory(ConflictFactory)
    name = factory.Sequence(lambda n: f"Agreement {n}")
    concluded_on = datetime.date(2022, 9, 15)
    party_a = factory.SubFactory(PartyFactory)
    party_b = factory.SubFactory(PartyFactory)
    count_to_a = 10
    count_to_b = 10


class HandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handover

    conflict = factory.SubFactory(ConflictFactory)
    date = datetime.date(2022, 9, 20)
    from_party = factory.SubFactory(PartyFactory)
    to_party = factory.SubFactory(PartyFactory)
    reported_count = 1
    entered_by = factory.SubFactory(UserFactory)
    state = HandoverState.DRAFT


class RemainsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Remains

    handover = factory.SubFactory(HandoverFactory)
    case_number = factory.Sequence(lambda n: f"T/{n:05d}")


class PostMortemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostMortem

    remains = factory.SubFactory(RemainsFactory)
    container = factory.Sequence(lambda n: f"BAG-{n}")
    age_min, age_max = 20, 35


class AnteMortemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnteMortem

    person = factory.SubFactory(PersonFactory)
    birth_year = 1995
    region = "Syunik"


class SampleFactory(factory.django.DjangoModelFactory):
    """A bone sample taken from remains (a family reference names a person instead)."""

    class Meta:
        model = Sample

    source = SampleSource.REMAINS
    remains = factory.SubFactory(RemainsFactory)
    tissue = SampleTissue.BONE
    reference = factory.Sequence(lambda n: f"S-{n:05d}")
    taken_on = datetime.date(2022, 10, 1)


class DnaMatchReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DnaMatchReport

    remains = factory.SubFactory(RemainsFactory)
    person = factory.SubFactory(PersonFactory)
    likelihood_ratio = 1e9
    lab = "Test lab"
    reported_on = datetime.date(2022, 11, 1)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A pending proposal as a row only; ``proposal_create`` also marks the remains
    presumptive, which tests of the board go through."""

    class Meta:
        model = Proposal

    remains = factory.SubFactory(RemainsFactory)
    person = factory.SubFactory(PersonFactory)
    evidence = [Evidence.DENTAL]
    proposed_by = factory.SubFactory(UserFactory)


class AftercareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aftercare

    remains = factory.SubFactory(RemainsFactory)
