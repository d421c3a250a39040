"""The words a source uses for how exact its figure is, and the qualifier each one means.

One table for every import and its error message. Sources write "about 300", "more than 300",
"≥ 300" or "около 300"; we keep three qualifiers (DESIGN §3). "More than N" and "over N" are read
as a lower bound, the nearest of the three (N itself is then a little low, never too high).
Words are compared lower-cased, with ``_`` read as a space and runs of spaces as one.
"""

from django.utils.translation import gettext_lazy as _

from casualties.choices import Qualifier

QUALIFIER_SYNONYMS: dict[str, tuple[str, ...]] = {
    Qualifier.EXACT: ("exact", "exactly", "=", "точно", "ровно", "ճշգրիտ", "ուղիղ"),
    Qualifier.APPROXIMATELY: (
        "approximately",
        "approx",
        "approx.",
        "about",
        "around",
        "circa",
        "ca.",
        "~",
        "≈",
        "около",
        "примерно",
        "приблизительно",
        "порядка",
        "մոտ",
        "մոտավորապես",
        "շուրջ",
    ),
    Qualifier.AT_LEAST: (
        "at least",
        "more",
        "more than",
        "over",
        "≥",
        ">=",
        ">",
        "+",
        "не менее",
        "более",
        "больше",
        "свыше",
        "առնվազն",
        "ավելի քան",
        "ավելի",
    ),
}

UNKNOWN_QUALIFIER = _("“%(value)s” is not a qualifier. Use one of: %(choices)s.")


def _word(text: str) -> str:
    return " ".join(str(text).lower().replace("_", " ").split())


# A blank cell is exact, as is the model's own value and label of each qualifier.
QUALIFIER_WORDS: dict[str, str] = {"": Qualifier.EXACT}
for _qualifier, _words in QUALIFIER_SYNONYMS.items():
    for _text in (*_words, _qualifier.value, str(_qualifier.label)):
        QUALIFIER_WORDS[_word(_text)] = _qualifier.value


def qualifier_choices() -> str:
    """For the error: each qualifier with the words that mean it."""
    return "; ".join(
        f"{qualifier.value} ({', '.join(words)})" for qualifier, words in QUALIFIER_SYNONYMS.items()
    )


def qualifier_of(text: str) -> str | None:
    """The qualifier a word means, or None."""
    return QUALIFIER_WORDS.get(_word(text))
