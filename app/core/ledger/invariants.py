"""Ledger invariants: what ``paysandbox check`` verifies and every concurrent test asserts.

1. every journal has entries and sums to zero per currency (debits == credits);
2. every account's balance equals credits - debits of its entries;
3. every ``balance_after`` chain is consistent (previous balance_after +- amount, in id order)
   and ends at the account's balance;
4. no account that may not go negative is negative, or has pending debits beyond its balance;
5. the balances of each currency sum to zero;
6. holds are open, posted, voided or expired (exactly one); a posted hold names its journal and
   an unposted one does not; each account's pending debit/credit equals the sum of its open holds;
7. entries move money between accounts of one currency with amount > 0 (enforced by CHECKs too).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

_LIMIT = 20  # violations listed per rule


@dataclass
class InvariantReport:
    violations: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations

    def render(self) -> str:
        lines = [f"ledger check: {'OK' if self.ok else 'FAILED'}"]
        lines += [f"  {name}: {value}" for name, value in self.stats.items()]
        if self.violations:
            lines.append(f"  {len(self.violations)} violation(s):")
            lines += [f"    - {v}" for v in self.violations]
        return "\n".join(lines)


_CHECKS: list[tuple[str, str]] = [
    (
        "journal {0} has no entries",
        "SELECT j.id FROM journals j WHERE NOT EXISTS (SELECT 1 FROM entries e WHERE e.journal_id = j.id)",
    ),
    (
        "journal {0} does not balance in {1}: debits {2} != credits {3}",
        "SELECT e.journal_id, a.currency, sum(CASE WHEN e.side = 'D' THEN e.amount ELSE 0 END) AS d, "
        "sum(CASE WHEN e.side = 'C' THEN e.amount ELSE 0 END) AS c "
        "FROM entries e JOIN accounts a ON a.id = e.account_id GROUP BY e.journal_id, a.currency HAVING d != c",
    ),
    (
        "account {0} balance {1} != sum of its entries {2}",
        "SELECT a.id, a.balance, coalesce(s.total, 0) FROM accounts a LEFT JOIN ("
        " SELECT account_id, sum(CASE WHEN side = 'C' THEN amount ELSE -amount END) AS total"
        " FROM entries GROUP BY account_id) s ON s.account_id = a.id WHERE a.balance != coalesce(s.total, 0)",
    ),
    (
        "entry {0} of account {1}: balance_after {2} != previous {3} {4:+d}",
        "SELECT id, account_id, balance_after, prev, signed FROM ("
        " SELECT id, account_id, balance_after, CASE WHEN side = 'C' THEN amount ELSE -amount END AS signed,"
        " coalesce(lag(balance_after) OVER (PARTITION BY account_id ORDER BY id), 0) AS prev FROM entries)"
        " WHERE balance_after != prev + signed",
    ),
    (
        "account {0}: last balance_after {1} != balance {2}",
        "SELECT a.id, e.balance_after, a.balance FROM accounts a JOIN entries e ON e.id = ("
        " SELECT max(id) FROM entries WHERE account_id = a.id) WHERE e.balance_after != a.balance",
    ),
    (
        "account {0} may not go negative but has balance {1}, pending debit {2}",
        "SELECT id, balance, pending_debit FROM accounts WHERE allow_negative = 0 AND balance - pending_debit < 0",
    ),
    (
        "currency {0}: balances sum to {1}, not 0",
        "SELECT currency, sum(balance) AS s FROM accounts GROUP BY currency HAVING s != 0",
    ),
    (
        "hold {0} has status {1} and journal {2}",
        "SELECT id, status, journal_id FROM holds WHERE status NOT IN ('open', 'posted', 'voided', 'expired') "
        "OR (status = 'posted') != (journal_id IS NOT NULL)",
    ),
    (
        "account {0}: pending debit {1} != open debit holds {2}, pending credit {3} != open credit holds {4}",
        "SELECT a.id, a.pending_debit, coalesce(h.d, 0), a.pending_credit, coalesce(h.c, 0) FROM accounts a "
        "LEFT JOIN (SELECT account_id, sum(CASE WHEN direction = 'debit' THEN amount ELSE 0 END) AS d,"
        " sum(CASE WHEN direction = 'credit' THEN amount ELSE 0 END) AS c FROM holds WHERE status = 'open'"
        " GROUP BY account_id) h ON h.account_id = a.id "
        "WHERE a.pending_debit != coalesce(h.d, 0) OR a.pending_credit != coalesce(h.c, 0)",
    ),
    (
        "entry {0} has a non-positive amount {1} or unknown side {2}",
        "SELECT id, amount, side FROM entries WHERE amount <= 0 OR side NOT IN ('D', 'C')",
    ),
]

_TABLES = ("accounts", "journals", "entries", "holds")


def check_connection(conn: sqlite3.Connection) -> InvariantReport:
    """Run every invariant on ``conn`` (one read transaction when the caller opened one)."""
    report = InvariantReport()
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in _TABLES if t not in present]
    if missing:
        report.violations.append(f"not a sandbox ledger: missing table(s) {', '.join(missing)}")
        return report
    for table in _TABLES:
        report.stats[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    for template, sql in _CHECKS:
        rows = conn.execute(sql).fetchmany(_LIMIT + 1)
        for row in rows[:_LIMIT]:
            report.violations.append(template.format(*tuple(row)))
        if len(rows) > _LIMIT:
            report.violations.append(f"... and more like: {template.split(':')[0]}")
    return report


def check_file(path: Path | str) -> InvariantReport:
    """Check a database file read-only; an unreadable or foreign file is a violation, not a crash."""
    uri = f"file:{Path(path).resolve()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return InvariantReport([f"cannot open {path}: {exc}"])
    try:
        conn.execute("BEGIN")
        return check_connection(conn)
    except sqlite3.DatabaseError as exc:
        return InvariantReport([f"cannot read {path}: {exc}"])
    finally:
        conn.close()
