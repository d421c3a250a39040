"""The conventional Russian spelling of Armenian name words, and its Latin twin.

Russian-language media, Soviet-era documents and the Russian-issued passports many Armenians
held do not follow the Armenian letters: Հակոբյան is Акопян (Akopyan), not Акобян. The forms
come from the Russian practical transcription of Armenian names as used in Soviet and Russian
reference works and passport offices (it reflects the older, Western-tinged pronunciation of
the names the Russian forms were fixed from). Its rules, as applied here to one word:

- an initial Հ before a vowel is dropped (Հակոբյան → Акопян, Հարությունյան → Арутюнян);
  elsewhere Հ is Г (Մհեր → Мгер);
- Ով followed by Հ is О with the Հ as Г, or Ов with the Հ dropped: the two forms of the name
  Hovhannes (Оганес, Ованес), and the surname's Ննի is written Не (Հովհաննիսյան → Оганесян,
  Ованесян);
- Ղ is Г, or opening a word Г or К, both in use (Ղազարյան → Газарян, Казарян);
- a voiced stop closing the root, before the suffix -յան or at the end of the word, is
  devoiced: Բ → П, Գ → К, Դ → Т (Հակոբյան → Акопян, Գևորգյան → Геворкян, Ավագյան → Авакян);
- Ո opening a word is Во, Ե opening a word Е; յա, յու after a consonant are я, ю; other
  letters take their usual Russian value.

The Latin twin is the Russian form in Latin letters as Russian passports wrote it (Akopyan,
Oganesyan); an initial Е is also given as Ye (Егиазарян → Egiazaryan, Yegiazaryan).
"""

import functools
import itertools

from anyascii import anyascii

_VOWELS = set("աեէըիոօու")
_LETTERS = {
    "ա": "а", "բ": "б", "գ": "г", "դ": "д", "ե": "е", "զ": "з", "է": "э", "ը": "ы",
    "թ": "т", "ժ": "ж", "ի": "и", "լ": "л", "խ": "х", "ծ": "ц", "կ": "к", "հ": "г",
    "ձ": "дз", "ղ": "г", "ճ": "ч", "մ": "м", "յ": "й", "ն": "н", "շ": "ш", "ո": "о",
    "չ": "ч", "պ": "п", "ջ": "дж", "ռ": "р", "ս": "с", "վ": "в", "տ": "т", "ր": "р",
    "ց": "ц", "ւ": "в", "փ": "п", "ք": "к", "օ": "о", "ֆ": "ф", "և": "ев",
}  # fmt: skip
_DEVOICED = {"բ": "п", "գ": "к", "դ": "т"}
# Alternatives: each gives the forms in use (Ղազարյան: Газарян and Казарян).
_CHOICES = {"ղ": ("г", "к")}
# The root of Hovhannes, spelt by the convention as a whole (see the module's docstring).
_HOVHANNES = {"ովհաննիս": ("оганес", "ованес"), "ովհաննես": ("оганес", "ованес")}
_SUFFIX = "յան"
# Bounds the forms of a word with several alternatives (two Ղ and the Hovhannes root).
MAX_FORMS = 4


def is_armenian(word: str) -> bool:
    return any("\u0531" <= char <= "\u0587" for char in word)


def _pieces(word: str) -> list[tuple[str, ...]]:
    """The word as a sequence of alternatives: each a tuple of the Russian spellings of one
    letter or letter group, in order."""
    pieces: list[tuple[str, ...]] = []
    initial = True
    if word.startswith("հ") and len(word) > 1 and word[1] in _VOWELS:
        word, initial = word[1:], False
    i = 0
    while i < len(word):
        char, rest = word[i], word[i:]
        previous = word[i - 1] if i else ""
        root = next((root for root in _HOVHANNES if rest.startswith(root)), None)
        if root:
            pieces.append(_HOVHANNES[root])
            i += len(root)
            continue
        if rest.startswith("ու"):
            pieces.append(("ю" if previous == "յ" else "у",))
            i += 2
            continue
        if char == "յ" and rest[1:].startswith(("ա", "ու")):
            pieces.append(("",))  # the next vowel carries it: я, ю
        elif char == "ա" and previous == "յ":
            pieces.append(("я",))
        elif char in _DEVOICED and (rest[1:] == "" or rest[1:].startswith(_SUFFIX)):
            pieces.append((_DEVOICED[char],))
        elif char == "ո" and not previous and initial:
            pieces.append(("во",))
        else:
            # К for Ղ only opening a word (Казарян); inside one it is Г (Егиазарян).
            choices = _CHOICES.get(char) if not previous else None
            pieces.append(choices or (_LETTERS.get(char, char),))
        i += 1
    return pieces


@functools.lru_cache(maxsize=100_000)
def russian_forms(word: str) -> tuple[str, ...]:
    """The conventional Russian spellings of one Armenian name word, capitalised
    (Հովհաննիսյան → Оганесян, Ованесян); nothing for a word in another script."""
    if not is_armenian(word):
        return ()
    forms = []
    for letters in itertools.islice(itertools.product(*_pieces(word.lower())), MAX_FORMS):
        form = "".join(letters).capitalize()
        if form and form not in forms:
            forms.append(form)
    return tuple(forms)


@functools.lru_cache(maxsize=100_000)
def russian_latin_keys(word: str) -> tuple[str, ...]:
    """Search-key words (Latin, lower-case) of the Russian forms of an Armenian word: what a
    search typed in those Russian forms, or in their passport Latin, is keyed as."""
    keys: list[str] = []
    for form in russian_forms(word):
        latin = anyascii(form).lower()
        for key in (latin, "y" + latin if form.startswith("Е") else ""):
            if key and key not in keys:
                keys.append(key)
    return tuple(keys)
