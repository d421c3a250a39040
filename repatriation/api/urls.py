from rest_framework.routers import SimpleRouter

from repatriation.api import views

router = SimpleRouter()
router.register("agreements", views.AgreementViewSet)
router.register("handovers", views.HandoverViewSet)

urlpatterns = router.urls
