"""Every URL of the URLconf, opened with GET by each role, against one expected-access table.

A URL pattern with no row in ``ACCESS`` fails the test, so whoever adds a page says who may
open it. Staff log in with a session (as in the browser); the journalist has a session too
(staff pages must refuse it) and sends an API token, as journalists do on the API.
The Django admin's pages of each model follow from one row per model in ``ADMIN_MODELS``
(what the clerks and verifiers, the forensic coordinators and the admins may do there).
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from pghistory.models import Events
from procrastinate.contrib.django import app as procrastinate_app

from casualties.models import Person, PersonAlias, PersonImport, PersonMerge
from demo.demo_data import DEMO_USERS
from identification.services import am_access_record, proposal_create
from ledger.releases import release_publish
from repatriation.choices import HandoverState
from repatriation.models import Handover
from tests.factories import (
    AftercareFactory,
    AgreementFactory,
    AnteMortemFactory,
    ConflictFactory,
    DnaMatchReportFactory,
    FigureFactory,
    HandoverFactory,
    PartyFactory,
    PersonFactory,
    PostMortemFactory,
    RemainsFactory,
    SampleFactory,
    SourceFactory,
    StatementFactory,
    UserFactory,
)

ROLES = ("anonymous", "journalist", "clerk", "verifier", "forensic", "admin")

# What a GET may answer. A redirect is told apart by where it goes.
OK = "200"
LOGIN = "login"  # 302 to the staff login page (/accounts/login/?next=…)
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page
REDIRECT = "302"  # any other redirect
UNAUTHENTICATED = "401"
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"

EVERYONE = (OK,) * 6
STAFF_PAGE = (LOGIN, FORBIDDEN, OK, OK, OK, OK)
STAFF_POST = (LOGIN, FORBIDDEN, *(NOT_ALLOWED,) * 4)  # a form's target only
# Pages that write (and the imports' pages): forensic coordinators only read the other staff's
# records (DESIGN §5), so these refuse them.
WRITER_PAGE = (LOGIN, FORBIDDEN, OK, OK, FORBIDDEN, OK)
WRITER_POST = (LOGIN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN, NOT_ALLOWED)
# The identification pages and records (DESIGN §5, §9): forensic coordinators and admins only.
FORENSIC_PAGE = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
FORENSIC_API = (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
FORENSIC_POST = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED)
FORENSIC_API_POST = (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED)
# Conflicts, parties and sources (DESIGN §5): coordinators (no column here) and admins.
COORDINATOR_PAGE = (LOGIN, *(FORBIDDEN,) * 4, OK)
ADMIN_PAGE = (ADMIN_LOGIN, ADMIN_LOGIN, OK, OK, OK, OK)
ADMIN_NOT_FOUND = (ADMIN_LOGIN, ADMIN_LOGIN, *(NOT_FOUND,) * 4)

# key (URL name, or route where the pattern has none) → expected outcome per role in ROLES.
ACCESS = {
    # Public pages and machine endpoints.
    "/": (REDIRECT,) * 6,
    "healthz": EVERYONE,
    "favicon.ico": (REDIRECT,) * 6,  # to the static icon
    "set_language": (REDIRECT,) * 6,
    "login": (OK, *(REDIRECT,) * 5),  # logged in: sent on
    # Two-factor steps: only during a pending login, or with OTP_REQUIRED (off in tests).
    "otp_verify": (REDIRECT,) * 6,
    "otp_setup": (REDIRECT,) * 6,
    "logout": (NOT_ALLOWED,) * 6,
    "repatriation:ledger_list": EVERYONE,
    "repatriation:ledger_detail": EVERYONE,
    "repatriation:ledger_chart": EVERYONE,
    "repatriation:ledger_handover": EVERYONE,  # a verified handover's public page
    "repatriation:release_list": EVERYONE,  # numbered releases (DESIGN §8)
    "repatriation:release_detail": EVERYONE,
    "repatriation:release_file": EVERYONE,
    # Staff pages (DESIGN §8).
    "repatriation:handover_list": STAFF_PAGE,
    "repatriation:handover_new": WRITER_PAGE,
    "repatriation:handover_import": WRITER_PAGE,
    "repatriation:handover_detail": STAFF_PAGE,
    "repatriation:handover_verify": STAFF_PAGE,
    # The clerk's own draft: its clerk and an admin change it, a verifier is told why not.
    "repatriation:handover_edit": (LOGIN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK),
    # A party's announced count, and unidentified remains sent back: forms on the detail page.
    "repatriation:handover_claim": STAFF_POST,
    "repatriation:remains_return": STAFF_POST,
    "repatriation:agreement_list": STAFF_PAGE,
    "repatriation:agreement_detail": STAFF_PAGE,
    "casualties:person_list": STAFF_PAGE,
    "casualties:person_new": WRITER_PAGE,
    "casualties:person_lookup": STAFF_PAGE,
    "casualties:person_detail": STAFF_PAGE,
    "casualties:person_edit": WRITER_PAGE,
    "casualties:person_status": WRITER_PAGE,
    "casualties:person_import": WRITER_PAGE,
    "casualties:person_import_detail": WRITER_PAGE,
    "casualties:person_import_status": WRITER_PAGE,
    "casualties:person_import_rejects": WRITER_PAGE,
    "casualties:person_import_columns": WRITER_PAGE,
    # "Import now" on a checked file: a form's target, for whoever adds persons.
    "casualties:person_import_run": WRITER_POST,
    "casualties:status_events_import": WRITER_PAGE,
    # Importing a checked status-events file: a form's target, like "Import now" above.
    "casualties:status_events_import_run": WRITER_POST,
    "casualties:duplicate_list": WRITER_PAGE,
    "casualties:person_merge": WRITER_PAGE,
    "casualties:alias_add": WRITER_POST,
    "casualties:alias_remove": WRITER_POST,
    "casualties:statement_list": STAFF_PAGE,
    "casualties:statement_new": WRITER_PAGE,
    "casualties:statement_edit": WRITER_PAGE,
    "casualties:reference_list": COORDINATOR_PAGE,
    "casualties:reference_new": COORDINATOR_PAGE,
    "casualties:reference_edit": COORDINATOR_PAGE,
    # The API (DESIGN §6): every read is public; verify is POST only.
    "schema": EVERYONE,
    "api-docs": EVERYONE,
    "api:conflict-list": EVERYONE,
    "api:conflict-detail": EVERYONE,
    "api:party-list": EVERYONE,
    "api:party-detail": EVERYONE,
    "api:source-list": EVERYONE,
    "api:source-detail": EVERYONE,
    "api:statement-list": EVERYONE,
    "api:statement-detail": EVERYONE,
    "api:person-list": EVERYONE,
    "api:person-detail": EVERYONE,
    "api:person-status-history": EVERYONE,
    "api:personmerge-list": EVERYONE,
    "api:personmerge-detail": EVERYONE,
    "api:agreement-list": EVERYONE,
    "api:agreement-detail": EVERYONE,
    "api:handover-list": EVERYONE,
    "api:handover-detail": EVERYONE,
    "api:handover-verify": (
        UNAUTHENTICATED,
        FORBIDDEN,
        FORBIDDEN,
        NOT_ALLOWED,
        FORBIDDEN,
        NOT_ALLOWED,
    ),
    # Staff who enter handovers record claims and returns (POST only); forensic staff do not.
    "api:handover-claims": (
        UNAUTHENTICATED,
        FORBIDDEN,
        *(NOT_ALLOWED,) * 2,
        FORBIDDEN,
        NOT_ALLOWED,
    ),
    "api:handover-remains-return": (
        UNAUTHENTICATED,
        FORBIDDEN,
        *(NOT_ALLOWED,) * 2,
        FORBIDDEN,
        NOT_ALLOWED,
    ),
    "api:ledger-list": EVERYONE,
    "api:ledger-detail": EVERYONE,
    "api:ledger-timeline": EVERYONE,
    "api:changes": EVERYONE,
    # The forensic records (DESIGN §6, §9): never public, never for the other staff.
    "api:postmortem-list": FORENSIC_API,
    "api:postmortem-detail": FORENSIC_API,
    "api:antemortem-list": FORENSIC_API,
    "api:antemortem-detail": FORENSIC_API,
    "api:sample-list": FORENSIC_API,
    "api:sample-detail": FORENSIC_API,
    "api:dnamatchreport-list": FORENSIC_API,
    "api:dnamatchreport-detail": FORENSIC_API,
    "api:proposal-list": FORENSIC_API,
    "api:proposal-detail": FORENSIC_API,
    "api:proposal-confirm": FORENSIC_API_POST,
    "api:proposal-reject": FORENSIC_API_POST,
    "api:identification-candidates": FORENSIC_API,
    # The identification pages.
    "identification:board": FORENSIC_PAGE,
    "identification:remains": FORENSIC_PAGE,
    "identification:aftercare": FORENSIC_POST,  # the aftercare form's target, on the remains page
    "identification:proposal": FORENSIC_PAGE,
    "identification:references": FORENSIC_PAGE,
    # Revoking tokens: POST only, and only a token authenticates (a login session does not).
    "api:auth-logout": (UNAUTHENTICATED, NOT_ALLOWED, *(UNAUTHENTICATED,) * 4),
    "api:auth-logoutall": (UNAUTHENTICATED, NOT_ALLOWED, *(UNAUTHENTICATED,) * 4),
    # The admin's own pages.
    "admin:index": ADMIN_PAGE,
    "admin:login": (OK, OK, *(REDIRECT,) * 4),  # staff: straight to the index
    "admin:logout": (REDIRECT, REDIRECT, *(NOT_ALLOWED,) * 4),
    "admin:password_change": ADMIN_PAGE,
    "admin:password_change_done": ADMIN_PAGE,
    "admin:autocomplete": (ADMIN_LOGIN, ADMIN_LOGIN, *(FORBIDDEN,) * 4),  # no field
    "admin:jsi18n": ADMIN_PAGE,
    "admin:view_on_site": ADMIN_NOT_FOUND,  # persons have no public page
    "admin:app_list": ADMIN_PAGE,
    "admin/(?P<url>.*)$": ADMIN_NOT_FOUND,
}

# The Django admin, per registered model: what clerks and verifiers (first), forensic
# coordinators (second) and admins (third) may do there with the object the test opens —
# v: view (or change), a: add, c: change, d: delete. The handover and remains opened are
# verified ones: nobody deletes those (an admin corrects them with a reason). Forensic
# coordinators read what every staff member reads, and alone with the admins keep the
# forensic records; who read an AM record is for the admins to see.
ADMIN_MODELS = {
    "auth.group": ("", "", "vacd"),
    "auth.user": ("", "", "vacd"),
    "knox.authtoken": ("", "", "vd"),  # the list only: no page per token (its URL is the digest)
    "otp_totp.totpdevice": ("", "", "vacd"),
    "axes.accessattempt": ("", "", "vd"),
    "axes.accesslog": ("", "", "vd"),
    "axes.accessfailurelog": ("", "", "vd"),
    "pghistory.events": ("", "", "v"),
    "procrastinate.procrastinatejob": ("", "", "v"),
    "casualties.conflict": ("v", "v", "vacd"),
    "casualties.party": ("v", "v", "vacd"),
    "casualties.source": ("v", "v", "vacd"),
    "casualties.statement": ("vac", "v", "vacd"),
    "casualties.figure": ("vac", "v", "vacd"),
    "casualties.person": ("vac", "v", "vacd"),
    "casualties.statuschange": ("v", "v", "v"),
    "repatriation.agreement": ("vac", "v", "vacd"),
    "repatriation.handover": ("vac", "v", "vac"),
    "repatriation.remains": ("v", "v", "v"),
    "identification.postmortem": ("", "vac", "vacd"),
    "identification.antemortem": ("", "vac", "vacd"),
    "identification.sample": ("", "vac", "vacd"),
    "identification.dnamatchreport": ("", "vac", "vacd"),
    "identification.aftercare": ("", "vac", "vacd"),
    # Made and decided on the board (pages or API), not here.
    "identification.proposal": ("", "v", "vd"),
    "identification.amaccess": ("", "", "v"),  # append-only: nobody changes or deletes a read
}

# Each admin page of a model (its route after admin/<app>/<model>/) and what opens it;
# None: the page only redirects to the change page.
ADMIN_MODEL_PAGES = {
    "": "v",
    "add/": "a",
    "<path:object_id>/": None,
    "<path:object_id>/change/": "v",
    "<path:object_id>/history/": "v",
    "<path:object_id>/delete/": "d",
    "<id>/password/": "c",
}

ADMIN_MODEL_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/(?P<rest>.*)$")


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, key) for every endpoint of the URLconf, included URLconfs walked too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            continue
        route = prefix + str(pattern.pattern)
        name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
        yield route, name or route or "/"


def admin_model(route):
    """The admin-registered model a route belongs to, or None."""
    match = ADMIN_MODEL_ROUTE.match(route)
    if not match:
        return None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (match["app"], match["model"]):
            return model
    return None


def expected_access(route, key):
    """The table row of a pattern: its own in ACCESS, or its admin model's."""
    if key in ACCESS:
        return ACCESS[key]
    model = admin_model(route)
    if model is None or model._meta.label_lower not in ADMIN_MODELS:
        return None
    staff, forensic, superuser = ADMIN_MODELS[model._meta.label_lower]
    needs = ADMIN_MODEL_PAGES[ADMIN_MODEL_ROUTE.match(route)["rest"]]

    def page(allowed):
        return REDIRECT if needs is None else (OK if needs in allowed else FORBIDDEN)

    return (ADMIN_LOGIN, ADMIN_LOGIN, page(staff), page(staff), page(forensic), page(superuser))


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^()]*\)")


