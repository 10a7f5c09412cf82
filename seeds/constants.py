"""Fixed inputs of every seeded database: defaults, the end of history, the demo password and TOTP secret."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from app.core.clock import parse_iso

DEFAULT_USERS = 150
DEFAULT_DAYS = 30
DEFAULT_SEED = 20260101

# History ends here (the sandbox clock is frozen at this instant's past while building).
HISTORY_END = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
DAY = 86_400.0
# PAYSANDBOX_SEED_END (ISO date or instant, e.g. 2026-11-01) moves the end of history, so a build
# made for a demo can end "yesterday"; the same end and seed still give the same ledger.
END_ENV = "PAYSANDBOX_SEED_END"


def history_end() -> float:
    """The instant history ends: ``PAYSANDBOX_SEED_END`` when set, else 2026-01-01T00:00:00Z."""
    raw = os.environ.get(END_ENV, "").strip()
    if not raw:
        return HISTORY_END
    return parse_iso(raw)


DEMO_PASSWORD = "Sandbox123!"  # the documented password of every seeded account
BCRYPT_ROUNDS = 10
# dave@paysandbox.test has 2FA on with this documented secret (base32, RFC 6238, 30 s, 6 digits).
DAVE_TOTP_SECRET = "PAYSANDBOXDAVE2FAPAYSANDBOXDAVE2"

CURRENCIES = ("USD", "EUR", "KES", "NGN", "INR", "NOK")

# Postings per SQLite transaction while building.
COMMIT_EVERY = 5_000
