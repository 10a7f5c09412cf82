"""Drop's own tables: the only part of the platform that runs SQL (one module per resource).

Functions ending in ``_in`` take the connection of a job already running (a ``db.write`` job or a
ledger savepoint's ``on_posted``) and run their statements inside it; the others take the database
and return its awaitable (one ``fetchone``/``fetchall``/``execute``) or, for ``lookup``, the row.
"""
