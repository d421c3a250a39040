"""Checks on rendered staff pages."""

import re

FIELD_ID = re.compile(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"')
LABEL_FOR = re.compile(r'<label[^>]*\bfor="([^"]+)"')


def unlabelled_fields(body: str) -> list[str]:
    """The ids of visible form fields that no ``<label for=…>`` names."""
    labelled = set(LABEL_FOR.findall(body))
    return [field_id for field_id in FIELD_ID.findall(body) if field_id not in labelled]
