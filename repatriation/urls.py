from django.urls import path

from repatriation import ledger_views

app_name = "repatriation"

urlpatterns = [
    path("ledger/", ledger_views.ledger_list, name="ledger_list"),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/",
        ledger_views.ledger_detail,
        name="ledger_detail",
    ),
]
