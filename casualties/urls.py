from django.urls import path

from casualties import views

app_name = "casualties"

urlpatterns = [
    path("persons/lookup/", views.person_lookup, name="person_lookup"),
]
