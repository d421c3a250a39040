"""Caps on the lists one request may hold, the plausible-dates margin, and the smallest count
of persons shown to the public (DESIGN §3, §4, §6)."""

import os

# Lists in one request are capped (DESIGN §6): a handover's remains and a statement's figures
# beyond these are refused with a 400 naming the cap, before any row is checked.
MAX_REMAINS_PER_HANDOVER = int(os.environ.get("MAX_REMAINS_PER_HANDOVER", "5000"))
MAX_FIGURES_PER_STATEMENT = int(os.environ.get("MAX_FIGURES_PER_STATEMENT", "200"))
# The batch form posts about ten fields per row: a full batch must get through Django's limits
# (beyond them the answer is a 400 too).
DATA_UPLOAD_MAX_NUMBER_FIELDS = MAX_REMAINS_PER_HANDOVER * 12 + 1000
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REMAINS_PER_HANDOVER * 2048 + 2_621_440
# Plausible dates (DESIGN §3): how many days before its conflict's start a handover, a status
# change or a statement's as_of may be dated (fighting and first reports may precede it).
DATE_MARGIN_DAYS = int(os.environ.get("DATE_MARGIN_DAYS", "30"))
# Public counts of persons below this show as "<5" (DESIGN §4: disclosure control).
PUBLIC_MIN_CELL = int(os.environ.get("PUBLIC_MIN_CELL", "5"))

# A DNA match report is a primary identifier from this likelihood ratio up (DESIGN §9). A million
# keeps the posterior above 99.9% even against a prior of one among a thousand missing persons.
DNA_LR_THRESHOLD = float(os.environ.get("DNA_LR_THRESHOLD", "1e6"))
