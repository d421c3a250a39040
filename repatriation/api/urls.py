from django.urls import path

from repatriation.api import ledger

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
]
