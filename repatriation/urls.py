from django.urls import path

from repatriation.views import agreements, batch, handover_import, handovers

urlpatterns = [
    path("handovers/", handovers.handover_list, name="handover_list"),
    path("handovers/new/", batch.handover_new, name="handover_new"),
    path("handovers/import/", handover_import.handover_import_new, name="handover_import"),
    path("handovers/<int:pk>/", handovers.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/claims/", handovers.handover_claim, name="handover_claim"),
    path(
        "handovers/<int:pk>/remains/<int:rid>/return/",
        handovers.remains_return,
        name="remains_return",
    ),
    path("handovers/<int:pk>/edit/", batch.handover_edit, name="handover_edit"),
    path("handovers/<int:pk>/verify/", handovers.handover_review, name="handover_verify"),
    path("agreements/", agreements.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
]
