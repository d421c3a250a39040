"""The ledger's SQL. Every query aggregates in PostgreSQL and groups by (conflict, party), so
one ledger and the summary of all ledgers run the same fixed number of queries at any size.

Parameters (``LedgerScope.sql_params()``): ``%(conflict)s``/``%(party)s`` narrow to one ledger
(NULL: all), ``%(as_of)s`` keeps only evidence dated on or before that day (NULL: everything).
Each parameter is cast (``%(as_of)s::date``): the queries run prepared, and
``core.db.prepared.fetch`` settles each NULL test to ``true`` or ``false`` first, so the planner
still uses the indexes. Domain values and table names are interpolated from the choices classes
and the models' ``_meta.db_table`` (``ledger.sql.common``), so a renamed value cannot leave a
query behind.
"""
