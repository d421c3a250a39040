"""DRF's JSON parser, refusing with a 400 the bodies that would otherwise end in a 500.

- Nesting deeper than the interpreter's stack (``"[" * 100000``) raises RecursionError, which
  DRF's parser lets through.
- A lone UTF-16 surrogate written as an escape (``"\\ud800"``) parses into a string no database
  can store: it would fail when the row is written.
"""

import io
import json
import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read() if stream is not None else b""
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - nested too deeply.") from error
        # Only a body that escapes a surrogate at all pays for the check (pairs are fine).
        if SURROGATE_ESCAPE.search(body):
            try:
                json.dumps(data, ensure_ascii=False).encode()
            except UnicodeEncodeError as error:
                raise ParseError("JSON parse error - a lone surrogate is no character.") from error
        return data
