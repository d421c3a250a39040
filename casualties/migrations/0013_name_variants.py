"""Search keys gain the conventional Russian forms of Armenian name words (Հակոբյան: akopyan),
recomputed for existing persons and aliases. The keys are read and written in batches of ids:
one SELECT and one UPDATE of arrays per batch, and only rows whose key changes are written
(the audit and name-word triggers then see only those)."""

from django.db import migrations

from casualties.search.transliteration import search_key

BATCH = 10_000

READ = """
SELECT id, {names}, search_key FROM {table} WHERE id > %s ORDER BY id LIMIT %s
"""
WRITE = """
UPDATE {table} AS t SET search_key = new.key
FROM unnest(%s::bigint[], %s::text[]) AS new(id, key)
WHERE t.id = new.id
"""


def _rekey(cursor, table: str, names: str) -> None:
    last = 0
    while True:
        cursor.execute(READ.format(names=names, table=table), [last, BATCH])
        rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        ids, keys = [], []
        for pk, *row_names, old in rows:
            key = search_key(*row_names)
            if key != old:
                ids.append(pk)
                keys.append(key)
        if ids:
            cursor.execute(WRITE.format(table=table), [ids, keys])


def add_russian_forms(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        _rekey(cursor, "casualties_person", "full_name, name_latin")
        _rekey(cursor, "casualties_personalias", "name")


class Migration(migrations.Migration):
    dependencies = [
        ("casualties", "0012_alias_public"),
    ]

    operations = [
        migrations.RunPython(add_russian_forms, migrations.RunPython.noop, elidable=True),
    ]
