"""The name postings (``NamePosting``): one row per word of each person's search key, kept by
statement-level triggers on the persons, in place of the two GIN indexes of the persons' words
(the search counts and ranks from the postings' primary key alone).

The table is created without its primary key, filled in one INSERT … SELECT in key order, and
only then given the key: one sorted build instead of millions of index insertions. The triggers
come before the fill, in the same transaction: a person written meanwhile waits for the commit
(CREATE TRIGGER locks the persons against writes) and is then posted by the triggers."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

CREATE = """
CREATE TABLE casualties_nameposting (
    name_public boolean NOT NULL,
    word varchar(500) NOT NULL,
    person_id bigint NOT NULL
)
"""
# As casualties.models.postings.ALL_POSTINGS, written out: a migration keeps what it did.
FILL = """
INSERT INTO casualties_nameposting (name_public, word, person_id)
SELECT DISTINCT casualties_person.name_public, word, casualties_person.id
FROM casualties_person, unnest(string_to_array(casualties_person.search_key, ' ')) AS word
WHERE word <> ''
ORDER BY 1, 2, 3
"""
KEY = "ALTER TABLE casualties_nameposting ADD PRIMARY KEY (name_public, word, person_id)"


class Migration(migrations.Migration):
    dependencies = [
        ("casualties", "0019_person_public_sort"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="NamePosting",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "name_public",
                                "word",
                                "person_id",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("name_public", models.BooleanField(verbose_name="name may be published")),
                        ("word", models.CharField(max_length=500, verbose_name="word")),
                        ("person_id", models.BigIntegerField(verbose_name="person")),
                    ],
                    options={
                        "verbose_name": "name posting",
                        "verbose_name_plural": "name postings",
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(CREATE, "DROP TABLE casualties_nameposting"),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="person",
            trigger=pgtrigger.compiler.Trigger(
                name="name_postings_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="INSERT INTO casualties_nameposting (name_public, word, person_id)\n    SELECT DISTINCT new_rows.name_public, word, new_rows.id\n    FROM new_rows, unnest(string_to_array(new_rows.search_key, ' ')) AS word\n    WHERE word <> ''\n;\nRETURN NULL;",
                    hash="2479dcbd98f4e3cf05be20c495194eeaf2e5e4a9",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_name_postings_insert_77609",
                    referencing="REFERENCING NEW TABLE AS new_rows ",
                    table="casualties_person",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="person",
            trigger=pgtrigger.compiler.Trigger(
                name="name_postings_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    \n    DELETE FROM casualties_nameposting AS posting\n    USING old_rows, unnest(string_to_array(old_rows.search_key, ' ')) AS key_word\n    WHERE posting.name_public = old_rows.name_public AND posting.word = key_word\n        AND posting.person_id = old_rows.id\n\n        AND EXISTS (\n            SELECT FROM new_rows WHERE new_rows.id = old_rows.id\n            AND (new_rows.name_public, new_rows.search_key)\n                IS DISTINCT FROM (old_rows.name_public, old_rows.search_key)\n        );\n    INSERT INTO casualties_nameposting (name_public, word, person_id)\n    SELECT DISTINCT new_rows.name_public, word, new_rows.id\n    FROM new_rows, unnest(string_to_array(new_rows.search_key, ' ')) AS word\n    WHERE word <> ''\n\n        AND EXISTS (\n            SELECT FROM old_rows WHERE old_rows.id = new_rows.id\n            AND (new_rows.name_public, new_rows.search_key)\n                IS DISTINCT FROM (old_rows.name_public, old_rows.search_key)\n        );\n    RETURN NULL;\n",
                    hash="b92ce8f5fc98a310c1b13eeb5837a046adf7dbfa",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_name_postings_update_7df4c",
                    referencing="REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ",
                    table="casualties_person",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="person",
            trigger=pgtrigger.compiler.Trigger(
                name="name_postings_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    DELETE FROM casualties_nameposting AS posting\n    USING old_rows, unnest(string_to_array(old_rows.search_key, ' ')) AS key_word\n    WHERE posting.name_public = old_rows.name_public AND posting.word = key_word\n        AND posting.person_id = old_rows.id\n;\nRETURN NULL;",
                    hash="831226176902a74d687622c41bb72362565a54c2",
                    level="STATEMENT",
                    operation="DELETE",
                    pgid="pgtrigger_name_postings_delete_4a5b2",
                    referencing="REFERENCING OLD TABLE AS old_rows ",
                    table="casualties_person",
                    when="AFTER",
                ),
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(KEY, migrations.RunSQL.noop),
        # The planner's statistics now, not at autovacuum's next pass.
        migrations.RunSQL("ANALYZE casualties_nameposting", migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="person", name="person_public_words"),
        migrations.RemoveIndex(model_name="person", name="person_unpublished_words"),
    ]
