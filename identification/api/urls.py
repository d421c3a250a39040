from django.urls import path
from rest_framework.routers import SimpleRouter

from identification.api import views

router = SimpleRouter()
router.register("identification/post-mortems", views.PostMortemViewSet)
router.register("identification/ante-mortems", views.AnteMortemViewSet)
router.register("identification/samples", views.SampleViewSet)
router.register("identification/dna-reports", views.DnaMatchReportViewSet)
router.register("identification/proposals", views.ProposalViewSet)

urlpatterns = [
    *router.urls,
    path(
        "identification/remains/<int:remains_pk>/candidates/",
        views.CandidateViewSet.as_view({"get": "list"}),
        name="identification-candidates",
    ),
]
