from rest_framework.routers import SimpleRouter

from casualties.api import views

router = SimpleRouter()
router.register("conflicts", views.ConflictViewSet)
router.register("parties", views.PartyViewSet)
router.register("sources", views.SourceViewSet)
router.register("statements", views.StatementViewSet)
# Before persons: "persons/merges/" would otherwise be read as the person "merges".
router.register("persons/merges", views.PersonMergeViewSet, basename="personmerge")
router.register("persons", views.PersonViewSet)

urlpatterns = router.urls
