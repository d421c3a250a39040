"""Latin transliteration of names, used when a clerk leaves ``name_latin`` blank.

anyascii handles every script; but Hebrew and Arabic are written without vowels, so their
transliteration is a row of consonants (הדר גולדין → "hdr gvldyn") that nobody searches for:
no Latin name is derived from them (DESIGN §3), and a search key keeps their words in their own
script, found by the same script or through aliases. A small pre-pass makes Armenian come out
the way Armenian names are usually spelt in Latin letters (Արթուր → Artur, not Art'owr).
"""

import functools
import re

from anyascii import anyascii

from casualties.search.russian import russian_latin_keys

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


# Hebrew (with its presentation forms) and Arabic (with its supplements and presentation forms).
_HEBREW = "\u0590-\u05ff\ufb1d-\ufb4f"
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_UNVOCALISED = re.compile(f"[{_HEBREW}{_ARABIC}]")


def to_latin(name: str) -> str:
    """``name`` in Latin letters, leaving out words in Hebrew or Arabic script."""
    # Lists repeat the same given names and surnames thousands of times (an import of 200,000
    # rows): each word is transliterated once. The rules never look past a word's edges, so
    # the joined words equal the whole name's transliteration.
    return " ".join(filter(None, map(_word_to_latin, name.split())))


def _transliterate(name: str) -> str:
    if _UNVOCALISED.search(name):
        return ""
    for armenian, latin in _ARMENIAN_PAIRS:
        name = name.replace(armenian, latin)
    name = _INITIAL_VO.sub(lambda m: "Vo" if m.group(1) == "Ո" else "vo", name)
    return " ".join(anyascii(name).replace("'", "").split())


# The length of the search key columns (Person, PersonAlias).
KEY_LENGTH = 500

_word_to_latin = functools.lru_cache(maxsize=100_000)(_transliterate)


def query_key(text: str) -> str:
    """A search typed by a user, as the words it compares: ``text`` in Latin letters, lower-case
    (no Russian forms: each word typed must match as typed)."""
    return " ".join(filter(None, map(_key_word, (text or "").split())))


@functools.lru_cache(maxsize=100_000)
def _key_word(word: str) -> str:
    # A word in a script without vowels stays as written (lower-case where it has case).
    return (word if _UNVOCALISED.search(word) else _word_to_latin(word)).lower()


def search_key(*names: str) -> str:
    """The text a name search compares against: each name in Latin letters, lower-case, and
    each spelling once (Սարգսյան, Саргсян and Sargsyan all give "sargsyan"); then, after
    them, the conventional Russian forms of the Armenian words in Latin letters (Հակոբյան
    adds "akopyan", see ``casualties.search.russian``), so that a search in those forms finds
    the name. The names' own words come first: duplicate detection reads the given name and
    surname from them."""
    keys = []
    for name in names:
        key = query_key(name)
        if key and key not in keys:
            keys.append(key)
    key = " ".join(keys)
    words = set(key.split())
    for name in names:
        for form in (form for word in (name or "").split() for form in russian_latin_keys(word)):
            # The forms are a help to searches: they give way where the column would overflow.
            if form not in words and len(key) + 1 + len(form) <= KEY_LENGTH:
                key, words = f"{key} {form}", words | {form}
    return key
