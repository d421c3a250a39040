from django.urls import path

from casualties import alias_views, import_views, merge_views, statement_views, views

app_name = "casualties"

urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_new, name="person_new"),
    path("persons/lookup/", views.person_lookup, name="person_lookup"),
    path("persons/import/", import_views.person_import_new, name="person_import"),
    path(
        "persons/import/<int:pk>/", import_views.person_import_detail, name="person_import_detail"
    ),
    path(
        "persons/import/<int:pk>/status/",
        import_views.person_import_status,
        name="person_import_status",
    ),
    path(
        "persons/import/<int:pk>/rejects.csv",
        import_views.person_import_rejects,
        name="person_import_rejects",
    ),
    path("persons/duplicates/", merge_views.duplicate_list, name="duplicate_list"),
    path("persons/merge/", merge_views.person_merge_page, name="person_merge"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/status/", views.person_status, name="person_status"),
    path("persons/<int:pk>/aliases/", alias_views.alias_add, name="alias_add"),
    path(
        "persons/<int:pk>/aliases/<int:alias_pk>/remove/",
        alias_views.alias_remove,
        name="alias_remove",
    ),
]

urlpatterns += [
    path("statements/", statement_views.statement_list, name="statement_list"),
    path("statements/new/", statement_views.statement_new, name="statement_new"),
    path("statements/<int:pk>/edit/", statement_views.statement_edit, name="statement_edit"),
]