def concrete_path(route, key, values):
    """The route with each parameter replaced by a real value (an existing object's id)."""
    model = admin_model(route)
    given = values["admin_models"][model] if model is not None else values.get(key, {})
    path = PARAMETER.sub(lambda match: str(given[match[1] or match[2]]), route)
    return "/" + path.replace("^", "").replace("$", "")


def outcome(response):
    """The response as one of the table's outcomes."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/accounts/login/?next="):
            return LOGIN
        return ADMIN_LOGIN if location.startswith("/admin/login/?next=") else REDIRECT
    return str(response.status_code)


def demo_users():
    """The demo's accounts (seed_demo), keyed by role: same groups and admin flags."""
    users = {}
    for username, _password, group, is_staff, is_superuser, _shown in DEMO_USERS:
        users[username] = UserFactory(
            username=username,
            is_staff=is_staff,
            is_superuser=is_superuser,
            groups=[group] if group else None,
        )
    return users


def login_records():
    """One row of each django-axes log, so their admin pages have an object to open."""
    when = timezone.now()
    row = {"ip_address": "192.0.2.1", "username": "guesser", "user_agent": "test", "path_info": "/"}
    AccessAttempt.objects.create(**row, attempt_time=when, failures_since_start=1)
    AccessLog.objects.create(**row, attempt_time=when)
    AccessFailureLog.objects.create(**row, attempt_time=when)


