"""Seeded data: ``paysandbox seed`` builds a deterministic, lived-in sandbox database (issue 12).

Modules: ``generator`` (the build: schema, reference data, demo accounts, users, history),
``constants`` (defaults, demo password, dave's TOTP secret), ``demo`` (the documented accounts),
``people`` (seeded Faker per locale, phones per country), ``world`` (users and wallets),
``context`` (the ``Seeder``: one connection, one random source, ledger sync functions),
``history`` (D days of transactions), one module per platform's data (``cashier``, ``drop``,
``nivo``, ``tribble`` with ``tribble_refunds`` and ``subscriptions``, ``twallet``), ``ids``
(platform-shaped ids from the random source), ``hashing`` (ledger fingerprint), ``accounts`` (the
demo accounts table of docs/seeds.md), ``bench`` (the seed rate for loadtests/bench.py) and ``cli``.
"""
