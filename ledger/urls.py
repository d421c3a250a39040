from django.urls import path

from ledger import views
from ledger.handover_page import handover_public
from ledger.release_views import release_detail, release_file, release_list

urlpatterns = [
    path("ledger/", views.ledger_list, name="ledger_list"),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/",
        views.ledger_detail,
        name="ledger_detail",
    ),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/chart.svg",
        views.ledger_chart,
        name="ledger_chart",
    ),
    path(
        "ledger/<slug:conflict_slug>/<str:party_code>/handovers/<int:pk>/",
        handover_public,
        name="ledger_handover",
    ),
    path("releases/", release_list, name="release_list"),
    path("releases/<int:number>/", release_detail, name="release_detail"),
    path("releases/<int:number>/<str:name>", release_file, name="release_file"),
]
