"""Admin for agreements, handovers and remains. New handovers are saved by ``handover_create``,
verification by ``handover_verify`` and identification by ``remains_identify``."""

from repatriation.admin import agreements, handovers, remains  # noqa: F401