@pytest.fixture
def access_data(db, settings, tmp_path):
    """A small ledger with one object of every kind a URL can name; the role accounts."""
    settings.RELEASES_DIR = tmp_path / "releases"
    users = demo_users()
    conflict = ConflictFactory(slug="sept-2022")
    arm, aze = PartyFactory(code="ARM"), PartyFactory(code="AZE")
    statement = StatementFactory(conflict=conflict, source=SourceFactory(party=arm))
    FigureFactory(statement=statement, subject_party=arm)
    person = PersonFactory(conflict=conflict, party=arm)
    agreement = AgreementFactory(conflict=conflict, party_a=arm, party_b=aze)
    sides = {"conflict": conflict, "from_party": aze, "to_party": arm, "entered_by": users["clerk"]}
    verified = HandoverFactory(
        **sides,
        state=HandoverState.VERIFIED,
        verified_by=users["verifier"],
        verified_at=timezone.now(),
        date=datetime.date(2022, 9, 17),
    )
    remains = RemainsFactory(handover=verified)
    draft = HandoverFactory(**sides)
    proposal = forensic_records(users["forensic"], verified, person)
    login_records()
    AuthToken.objects.create(users["journalist"])
    TOTPDevice.objects.create(user=users["admin"], name="phone")
    alias = PersonAlias.objects.create(person=person, name="Alias", created_by=users["clerk"])
    # Two public names: the public sees only such merges (a hidden one answers it 404).
    Person.objects.filter(pk=person.pk).update(name_public=True)
    PersonMerge.objects.create(
        merged_id=person.pk + 1000, person=person, merged_name="Merged", merged_name_public=True
    )
    upload = PersonImport.objects.create(
        created_by=users["clerk"],
        conflict=conflict,
        party=arm,
        file_name="persons.csv",
        rejects_csv="line,full_name,error\n3,,full_name: required\n",
    )
    procrastinate_app.configure_task("casualties.person_import").defer(job_id=upload.pk)
    # An upload whose header is not all ours waits for its columns to be mapped.
    mapping = PersonImport.objects.create(
        created_by=users["clerk"],
        conflict=conflict,
        party=arm,
        file_name="theirs.csv",
        state=PersonImport.State.MAPPING,
        column_map=[["Name", "full_name"], ["Notes", ""]],
    )
    release_publish()
    objects = {"person": person, "statement": statement, "agreement": agreement}
    objects |= {"verified": verified, "draft": draft, "alias": alias, "upload": upload}
    objects |= {"mapping": mapping, "remains": remains, "proposal": proposal}
    return {"users": users, "values": url_values(**objects)}


