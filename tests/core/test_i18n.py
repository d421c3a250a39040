"""Armenian and Russian: the project's own strings are translated, completely,
and Armenian dates use the formats in config/formats/hy (Django has none)."""

import ast
import datetime
import gettext
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import formats, translation
from django.utils.formats import reset_format_cache

LEDGER = "/ledger/sept-2022/ARM/"
LOCALE = Path(settings.BASE_DIR) / "locale"

# A few labels of the ledger page, as this project's catalogues translate them.
LABELS = {
    "en": ["Casualty & Repatriation Ledger", "Official figures", "Discrepancies"],
    "hy": [
        "Կորուստների և հայրենադարձության մատյան",
        "Պաշտոնական թվեր",
        "Անհամապատասխանություններ",
    ],
    "ru": ["Реестр потерь и репатриации", "Официальные показатели", "Расхождения"],
}


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """A request in Armenian leaves Armenian active in this thread (LocaleMiddleware
    does not deactivate it): restore the default so later tests read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def hy_formats():
    """FORMAT_MODULE_PATH as settings should have it. Django's test signals do not
    reset the format caches when this setting changes, so reset them here."""
    with override_settings(FORMAT_MODULE_PATH=["config.formats"]):
        reset_format_cache()
        yield
    reset_format_cache()


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--force", stdout=StringIO())


def assert_in_language(response, lang):
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    for label in LABELS[lang]:
        assert label in html, (lang, label)
    for other, labels in LABELS.items():
        if other != lang:
            for label in labels:
                assert label not in html, (lang, label)


def test_the_ledger_is_in_english_by_default(client, demo):
    assert_in_language(client.get(LEDGER), "en")


@pytest.mark.parametrize("lang", ["hy", "ru"])
def test_the_ledger_follows_accept_language(client, demo, lang):
    assert_in_language(client.get(LEDGER, HTTP_ACCEPT_LANGUAGE=lang), lang)


@pytest.mark.parametrize("lang", ["hy", "ru"])
def test_the_ledger_follows_the_language_cookie(client, demo, lang):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    assert_in_language(client.get(LEDGER, HTTP_ACCEPT_LANGUAGE="en"), lang)


@pytest.mark.parametrize("lang", ["hy", "ru"])
def test_the_language_switcher_sets_the_language(client, demo, lang):
    response = client.post("/i18n/setlang/", {"language": lang, "next": LEDGER})
    assert response.status_code == 302
    assert response.headers["Location"] == LEDGER
    assert_in_language(client.get(LEDGER), lang)


def test_armenian_ledger_dates_use_the_armenian_format(client, demo, hy_formats):
    html = client.get(LEDGER, HTTP_ACCEPT_LANGUAGE="hy").content.decode()
    # "Y թ. E j" with the genitive month, e.g. "2022 թ. սեպտեմբերի 19".
    assert re.search(r"\b20\d\d թ\. [ա-ֆ]+ի \d{1,2}\b", html)


# --- the catalogues are complete -------------------------------------------

_TOKEN = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def parse_po(path):
    """A small .po reader: entries with their flags, context, ids and strings."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = _TOKEN.match(line)
        if match:
            field, text = match.group(1), ast.literal_eval(match.group(2))
        elif line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            raise AssertionError(f"{path}: cannot read {line!r}")
        if field.startswith("msgstr"):
            index = int(field[7:-1]) if "[" in field else 0
            entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
        else:
            entry[field] = entry.get(field, "") + text
    return entries


def plural_count(entries):
    header = next(e for e in entries if e["msgid"] == "" and "msgctxt" not in e)
    return int(re.search(r"nplurals=(\d+)", header["msgstr"][0]).group(1))


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.mark.parametrize("lang,nplurals", [("hy", 2), ("ru", 3)])
def test_every_string_is_translated_and_none_is_fuzzy(lang, nplurals):
    entries = parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")
    assert plural_count(entries) == nplurals
    messages = [e for e in entries if e["msgid"] and not e["obsolete"]]
    assert len(messages) > 400
    for e in messages:
        key = (e.get("msgctxt"), e["msgid"])
        assert "fuzzy" not in e["flags"], key
        forms = nplurals if "msgid_plural" in e else 1
        assert sorted(e["msgstr"]) == list(range(forms)), key
        source = e.get("msgid_plural", e["msgid"])
        for text in e["msgstr"].values():
            assert text.strip(), key
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), key


@pytest.mark.parametrize("lang", ["hy", "ru"])
def test_the_committed_mo_matches_the_po(lang):
    """The compiled catalogue is committed (no gettext needed to run) and current."""
    directory = LOCALE / lang / "LC_MESSAGES"
    with open(directory / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    for e in parse_po(directory / "django.po"):
        if not e["msgid"] or e["obsolete"]:
            continue
        msgid = e["msgid"]
        if "msgctxt" in e:
            msgid = f"{e['msgctxt']}\x04{msgid}"
        if "msgid_plural" in e:
            for index, text in e["msgstr"].items():
                assert catalog[(msgid, index)] == text, msgid
        else:
            assert catalog[msgid] == e["msgstr"][0], msgid


def test_key_strings_differ_from_english():
    with translation.override("hy"):
        hy = translation.gettext("Killed or missing")
    with translation.override("ru"):
        ru = translation.gettext("Killed or missing")
    assert hy == "Զոհված կամ անհետ կորած"
    assert ru == "Погибшие или пропавшие без вести"


def test_russian_plurals_have_three_forms():
    with translation.override("ru"):
        words = [
            translation.ngettext("%(counter)s handover", "%(counter)s handovers", n)
            % {"counter": n}
            for n in (1, 3, 5, 21, 11)
        ]
    assert words == [
        "1 передача",
        "3 передачи",
        "5 передач",
        "21 передача",
        "11 передач",
    ]


# --- Armenian formats -------------------------------------------------------


def test_armenian_dates_use_the_project_formats(hy_formats):
    day = datetime.date(2022, 9, 19)
    with translation.override("hy"):
        assert formats.date_format(day, "DATE_FORMAT") == "2022 թ. սեպտեմբերի 19"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "19.09.2022"
        assert formats.date_format(day, "YEAR_MONTH_FORMAT") == "Սեպտեմբեր 2022 թ."
        moment = datetime.datetime(2022, 9, 19, 14, 5, tzinfo=datetime.UTC)
        assert formats.date_format(moment, "DATETIME_FORMAT") == ("2022 թ. սեպտեմբերի 19, 14:05")
        assert formats.time_format(moment, "TIME_FORMAT") == "14:05"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1
        assert formats.number_format(1234567.5, 1, force_grouping=True) == ("1\xa0234\xa0567,5")
        assert "%Y-%m-%d" in formats.get_format("DATE_INPUT_FORMATS")
        assert "%d.%m.%Y" in formats.get_format("DATE_INPUT_FORMATS")


def test_an_armenian_form_accepts_both_date_spellings(hy_formats):
    from django import forms

    class DayForm(forms.Form):
        day = forms.DateField()

    with translation.override("hy"):
        for typed in ("2022-09-19", "19.09.2022"):
            form = DayForm({"day": typed})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["day"] == datetime.date(2022, 9, 19)
