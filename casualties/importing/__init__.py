"""Bulk imports: person lists (``persons``) and statement series (``statements``), which
report their rows in one vocabulary (``common``)."""
