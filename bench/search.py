"""Benchmark: name search (``q=``) over 200,000 persons. Prints figures; asserts nothing.

    .venv/bin/python bench/search.py [--skip-generate] [--persons 200000] [--repeat 5]

Generates the persons with ``manage.py generate_data`` into their own synthetic conflict
(``synthetic-search``: Armenian names for one party, Russian for the other, 10 % "Synthetic
Person n"; handovers and statements none), adds a few hundred aliases, then times realistic
searches by kind — surnames in Armenian, Cyrillic and Latin letters, full names, partial
names, misspellings, aliases, and a name nobody has — over every person in the database:

* ``API``: GET /api/v1/persons/?q=… through the whole Django stack (test client, DEBUG off,
  no network), anonymous, so the public rules apply; one page of 50 and its count, computed
  (the response cache, keyed by the data version, is emptied before each request);
* ``filterset``: the staff registry's queryset (PersonFilterSet, as a clerk) and its first
  page of 50 with the count (SearchPaginator, as the registry pages it), without rendering.

Target (issue 6): p95 ≤ 50 ms for a search over 200,000 persons.

``--forms`` instead measures, on the generated Armenian list of the tests
(``demo.armenian_list``, 3,000 persons, built in a transaction rolled back after), each
conventional Russian / passport spelling (issue 22): recall = share of the persons of that
Armenian surname found; precision = share of that surname among the first n results, n being
the number of such persons.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
# The benchmark sends hundreds of anonymous requests a minute; the throttle is not measured.
os.environ.setdefault("API_THROTTLE_ANON", "1000000/minute")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from casualties.filtersets import PersonFilterSet  # noqa: E402
from casualties.models import Conflict, Party, Person, PersonAlias  # noqa: E402
from casualties.search.names import person_search  # noqa: E402
from casualties.search.paging import SearchPaginator  # noqa: E402
from casualties.search.transliteration import search_key  # noqa: E402
from demo.armenian_list import armenian_list  # noqa: E402

SLUG = "synthetic-search"
URL = "/api/v1/persons/"
PAGE = 50
# Spellings a clerk would record as aliases: the Russian forms of Armenian surnames that no
# transliteration reaches, each given to persons of that surname (alias, surname key, count).
ALIASES = [
    ("Казарян", "ghazaryan", 300),
    ("Осканян", "voskanyan", 300),
    ("Мкртчян Оганес", "mkrtchyan", 300),
]
SEARCHES = {
    "surname, Armenian": ["Սարգսյան", "Պետրոսյան", "Ոսկանյան", "Ղազարյան"],
    "surname, Cyrillic": ["Саргсян", "Петросян", "Иванов", "Кузнецов"],
    "surname, Latin": ["Sargsyan", "Grigoryan", "Petrov", "Smirnov"],
    "full name": ["Aram Sargsyan", "Արամ Սարգսյան", "Иван Петров", "Tigran Mkrtchyan"],
    "partial name": ["sarg", "petros", "kuzne", "harutyun"],
    "misspelling": ["Sargsyn", "Grigorian", "Kuznetzov", "Mkrtchian"],
    "alias": ["Казарян", "Осканян", "Оганес"],
    "nobody": ["Hovhannisyan", "Smithson", "Quixote"],
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def add_aliases() -> int:
    """Replace the conflict's aliases with ``ALIASES`` (bulk: the data is invented)."""
    PersonAlias.objects.filter(person__conflict__slug=SLUG).delete()
    rows = []
    for name, surname, count in ALIASES:
        persons = Person.objects.filter(conflict__slug=SLUG, search_key__endswith=surname)
        for person_id in persons.order_by("id").values_list("id", flat=True)[:count]:
            rows.append(PersonAlias(person_id=person_id, name=name, search_key=search_key(name)))
    PersonAlias.objects.bulk_create(rows)
    return len(rows)


