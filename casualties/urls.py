from django.urls import path

from casualties import statement_views, views

app_name = "casualties"

urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/lookup/", views.person_lookup, name="person_lookup"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/status/", views.person_status, name="person_status"),
]

urlpatterns += [
    path("statements/", statement_views.statement_list, name="statement_list"),
    path("statements/new/", statement_views.statement_new, name="statement_new"),
    path("statements/<int:pk>/edit/", statement_views.statement_edit, name="statement_edit"),
]