def forensic_records(forensic, handover, person):
    """One record of each identification kind, on other remains of ``handover`` (the first
    ones stay unidentified, as remains that can be returned); the pending proposal."""
    body = RemainsFactory(handover=handover)
    PostMortemFactory(remains=body)
    AnteMortemFactory(person=person)
    SampleFactory(remains=body)
    DnaMatchReportFactory(remains=body, person=person)
    AftercareFactory(remains=body)
    am_access_record(user=forensic, person_ids=[person.pk], path="/identification/")
    return proposal_create(remains=body, person=person, evidence=["dental"], user=forensic)


def url_values(
    person, statement, agreement, verified, draft, alias, upload, mapping, remains, proposal
):
    """Parameter values per URL key; an admin model's pages open its first object."""
    ledger = {"conflict_slug": "sept-2022", "party_code": "ARM"}
    identification = {
        "identification:remains": {"pk": proposal.remains_id},
        "identification:aftercare": {"pk": proposal.remains_id},
        "identification:proposal": {"pk": proposal.pk},
        "api:identification-candidates": {"remains_pk": proposal.remains_id},
        "api:proposal-detail": {"pk": proposal.pk},
        "api:proposal-confirm": {"pk": proposal.pk},
        "api:proposal-reject": {"pk": proposal.pk},
    }
    for key in ("postmortem", "antemortem", "sample", "dnamatchreport"):
        model = admin_model(f"admin/identification/{key}/")
        identification[f"api:{key}-detail"] = {"pk": first_pk(model)}
    return identification | {
        "repatriation:ledger_detail": ledger,
        "repatriation:ledger_chart": ledger,
        "repatriation:ledger_handover": {**ledger, "pk": verified.pk},
        "api:ledger-detail": ledger,
        "api:ledger-timeline": ledger,
        "repatriation:release_detail": {"number": 1},
        "repatriation:release_file": {"number": 1, "name": "persons.json"},
        "repatriation:handover_detail": {"pk": verified.pk},
        "repatriation:handover_verify": {"pk": draft.pk},
        "repatriation:handover_edit": {"pk": draft.pk},
        "repatriation:agreement_detail": {"pk": agreement.pk},
        "casualties:person_detail": {"pk": person.pk},
        "casualties:person_edit": {"pk": person.pk},
        "casualties:person_status": {"pk": person.pk},
        "casualties:statement_edit": {"pk": statement.pk},
        "casualties:reference_new": {"kind": "parties"},
        "casualties:reference_edit": {"kind": "sources", "pk": statement.source_id},
        "casualties:person_import_detail": {"pk": upload.pk},
        "casualties:person_import_status": {"pk": upload.pk},
        "casualties:person_import_rejects": {"pk": upload.pk},
        "casualties:person_import_columns": {"pk": mapping.pk},
        "casualties:person_import_run": {"pk": upload.pk},
        "casualties:alias_add": {"pk": person.pk},
        "casualties:alias_remove": {"pk": person.pk, "alias_pk": alias.pk},
        "api:conflict-detail": {"slug": "sept-2022"},
        "api:party-detail": {"code": "ARM"},
        "api:source-detail": {"pk": statement.source_id},
        "api:statement-detail": {"pk": statement.pk},
        "api:person-detail": {"pk": person.pk},
        "api:person-status-history": {"pk": person.pk},
        "api:personmerge-detail": {"merged_id": person.pk + 1000},
        "api:agreement-detail": {"pk": agreement.pk},
        "api:handover-detail": {"pk": verified.pk},
        "api:handover-verify": {"pk": draft.pk},
        "api:handover-claims": {"pk": verified.pk},
        "api:handover-remains-return": {"pk": verified.pk, "rid": remains.pk},
        "repatriation:handover_claim": {"pk": verified.pk},
        "repatriation:remains_return": {"pk": verified.pk, "rid": remains.pk},
        "admin:app_list": {"app_label": "casualties"},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(Person).pk,
            "object_id": person.pk,
        },
        "admin/(?P<url>.*)$": {"url": "no-such-page/"},
        "admin_models": {
            model: {"object_id": first_pk(model), "id": first_pk(model)}
            for model in admin.site._registry
        },
    }


