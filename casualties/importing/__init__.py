"""Bulk import of person lists (CSV): checking in Python, loading with COPY and set-based SQL."""
