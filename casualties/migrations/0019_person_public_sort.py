"""The indexes of the persons' name orders also hold the columns a page's ids are filtered
and sorted by (conflict, party, and the public order's name and flag), so a deep page's
offset is skipped in the index alone (an index-only scan) instead of reading a person row
for every row skipped.

Built concurrently (hence not atomic): on a large registry a build takes a while, and
persons can still be written meanwhile; the old indexes serve the lists until the new ones
are ready."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casualties", "0018_local_names"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                models.F("name_latin"),
                models.F("id"),
                include=("conflict", "party"),
                name="person_name_sort",
            ),
        ),
        AddIndexConcurrently(
            model_name="person",
            index=models.Index(
                models.Case(
                    models.When(name_public=True, then=models.F("name_latin")),
                    default=models.Value(None),
                    output_field=models.CharField(),
                ),
                models.F("id"),
                include=("name_public", "name_latin", "conflict", "party"),
                name="person_public_sort",
            ),
        ),
        RemoveIndexConcurrently(model_name="person", name="person_name_order"),
        RemoveIndexConcurrently(model_name="person", name="person_public_name_order"),
    ]
