"""The public ledger page's body is rendered once per data version, URL, language and day
(ledger.views.ledger_detail): a reader asking again before anything changed gets it from the
cache, a write to the ledger shows at once, and the header (its CSRF token) stays each
reader's own. Rows are committed: nothing is cached inside a transaction."""

import functools
import re

import pytest
from django.test import Client
from django.utils import timezone

from ledger import views as ledger_views
from repatriation.choices import HandoverState
from repatriation.models import Handover
from tests.factories import (
    ConflictFactory,
    HandoverFactory,
    PartyFactory,
    RemainsFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    conflict = ConflictFactory(slug="page-cache")
    return {"conflict": conflict, "arm": PartyFactory(code="PCA"), "aze": PartyFactory(code="PCZ")}


@pytest.fixture
def renders(monkeypatch):
    """The number of times the page's body was computed."""
    done = []
    original = ledger_views._page_context

    @functools.wraps(original)
    def counting(*args, **kwargs):
        done.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(ledger_views, "_page_context", counting)
    return done


def page_url(world):
    return f"/ledger/{world['conflict'].slug}/PCA/"


def main(response) -> str:
    """The page's main part: the header around it carries a fresh CSRF token each time."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def received_row(html: str) -> str:
    return re.search(r"Remains received[^<]*</t[hd]>\s*<td[^>]*>([^<]*)<", html).group(1).strip()


def hand_over(world, rows: int) -> None:
    handover = HandoverFactory(
        conflict=world["conflict"],
        from_party=world["aze"],
        to_party=world["arm"],
        reported_count=rows,
    )
    for _ in range(rows):
        RemainsFactory(handover=handover)
    Handover.objects.filter(pk=handover.pk).update(
        state=HandoverState.VERIFIED, verified_by=UserFactory(), verified_at=timezone.now()
    )


def test_the_same_page_asked_again_is_not_rendered_again(client, world, renders):
    first = client.get(page_url(world))
    second = client.get(page_url(world))

    assert first.status_code == second.status_code == 200
    assert len(renders) == 1
    assert main(first) == main(second)


def test_a_write_to_the_ledger_shows_on_the_next_request(client, world, renders):
    hand_over(world, 2)
    assert received_row(client.get(page_url(world)).content.decode()) == "2"

    hand_over(world, 3)

    assert received_row(client.get(page_url(world)).content.decode()) == "5"
    assert len(renders) == 2


def test_each_url_and_language_has_its_own_body(client, world, renders):
    client.get(page_url(world))
    client.get(page_url(world) + "?as_of=2022-09-19")
    hy = Client(headers={"accept-language": "hy"})
    armenian = hy.get(page_url(world)).content.decode()

    assert len(renders) == 3
    assert 'lang="hy"' in armenian


def test_each_reader_keeps_their_own_csrf_token(world, renders):
    pages = [Client().get(page_url(world)).content.decode() for _ in range(2)]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p).group(1) for p in pages]

    assert len(renders) == 1
    assert tokens[0] != tokens[1]


def test_staff_pages_are_rendered_for_each_request(client, world, renders):
    # (An admin: the role groups come with a migration, which a transactional test flushes.)
    client.force_login(UserFactory(is_superuser=True))
    client.get(page_url(world))
    client.get(page_url(world))

    assert len(renders) == 2
