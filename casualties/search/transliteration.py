"""Latin transliteration of names, used when a clerk leaves ``name_latin`` blank.

anyascii handles every script; a small pre-pass makes Armenian come out the way Armenian
names are usually spelt in Latin letters (Արթուր → Artur, not Art'owr).
"""

import functools
import re

from anyascii import anyascii

_ARMENIAN_PAIRS = [
    ("ՈՒ", "U"),
    ("Ու", "U"),
    ("ու", "u"),
    ("և", "ev"),
    ("Ռ", "R"),
    ("ռ", "r"),
]
# Ո at the start of a word is pronounced "vo" (Ոսկանյան → Voskanyan).
_INITIAL_VO = re.compile(r"(?<![\w\u0531-\u0587])([Ոո])")


def to_latin(name: str) -> str:
    # Lists repeat the same given names and surnames thousands of times (an import of 200,000
    # rows): each word is transliterated once. The rules never look past a word's edges, so
    # the joined words equal the whole name's transliteration.
    return " ".join(filter(None, map(_word_to_latin, name.split())))


def _transliterate(name: str) -> str:
    for armenian, latin in _ARMENIAN_PAIRS:
        name = name.replace(armenian, latin)
    name = _INITIAL_VO.sub(lambda m: "Vo" if m.group(1) == "Ո" else "vo", name)
    return " ".join(anyascii(name).replace("'", "").split())


_word_to_latin = functools.lru_cache(maxsize=100_000)(_transliterate)


def search_key(*names: str) -> str:
    """The text a name search compares against: each name in Latin letters, lower-case, and
    each spelling once (Սարգսյան, Саргсян and Sargsyan all give "sargsyan")."""
    keys = []
    for name in names:
        key = to_latin(name or "").lower()
        if key and key not in keys:
            keys.append(key)
    return " ".join(keys)
