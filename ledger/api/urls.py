from django.urls import path

from ledger.api import views

urlpatterns = [
    path("ledger/", views.LedgerListView.as_view(), name="ledger-list"),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/",
        views.LedgerDetailView.as_view(),
        name="ledger-detail",
    ),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/timeline/",
        views.LedgerTimelineView.as_view(),
        name="ledger-timeline",
    ),
]
