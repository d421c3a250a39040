import django.contrib.postgres.indexes
from django.db import migrations, models

import casualties.models

# PostgreSQL estimates how many persons hold a word from the statistics of an index on the
# same expression, but never from a partial index's: without these statistics on the words
# themselves it guesses 0.5 % of persons, and a public search for a common surname then
# sorts thousands of rows instead of reading a page in id order.
WORD_STATISTICS = """
CREATE STATISTICS person_name_words ON (string_to_array(search_key::text, ' '))
FROM casualties_person
"""


class Migration(migrations.Migration):
    dependencies = [
        ("casualties", "0009_name_words"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="person",
            name="person_search_words",
        ),
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                casualties.models.NameWords("search_key"),
                condition=models.Q(("name_public", True)),
                name="person_public_words",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                casualties.models.NameWords("search_key"),
                condition=models.Q(("name_public", False)),
                name="person_unpublished_words",
            ),
        ),
        migrations.RunSQL(WORD_STATISTICS, "DROP STATISTICS person_name_words"),
    ]
