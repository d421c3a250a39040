"""Which word of a name is the surname.

Lists write Armenian names in several orders ("given surname patronymic", "given patronymic
surname", and official lists often "surname given patronymic"), so a word's position does not
say what it is, and no list we import has a separate surname column. The word's form does:
Armenian surnames end in a patronymic suffix (-յան/-եան, in Latin -yan/-ian, the old plural
-ենց/-ունց, -ents/-unts), which given names and patronymics (-ի, "Armeni") do not carry. A
name word (a search-key word, Latin and lower-case) with one of these endings is taken for a
surname; the few surnames without one (Bagratuni, Russified -ov) are then treated like any
other word, which only forgoes their place above given-name matches.
"""

SURNAME_ENDINGS = ("yan", "ian", "yants", "iants", "ents", "unts", "ants")
# The same test in PostgreSQL's regular expressions, for SQL that reads search keys.
SURNAME_PATTERN = "(" + "|".join(SURNAME_ENDINGS) + ")$"
# A word shorter than this is not told a surname by its ending ("yan" alone is not a name).
MIN_SURNAME = 5


def is_surname(word: str) -> bool:
    return len(word) >= MIN_SURNAME and word.endswith(SURNAME_ENDINGS)
