"""Staff pages for statements (DESIGN §8): the list and entering or editing one with its
figures. Login required; clerks, verifiers and admins only. Writes go through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.staff import staff_required
from casualties.filtersets import StatementFilterSet
from casualties.forms import FigureFormSet, StatementForm, conflict_list, party_list
from casualties.importing.revisions import latest_with_earlier
from casualties.models import Figure, Source, Statement
from casualties.services import statement_create, statement_update
from core.filters import choose_from_lists
from core.rows import place_errors

PAGE_SIZE = 50
FIGURES_PREFIX = "figures"
FIGURE_FIELDS = ("category", "subject_party", "value", "civilians", "qualifier")
SAVED = _("Statement saved with %(count)s figures.")


@staff_required
def statement_list(request: HttpRequest) -> HttpResponse:
    """Statements, newest first, filtered by the API's FilterSet; their figures in one
    more query whatever the page holds."""
    statements = Statement.objects.select_related("conflict", "source").prefetch_related(
        Prefetch("figures", queryset=Figure.objects.select_related("subject_party"))
    )
    filterset = StatementFilterSet(request.GET, queryset=statements)
    _choose_filter_lists(filterset.form)
    rows = filterset.qs if filterset.is_valid() else statements.none()
    page = Paginator(rows.order_by("-as_of", "-issued_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for statement in page.object_list:
        statement.latest_figures = latest_with_earlier(statement.figures.all())
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filterset": filterset, "page": page, "query": query.urlencode()}
    return render(request, "statements/list.html", context)


def _choose_filter_lists(form) -> None:
    sources = Source.objects.values_list("name", flat=True)
    choose_from_lists(
        form,
        lists={
            "conflict": conflict_list(),
            "source": (_("All sources"), [(name, name) for name in sources]),
            "party": party_list(),
        },
        labels={
            "conflict": _("Conflict"),
            "source": _("Source"),
            "as_of_after": _("As of, from"),
            "as_of_before": _("As of, until"),
            "q": _("Search the citation and note"),
        },
        dates=("as_of_after", "as_of_before"),
    )


@staff_required
@permission_required("casualties.add_statement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def statement_new(request: HttpRequest) -> HttpResponse:
    """A statement and its figures, saved together by ``statement_create`` or not at all."""
    form = StatementForm(request.POST or None)
    figures = FigureFormSet(request.POST or None, prefix=FIGURES_PREFIX)
    if request.method == "POST":
        statement = _save(form, figures, lambda values: statement_create(**values))
        if statement is not None:
            return _saved(request, statement)
    return render(request, "statements/form.html", {"form": form, "figures": figures})


@staff_required
@permission_required("casualties.change_statement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a statement; a changed figure is recorded as a revision (``statement_update``)."""
    statement = get_object_or_404(Statement, pk=pk)
    # The form edits each figure's latest revision; the earlier ones are shown, not edited.
    latest = latest_with_earlier(statement.figures.select_related("subject_party"))
    initial = [{name: getattr(f, name) for name in FIGURE_FIELDS} for f in latest]
    form = StatementForm(request.POST or None, instance=Statement.objects.get(pk=pk))
    figures = FigureFormSet(request.POST or None, prefix=FIGURES_PREFIX, initial=initial)

    def update(values):
        figure_list = values.pop("figures")
        return statement_update(statement=statement, data=values, figures=figure_list)

    if request.method == "POST":
        saved = _save(form, figures, update)
        if saved is not None:
            return _saved(request, saved)
    revised = [figure for figure in latest if figure.earlier]
    context = {"form": form, "figures": figures, "statement": statement, "revised": revised}
    return render(request, "statements/form.html", context)


def _saved(request, statement) -> HttpResponse:
    # Figures, not rows: a revised figure's earlier rows are not counted again.
    count = statement.figures.values("subject_party", "category").distinct().count()
    messages.success(request, SAVED % {"count": count})
    return redirect("casualties:statement_list")


def _save(form, figures, write) -> Statement | None:
    """Run ``write`` with the statement's fields and its figure rows, or leave every error
    on the forms: the service's ``figures[i].value`` beside row i's value, and so on."""
    if not (form.is_valid() and figures.is_valid()):
        return None
    # Blank extra rows have no cleaned data; rows marked for deletion are left out.
    live = [row for row in figures.forms if row.cleaned_data and not row.cleaned_data["DELETE"]]
    values = [{k: v for k, v in row.cleaned_data.items() if k != "DELETE"} for row in live]
    try:
        return write({**form.cleaned_data, "figures": values})
    except ValidationError as error:
        place_errors(form, error, rows=live, list_name=FIGURES_PREFIX)
        return None