def first_pk(model):
    # The audit trail's aggregate of every event table lists rows only when told what tracks.
    if model is Events:
        obj = Events.objects.tracks(Person.objects.first()).first()
    else:
        obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the access test needs one {model.__name__} for its admin pages"
    return obj.pk


def role_client(role, users):
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        return client
    client.force_login(users[role])
    if role == "journalist":
        _token, key = AuthToken.objects.create(users[role])
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def test_every_url_pattern_has_a_row_in_the_access_table():
    patterns = list(url_patterns())
    missing = [f"{key}  ({route})" for route, key in patterns if not expected_access(route, key)]
    stale = set(ACCESS) - {key for _route, key in patterns}
    stale |= set(ADMIN_MODELS) - {model._meta.label_lower for model in admin.site._registry}

    assert not missing, "URL patterns with no row in the access table:\n" + "\n".join(missing)
    assert not stale, f"rows for URL patterns that no longer exist: {sorted(stale)}"


def test_every_url_answers_each_role_as_the_access_table_says(access_data):
    clients = {role: role_client(role, access_data["users"]) for role in ROLES}
    mismatches, server_errors = [], []
    for route, key in url_patterns():
        path = concrete_path(route, key, access_data["values"])
        assert resolve(path).route.replace("^", "") == route.replace("^", ""), (key, path)
        for role, expected in zip(ROLES, expected_access(route, key), strict=True):
            got = outcome(clients[role].get(path))
            if got.startswith("5"):
                server_errors.append(f"{path} as {role}: {got}")
            if got != expected:
                mismatches.append(f"{key}  GET {path}  as {role}: expected {expected}, got {got}")

    assert not server_errors, "server errors:\n" + "\n".join(server_errors)
    assert not mismatches, "access differs from the table:\n" + "\n".join(mismatches)


def test_in_the_admin_a_clerk_deletes_drafts_only(client, access_data):
    """The rule behind the handover and remains rows of ADMIN_MODELS."""
    draft = HandoverFactory(entered_by=access_data["users"]["clerk"])
    draft_remains = RemainsFactory(handover=draft)
    verified = Handover.objects.get(state=HandoverState.VERIFIED)
    client.force_login(access_data["users"]["clerk"])

    pages = {
        f"/admin/repatriation/handover/{draft.pk}/delete/": 200,
        f"/admin/repatriation/remains/{draft_remains.pk}/delete/": 200,
        f"/admin/repatriation/handover/{verified.pk}/delete/": 403,
    }
    assert {url: client.get(url).status_code for url in pages} == pages
    response = client.post(f"/admin/repatriation/handover/{verified.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Handover.objects.filter(pk=verified.pk).exists()
