"""Staff pages for agreements (DESIGN §8): the list and one agreement with its tranches.

Agreed, received (in verified tranches only) and still due come from one aggregate query.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.staff import staff_required
from repatriation.selectors import agreement_tranches, agreements_with_progress

PAGE_SIZE = 50


@staff_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = agreements_with_progress().order_by("-concluded_on", "id")
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "agreements/list.html", {"page": page})


@staff_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(agreements_with_progress(), pk=pk)
    context = {"agreement": agreement, "tranches": agreement_tranches(agreement)}
    return render(request, "agreements/detail.html", context)
