from django.urls import path

from casualties.views import aliases, imports, merge, persons, reference, statements, status_imports

app_name = "casualties"

urlpatterns = [
    path("persons/", persons.person_list, name="person_list"),
    path("persons/new/", persons.person_new, name="person_new"),
    path("persons/lookup/", persons.person_lookup, name="person_lookup"),
    path("persons/import/", imports.person_import_new, name="person_import"),
    path(
        "persons/import/status-events/",
        status_imports.status_events_import_page,
        name="status_events_import",
    ),
    path(
        "persons/import/status-events/run/",
        status_imports.status_events_import_run,
        name="status_events_import_run",
    ),
    path("persons/import/<int:pk>/", imports.person_import_detail, name="person_import_detail"),
    path("persons/import/<int:pk>/run/", imports.person_import_run, name="person_import_run"),
    path(
        "persons/import/<int:pk>/columns/",
        imports.person_import_columns,
        name="person_import_columns",
    ),
    path(
        "persons/import/<int:pk>/status/",
        imports.person_import_status,
        name="person_import_status",
    ),
    path(
        "persons/import/<int:pk>/rejects.csv",
        imports.person_import_rejects,
        name="person_import_rejects",
    ),
    path("persons/duplicates/", merge.duplicate_list, name="duplicate_list"),
    path("persons/merge/", merge.person_merge_page, name="person_merge"),
    path("persons/<int:pk>/", persons.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", persons.person_edit, name="person_edit"),
    path("persons/<int:pk>/status/", persons.person_status, name="person_status"),
    path("persons/<int:pk>/aliases/", aliases.alias_add, name="alias_add"),
    path(
        "persons/<int:pk>/aliases/<int:alias_pk>/remove/",
        aliases.alias_remove,
        name="alias_remove",
    ),
]

urlpatterns += [
    path("statements/", statements.statement_list, name="statement_list"),
    path("statements/new/", statements.statement_new, name="statement_new"),
    path("statements/<int:pk>/edit/", statements.statement_edit, name="statement_edit"),
]

urlpatterns += [
    path("reference/", reference.reference_list, name="reference_list"),
    path("reference/<slug:kind>/new/", reference.reference_new, name="reference_new"),
    path("reference/<slug:kind>/<int:pk>/", reference.reference_edit, name="reference_edit"),
]
