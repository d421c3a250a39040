from django.urls import path

from identification import views

app_name = "identification"

urlpatterns = [
    path("identification/", views.board, name="board"),
    path("identification/remains/<int:pk>/", views.remains_page, name="remains"),
    path("identification/remains/<int:pk>/aftercare/", views.aftercare_page, name="aftercare"),
    path("identification/proposals/<int:pk>/", views.proposal_page, name="proposal"),
    path("identification/references/", views.references_page, name="references"),
]
