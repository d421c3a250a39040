from django.urls import path
from rest_framework.routers import SimpleRouter

from repatriation.api import ledger, views

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet)
router.register("handovers", views.HandoverViewSet)

urlpatterns = [
    path("ledger/", ledger.LedgerListView.as_view(), name="ledger-list"),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/",
        ledger.LedgerDetailView.as_view(),
        name="ledger-detail",
    ),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/timeline/",
        ledger.LedgerTimelineView.as_view(),
        name="ledger-timeline",
    ),
    *router.urls,
]