def time_api(client: Client, q: str, repeat: int) -> tuple[list[float], int]:
    """Milliseconds per request, computed: the API's response cache is emptied before each."""
    times, count = [], 0
    client.get(URL, {"q": q, "page_size": PAGE}, secure=True)  # warm PostgreSQL's buffers once
    for _ in range(repeat):
        cache.clear()
        start = time.perf_counter()
        response = client.get(URL, {"q": q, "page_size": PAGE}, secure=True)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:200]
        count = response.json()["count"]
    return times, count


def time_filterset(request, q: str, repeat: int) -> tuple[list[float], int]:
    times, count = [], 0
    persons = Person.objects.select_related("conflict", "party")
    for _ in range(repeat + 1):
        start = time.perf_counter()
        rows = PersonFilterSet({"q": q}, queryset=persons, request=request).qs
        page = SearchPaginator(rows, PAGE).page(1)
        list(page)
        count = page.paginator.count
        times.append((time.perf_counter() - start) * 1000)
    return times[1:], count


def report(label: str, times: list[float]) -> None:
    median, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"  {label:24s} {median:7.1f} / {p95:7.1f}")


FORMS = {
    "Оганесян": "Հովհաննիսյան", "Oganesyan": "Հովհաննիսյան", "Ованесян": "Հովհաննիսյան",
    "Акопян": "Հակոբյան", "Akopyan": "Հակոբյան", "Казарян": "Ղազարյան", "Kazaryan": "Ղազարյան",
    "Gevorkyan": "Գևորգյան", "Геворкян": "Գևորգյան", "Gevorgyan": "Գևորգյան",
    "Арутюнян": "Հարությունյան", "Arutyunyan": "Հարությունյան", "Sargsyan": "Սարգսյան",
}  # fmt: skip


def recall_and_precision() -> None:
    with transaction.atomic():
        scope = {
            "conflict": Conflict.objects.create(
                slug="bench-forms", name="Forms benchmark", start_date="2020-09-27"
            ),
            "party": Party.objects.create(code="BENCH-FORMS", name="Forms", kind="state"),
        }
        by_word = armenian_list(scope)["by_word"]
        print("form            persons  recall  precision in first n")
        for query, armenian in FORMS.items():
            expected = by_word[armenian]
            found = list(
                person_search(query).filter(conflict=scope["conflict"]).values_list("pk", flat=True)
            )
            recall = len(expected & set(found)) / len(expected)
            precision = len(expected & set(found[: len(expected)])) / len(expected)
            print(f"{query:15s} {len(expected):7d} {recall:7.0%} {precision:10.0%}")
        transaction.set_rollback(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-generate", action="store_true", help="reuse the existing data")
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5, help="requests per search string")
    parser.add_argument("--forms", action="store_true", help="recall/precision of the forms")
    args = parser.parse_args()
    if args.forms:
        recall_and_precision()
        return

    if not args.skip_generate:
        start = time.perf_counter()
        sizes = {"handovers": 0, "statements": 0, "remains_per_handover": 0}
        call_command(
            "generate_data", conflict=SLUG, persons=args.persons, replace=True, force=True, **sizes
        )
        print(f"generate_data: {time.perf_counter() - start:.1f} s")
    aliases = add_aliases()
    print(f"{Person.objects.count():,} persons in all, {aliases} aliases added")

    client = Client(HTTP_HOST="localhost")
    request = RequestFactory().get(URL)
    request.user = User(username="bench", is_superuser=True)  # staff: every name
    print(f"\n{args.repeat} runs per search string, {os.cpu_count()} cores; median / p95 in ms")
    every = {"API": [], "filterset": []}
    for kind, strings in SEARCHES.items():
        api, staff, counts = [], [], []
        for q in strings:
            times, count = time_api(client, q, args.repeat)
            api += times
            counts.append(count)
            staff += time_filterset(request, q, args.repeat)[0]
        every["API"] += api
        every["filterset"] += staff
        print(f"{kind} (public matches: {', '.join(f'{c:,}' for c in counts)})")
        report("API, anonymous", api)
        report("filterset, staff", staff)
    print("all searches")
    for label, times in every.items():
        report(label, times)
        verdict = "met" if percentile(times, 0.95) <= 50 else "not met"
        print(f"    p95 ≤ 50 ms: {verdict}")


if __name__ == "__main__":
    main()
