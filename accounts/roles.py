"""The groups of DESIGN §5 and their model permissions, kept in step after every migrate.

Models are looked up when the groups are set up, not imported: the app config connects
``ensure_roles`` before the models are ready."""

from django.apps import apps

from core.tiers import CLERK, COORDINATOR, FORENSIC, JOURNALIST, VERIFIER

# What a clerk may add and change (DESIGN §5: drafts, persons, status changes, statements).
CLERK_WRITES = {
    "casualties": ["person", "statuschange", "statement", "figure"],
    "repatriation": ["handover", "remains", "releasedperson", "agreement"],
}
# What a coordinator sets up besides (DESIGN §5): what the evidence refers to.
REFERENCE_DATA = {"casualties": ["conflict", "party", "source"]}
# What a forensic coordinator reads and writes besides what every staff member reads (DESIGN §5,
# §9); the log of who read AM records is for admins only.
FORENSIC_RECORDS = {
    "identification": [
        "postmortem",
        "antemortem",
        "sample",
        "dnamatchreport",
        "proposal",
        "aftercare",
    ]
}
VIEWABLE = {
    "casualties": ["conflict", "party", "source", "statement", "figure", "person", "statuschange"],
    "repatriation": ["agreement", "handover", "remains", "releasedperson"],
}


def _codenames(models_by_app, actions):
    return [
        (app, f"{action}_{model}")
        for app, models in models_by_app.items()
        for model in models
        for action in actions
    ]


def _permissions(pairs):
    wanted = set(pairs)
    found = (
        apps.get_model("auth", "Permission")
        .objects.filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={codename for _, codename in wanted},
        )
        .select_related("content_type")
    )
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def role_permissions():
    """Permission (app_label, codename) pairs for each group."""
    clerk = _codenames(VIEWABLE, ["view"]) + _codenames(CLERK_WRITES, ["add", "change"])
    # A clerk may discard a draft handover (and its remains) but not other records.
    clerk += [("repatriation", "delete_handover"), ("repatriation", "delete_remains")]
    verifier = clerk + [("repatriation", "verify_handover")]
    coordinator = clerk + _codenames(REFERENCE_DATA, ["add", "change"])
    forensic = _codenames(VIEWABLE, ["view"]) + _codenames(
        FORENSIC_RECORDS, ["view", "add", "change"]
    )
    # Journalists read the public API; they hold no model permission and no staff page.
    return {
        CLERK: clerk,
        VERIFIER: verifier,
        COORDINATOR: coordinator,
        FORENSIC: forensic,
        JOURNALIST: [],
    }


def ensure_roles(sender=None, **kwargs):
    """Create the groups and set exactly their permissions (idempotent)."""
    if sender is not None and sender.name != "identification":
        return  # run once per migrate, after the last of our apps has its permissions
    for name, pairs in role_permissions().items():
        group, _created = apps.get_model("auth", "Group").objects.get_or_create(name=name)
        group.permissions.set(_permissions(pairs))
