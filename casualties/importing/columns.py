"""The upload page's column mapping: which of our person columns a file's own header means.

Lists come with their authors' headers ("Name", "ФИО", "Date of birth", "Կոչում"): each header
cell is looked up, case and spacing aside, in one table of known synonyms, so the page offers a
mapping already filled in; the clerk corrects or confirms it. Unknown headers are offered as
"ignore". Our own column names map to themselves.
"""

import csv
import io

from casualties.importing.common import delimiter_of
from casualties.importing.person_rows import ALLOWED

SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "external id", "number", "no", "no.", "№", "list id", "номер"),
    "full_name": ("name", "full name", "native name", "фио", "имя", "ф.и.о.", "անուն",
                  "անուն ազգանուն", "שם", "שם מלא", "الاسم"),
    "name_latin": ("latin name", "name (latin)", "english name", "transliteration"),
    "rank": ("rank", "звание", "կոչում", "דרגה"),
    "unit": ("unit", "military unit", "часть", "в/ч", "զորամաս", "יחידה"),
    "home_region": ("region", "home region", "province", "регион", "область", "մարզ"),
    "status": ("status", "статус", "կարգավիճակ", "סטטוס"),
    "status_date": ("date", "status date", "дата", "ամսաթիվ", "תאריך"),
    "date_of_birth": ("dob", "date of birth", "birth date", "born", "дата рождения",
                      "ծննդյան ամսաթիվ", "תאריך לידה"),
    "service_number": ("service number", "service no", "personal number", "личный номер"),
    "is_civilian": ("civilian", "civilian?", "мирный житель", "քաղաքացիական"),
    "name_public": ("public", "publish name"),
    "next_of_kin": ("next of kin", "relative", "family contact"),
    "aliases": ("alias", "other spellings", "other names"),
}  # fmt: skip


def _word(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


KNOWN = {_word(name): name for name in ALLOWED}
KNOWN.update({_word(word): ours for ours, words in SYNONYMS.items() for word in words})


def header_of(data: bytes) -> list[str]:
    """The first line's cells of an upload (UTF-8, a BOM allowed); [] if unreadable."""
    first = data[:65536].decode("utf-8-sig", errors="replace").splitlines()[:1]
    try:
        if not first:
            return []
        cells = csv.reader(io.StringIO(first[0]), delimiter=delimiter_of(first[0]))
        return [cell.strip() for cell in next(cells)]
    except (csv.Error, StopIteration):
        return []


def suggest(header: list[str]) -> dict[str, str]:
    """Their column → ours ("" to ignore), each of ours used once (the first column wins)."""
    mapping, used = {}, set()
    for name in header:
        ours = KNOWN.get(_word(name), "")
        mapping[name] = "" if ours in used else ours
        used.add(ours)
    return mapping


def needs_mapping(header: list[str]) -> bool:
    """Whether the header names a column that is not ours (a rejects file's own aside)."""
    return any(name not in ALLOWED and name not in ("line", "reason") for name in header)
