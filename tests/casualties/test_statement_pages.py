"""Staff pages for statements: the list with filters, and entering one with its figures."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casualties.models import Figure, Statement
from tests.factories import FigureFactory, SourceFactory, StatementFactory
from tests.html import unlabelled_fields

PAGES = ["casualties:statement_list", "casualties:statement_new"]


@pytest.fixture
def source(setting):
    return SourceFactory(name="Ministry of Defence", party=setting["arm"])


def statement_post(setting, source, figures, **fields):
    """The POST body of the statement form: its fields, then one dict per figure row."""
    data = {
        "conflict": setting["conflict"].pk,
        "source": source.pk,
        "issued_on": "2022-09-20",
        "as_of": "2022-09-19",
        "citation_title": "Briefing of 20 September",
        "figures-TOTAL_FORMS": len(figures),
        "figures-INITIAL_FORMS": 0,
        "figures-MIN_NUM_FORMS": 0,
        "figures-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for index, figure in enumerate(figures):
        row = {"subject_party": setting["arm"].pk, "qualifier": "exact", **figure}
        for name, value in row.items():
            data[f"figures-{index}-{name}"] = value
    return data


def test_anonymous_visitors_are_sent_to_login(client, db):
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_journalists_are_refused(client, journalist):
    client.force_login(journalist)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403


def test_a_clerk_enters_a_statement_with_its_figures(client, clerk, setting, source):
    client.force_login(clerk)
    figures = [
        {"category": "killed", "value": 207, "civilians": 3},
        {"category": "missing", "value": 20, "qualifier": "at_least"},
    ]
    response = client.post(
        reverse("casualties:statement_new"), statement_post(setting, source, figures)
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.citation_title == "Briefing of 20 September"
    saved = set(statement.figures.values_list("category", "value", "civilians", "qualifier"))
    assert saved == {("killed", 207, 3, "exact"), ("missing", 20, None, "at_least")}


def test_an_invalid_figure_saves_nothing_and_shows_its_error(client, clerk, setting, source):
    client.force_login(clerk)
    figures = [
        {"category": "killed", "value": 207},
        {"category": "killed", "value": 5},
    ]
    response = client.post(
        reverse("casualties:statement_new"), statement_post(setting, source, figures)
    )
    assert response.status_code == 200
    rows = response.context["figures"].forms
    assert rows[0].errors == {}
    assert rows[1].non_field_errors() == [
        "This statement already has a figure of this category for this party."
    ]
    assert "already has a figure of this category" in response.content.decode()
    assert not Statement.objects.exists()
    assert not Figure.objects.exists()


def test_more_civilians_than_the_value_is_refused_beside_the_row(client, clerk, setting, source):
    client.force_login(clerk)
    figures = [{"category": "killed", "value": 5, "civilians": 9}]
    response = client.post(
        reverse("casualties:statement_new"), statement_post(setting, source, figures)
    )
    assert response.status_code == 200
    assert response.context["figures"].forms[0].errors
    assert not Statement.objects.exists()


def test_a_clerk_revises_a_statements_figure(client, clerk, setting, source):
    statement = StatementFactory(conflict=setting["conflict"], source=source)
    FigureFactory(statement=statement, subject_party=setting["arm"], category="killed", value=1)
    client.force_login(clerk)
    data = statement_post(setting, source, [{"category": "killed", "value": 210}])
    response = client.post(reverse("casualties:statement_edit", args=[statement.pk]), data)
    assert response.status_code == 302
    assert list(statement.figures.order_by("revision").values_list("value", flat=True)) == [1, 210]


def test_the_list_filters_and_keeps_its_query_count(
    client, clerk, setting, source, django_assert_max_num_queries
):
    other = SourceFactory(name="Other Council")
    for _ in range(3):
        statement = StatementFactory(conflict=setting["conflict"], source=source)
        FigureFactory(statement=statement, subject_party=setting["arm"], category="killed")
    StatementFactory(conflict=setting["conflict"], source=other, citation_title="Hidden one")
    client.force_login(clerk)
    # session, user, perms, conflicts, sources, parties, count, page, figures
    with django_assert_max_num_queries(11):
        response = client.get(reverse("casualties:statement_list"), {"source": source.name})
    assert response.context["page"].paginator.count == 3
    assert "Hidden one" not in response.content.decode()
    for _ in range(20):
        StatementFactory(conflict=setting["conflict"], source=source)
    with django_assert_max_num_queries(11):
        client.get(reverse("casualties:statement_list"), {"source": source.name})


def test_every_field_on_the_statement_pages_has_a_label(client, clerk, setting):
    client.force_login(clerk)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert unlabelled_fields(response.content.decode()) == [], name


def figure_html(page: str, index: int) -> str:
    """The markup of one figure row (its <fieldset>)."""
    start = page.index(f'id="figure-{index}"')
    return page[start : page.index("</fieldset>", start)]


def test_a_repeated_figure_is_shown_beside_its_own_row(client, clerk, setting, source):
    client.force_login(clerk)
    figures = [{"category": "killed", "value": 207}, {"category": "killed", "value": 5}]
    response = client.post(
        reverse("casualties:statement_new"), statement_post(setting, source, figures)
    )
    page = response.content.decode()
    assert "already has a figure of this category" in figure_html(page, 1)
    assert "already has a figure of this category" not in figure_html(page, 0)


def test_a_service_error_about_a_figure_field_is_shown_beside_that_field(
    client, clerk, setting, source, monkeypatch
):
    def refuse(**values):
        raise ValidationError(
            {"figures[1].value": ["Too many."], "figures[0]": ["Check this one."]}
        )

    monkeypatch.setattr("casualties.views.statements.statement_create", refuse)
    client.force_login(clerk)
    figures = [{"category": "killed", "value": 207}, {"category": "missing", "value": 5}]
    response = client.post(
        reverse("casualties:statement_new"), statement_post(setting, source, figures)
    )
    assert response.status_code == 200
    rows = response.context["figures"].forms
    assert rows[1].errors == {"value": ["Too many."]}
    assert rows[0].errors == {"__all__": ["Check this one."]}
    assert response.context["form"].errors == {}
    assert "Too many." in figure_html(response.content.decode(), 1)
    assert not Statement.objects.exists()
