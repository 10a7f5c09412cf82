"""Nivo's own tables (migration ``0500_nivo.sql``): the only modules of the platform that hold SQL.

One module per resource, each a set of ``*_in(conn, ...)`` functions that run on the connection
they are given, so a caller keeps its read or write job (``db.read``, ``db.write``, ``db.peek``)
and its transaction boundaries: ``wallets`` (``nivo_wallets``), ``transactions``
(``nivo_transactions``, ``nivo_wallet_spend``, ``nivo_categories``), ``beneficiaries``,
``cards``, ``upi`` (``nivo_upi_deposits``) and ``verifications``.
"""
