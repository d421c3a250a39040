"""Pages of a name search, counted and cut in one narrow query."""

from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property

from casualties.search.names import RANK_VARIES
from casualties.search.postings import posted_hits
from core.api.pagination import EstimatingPaginator, PageNumberPagination, ids_only, row_id


def _ranked_search(object_list) -> bool:
    # When every match is as close (a name matching one word only) the rank is a constant:
    # PostgreSQL then reads a page in id order from the primary key and stops after it, and
    # only the count reads every match.
    return isinstance(object_list, QuerySet) and RANK_VARIES in object_list.query.annotations


class SearchPaginator(EstimatingPaginator):
    """A Paginator that, for a name search ranked person by person (``search_rank``), reads the
    number of matches and the ids of the page's rows in one query of ids alone, then the
    page's rows by id.

    A common surname matches thousands of persons, and ranking them means reading every one:
    done once with nothing joined and only ids kept, instead of once to count and again to
    sort whole rows joined to their conflict and party, a page costs about half the time
    (bench/README.md, ``search.py``). Anything else is paged as ``EstimatingPaginator`` pages it,
    a deep page through its ids alone: every order of the persons ends with the id, and the
    name orders are indexed so (``person_name_sort``, ``person_public_sort``).

    A search that is nothing else (no other filter, closest first) is counted and cut from the
    name postings alone, reading no person but the page's (``postings.posted_hits``)."""

    deferred_join = True

    @cached_property
    def count(self):
        hits = posted_hits(self.object_list)
        if hits is None:
            return super().count
        return hits.count(self.object_list.db)

    def page(self, number):
        try:
            requested = int(number)
        except (TypeError, ValueError):
            requested = 0
        hits = posted_hits(self.object_list)
        if hits is not None and requested >= 1:
            return self._posted_page(hits, requested)
        if not _ranked_search(self.object_list) or requested < 1:
            return super().page(number)
        bottom = (requested - 1) * self.per_page
        counted = ids_only(self.object_list).annotate(matches=Window(Count("*")))
        counted = counted.values_list("pk", "matches")
        rows = list(counted[bottom : bottom + self.per_page + self.orphans])
        # Past the end no row carries the count: count them (this also lets Django say why
        # the page is empty).
        self.__dict__["count"] = rows[0][1] if rows else self.object_list.count()
        number = self.validate_number(requested)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = [pk for pk, _ in rows][: top - bottom]
        # Models, or dicts for a list read through values() (core/api/viewsets.py).
        found = {row_id(row): row for row in self.object_list.filter(pk__in=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)

    def _posted_page(self, hits, requested: int):
        """A page of a search on all persons: its ids and the count from the name postings
        (one query), then its rows by id."""
        bottom = (requested - 1) * self.per_page
        ids, count = hits.page(self.object_list.db, bottom, self.per_page + self.orphans)
        # Past the end no row carries the count: count them (this also lets Django say why
        # the page is empty).
        self.__dict__["count"] = count if count is not None else hits.count(self.object_list.db)
        number = self.validate_number(requested)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = ids[: top - bottom]
        found = {row_id(row): row for row in hits.rows(self.object_list, ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


class SearchPagination(PageNumberPagination):
    """The API's pages of persons, paged by ``SearchPaginator`` when searched by name."""

    django_paginator_class = SearchPaginator
