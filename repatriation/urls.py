from django.urls import path

from repatriation import agreement_views, ledger_views, views

app_name = "repatriation"

urlpatterns = [
    path("ledger/", ledger_views.ledger_list, name="ledger_list"),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/",
        ledger_views.ledger_detail,
        name="ledger_detail",
    ),
    path("handovers/", views.handover_list, name="handover_list"),
    path("handovers/new/", views.handover_new, name="handover_new"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/verify/", views.handover_review, name="handover_verify"),
    path("agreements/", agreement_views.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="agreement_detail"),
]
