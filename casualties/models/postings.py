"""The name postings: which person holds which word of a search key, for the name search."""

import pgtrigger
from django.db import models
from django.utils.translation import gettext_lazy as _

# The rows of persons written by a statement, as (person, published, word), one per distinct
# word of each search key.
_WORDS_OF = """
    SELECT DISTINCT {rows}.name_public, word, {rows}.id
    FROM {rows}, unnest(string_to_array({rows}.search_key, ' ')) AS word
    WHERE word <> ''
"""
_ADD = "INSERT INTO casualties_nameposting (name_public, word, person_id)" + _WORDS_OF
# Found through the primary key (published, word, person), the only index: the words are the
# old row's, so no index on the person alone is needed (nor maintained by every import).
_REMOVE = """
    DELETE FROM casualties_nameposting AS posting
    USING {rows}, unnest(string_to_array({rows}.search_key, ' ')) AS key_word
    WHERE posting.name_public = {rows}.name_public AND posting.word = key_word
        AND posting.person_id = {rows}.id
"""
POSTINGS_INSERT = _ADD.format(rows="new_rows") + ";\nRETURN NULL;"
POSTINGS_DELETE = _REMOVE.format(rows="old_rows") + ";\nRETURN NULL;"
# Transition tables may not be combined with a column list (UPDATE OF), so every update of
# persons comes here, and only the persons whose key or publication changed are rewritten.
POSTINGS_UPDATE = f"""
    {_REMOVE.format(rows="old_rows")}
        AND EXISTS (
            SELECT FROM new_rows WHERE new_rows.id = old_rows.id
            AND (new_rows.name_public, new_rows.search_key)
                IS DISTINCT FROM (old_rows.name_public, old_rows.search_key)
        );
    {_ADD.format(rows="new_rows")}
        AND EXISTS (
            SELECT FROM old_rows WHERE old_rows.id = new_rows.id
            AND (new_rows.name_public, new_rows.search_key)
                IS DISTINCT FROM (old_rows.name_public, old_rows.search_key)
        );
    RETURN NULL;
"""
# Every posting, from the persons as they are: the backfill, and what the tests compare with.
ALL_POSTINGS = _WORDS_OF.format(rows="casualties_person")


def posting_triggers() -> list[pgtrigger.Trigger]:
    """The persons' triggers that keep their postings: set-wise per statement, whatever
    writes them (a form, the admin, the person import, a merge's delete, raw SQL)."""

    def trigger(name, operation, func, **tables):
        return pgtrigger.Trigger(
            name=name,
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=pgtrigger.Referencing(**tables),
            func=func,
        )

    return [
        trigger("name_postings_insert", pgtrigger.Insert, POSTINGS_INSERT, new="new_rows"),
        trigger(
            "name_postings_update",
            pgtrigger.Update,
            POSTINGS_UPDATE,
            old="old_rows",
            new="new_rows",
        ),
        trigger("name_postings_delete", pgtrigger.Delete, POSTINGS_DELETE, old="old_rows"),
    ]


class NamePosting(models.Model):
    """One word of one person's search key, with whether the name may be published: the
    name search counts and ranks the persons holding its words from this table's primary
    key alone (published, word, person), without reading a person row. Kept by triggers on
    the persons (``posting_triggers``); nothing else writes it.

    The person is a plain id, not a foreign key: a constraint would be checked on every person
    deleted, through an index on the person alone that every import would then maintain too
    (the delete trigger removes a person's postings in the same statement instead), and a
    merge re-points every foreign key to the dropped record at the kept one, where its
    postings must go with it instead (the triggers do both)."""

    pk = models.CompositePrimaryKey("name_public", "word", "person_id")
    name_public = models.BooleanField(_("name may be published"))
    word = models.CharField(_("word"), max_length=500)
    person_id = models.BigIntegerField(_("person"))

    class Meta:
        verbose_name = _("name posting")
        verbose_name_plural = _("name postings")

    def __str__(self):
        return f"{self.word} ({self.person_id})"
