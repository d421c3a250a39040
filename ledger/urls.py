from django.urls import path

from ledger import views

urlpatterns = [
    path("ledger/", views.ledger_list, name="ledger_list"),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/",
        views.ledger_detail,
        name="ledger_detail",
    ),
]
