"""Reference data every sandbox has: partners, agents, airtime providers and their ledger accounts.

Runs in an ``on_start`` hook; idempotent (``INSERT OR IGNORE`` on fixed ids, ledger accounts
get-or-create), so an empty database gets them and a seeded one is left as it is.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from simulators import airtime
from simulators.agents import AGENT_SEEDS, agent_id
from simulators.partners import PARTNER_SEEDS, partner_id

if TYPE_CHECKING:
    from app.runtime import Sandbox

FLOAT = "ACCOUNT_PURPOSE_FLOAT"
COMMISSION = "ACCOUNT_PURPOSE_COMMISSION"


def seed_rows_in(conn: sqlite3.Connection, now: float) -> None:
    for seq, p in enumerate(PARTNER_SEEDS, start=1):
        conn.execute(
            "INSERT OR IGNORE INTO sim_partners (id, seq, name, service, country, currencies, payment_method, "
            "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)",
            (partner_id(seq), seq, p.name, p.service, p.country, json.dumps(list(p.currencies)), p.payment_method, now),
        )
    for seq, a in enumerate(AGENT_SEEDS, start=1):
        conn.execute(
            "INSERT OR IGNORE INTO sim_agents (id, seq, name, country, currencies, commission_rate, location, phone, "
            "status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)",
            (
                agent_id(seq),
                seq,
                a.name,
                a.country,
                json.dumps(list(a.currencies)),
                a.commission_rate,
                a.location,
                a.phone,
                now,
            ),
        )
    airtime.seed_in(conn)


def _missing_accounts_in(conn: sqlite3.Connection) -> list[tuple[str, str, int, str, str, str]]:
    """(owner_kind, owner_id, owner_seq, currency, purpose, label) of every account not yet opened."""
    wanted: list[tuple[str, str, int, str, str, str]] = []
    for row in conn.execute("SELECT id, seq, name, currencies FROM sim_partners ORDER BY seq"):
        for currency in json.loads(row["currencies"]):
            wanted.append(("partner", row["id"], row["seq"], currency, FLOAT, row["name"]))
    for row in conn.execute("SELECT id, seq, name, currencies FROM sim_agents ORDER BY seq"):
        for currency in json.loads(row["currencies"]):
            wanted.append(("agent", row["id"], row["seq"], currency, FLOAT, row["name"]))
            wanted.append(("agent", row["id"], row["seq"], currency, COMMISSION, f"{row['name']} commission"))
    have = {
        (r[0], r[1], r[2], r[3])
        for r in conn.execute("SELECT owner_kind, owner_id, currency, purpose FROM sim_owner_accounts")
    }
    return [w for w in wanted if (w[0], w[1], w[3], w[4]) not in have]


def open_accounts_in(conn: sqlite3.Connection, now: float) -> int:
    """Open every partner/agent ledger account not opened yet (get-or-create); returns how many."""
    from app.core.ledger.accounts import open_account_in

    missing = _missing_accounts_in(conn)
    for kind, owner, seq, currency, purpose, label in missing:
        account = open_account_in(
            conn,
            now,
            kind,
            seq,
            currency,
            purpose=purpose,
            type="ACCOUNT_TYPE_SYSTEM",
            allow_negative=True,
            label=label,
        )
        conn.execute(
            "INSERT OR IGNORE INTO sim_owner_accounts (owner_kind, owner_id, currency, purpose, account_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (kind, owner, currency, purpose, account.id),
        )
    return len(missing)


async def seed_reference_data(sandbox: Sandbox) -> None:
    """One transaction: reference rows plus their ledger accounts (when a ledger is installed)."""
    now = sandbox.clock.time()
    with_ledger = getattr(sandbox, "ledger", None) is not None

    def run(conn: sqlite3.Connection) -> None:
        seed_rows_in(conn, now)
        if with_ledger:
            open_accounts_in(conn, now)

    await sandbox.db.write(run)
