"""Which tier a caller is in (DESIGN §5): staff see restricted fields, the public does not."""

# The groups of DESIGN §5 (accounts.roles gives them their permissions).
CLERK, VERIFIER, JOURNALIST = "clerk", "verifier", "journalist"
# As clerk; also conflicts, parties and sources (DESIGN §5).
COORDINATOR = "coordinator"
# As clerk (read only); also post-mortem, ante-mortem, samples and the identification board
# (DESIGN §5, §9).
FORENSIC = "forensic"


def is_staff(user) -> bool:
    """Clerks, verifiers, coordinators, forensic coordinators and admins. Anonymous callers
    and journalists are the public."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # groups are cached on the user object for the request by the first call
    if not hasattr(user, "_ledger_groups"):
        user._ledger_groups = set(user.groups.values_list("name", flat=True))
    return bool(user._ledger_groups & {CLERK, VERIFIER, COORDINATOR, FORENSIC})


def is_forensic(user) -> bool:
    """Forensic coordinators and admins: the only ones who see AM/PM data (DESIGN §5)."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or (is_staff(user) and FORENSIC in user._ledger_groups)


def is_coordinator(user) -> bool:
    """Coordinators and admins: they also set up conflicts, parties and sources (DESIGN §5)."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or (is_staff(user) and COORDINATOR in user._ledger_groups)
