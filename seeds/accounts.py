"""The demo accounts table of docs/seeds.md, read from a seeded database.

python -m seeds.accounts --db sandbox.db.example
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from app.core.identity.models import twallet_account_id_for
from app.core.money import format_amount
from seeds.constants import DAVE_TOTP_SECRET
from seeds.demo import DEMO_USERS
from simulators.banks import bank_for

HEADER = (
    "| account | phone | Cashier `user_id` | Tribble / Nivo id | Drop id | T-Wallet `profile_id` / account | "
    "KYC | wallet accounts (ledger numbers) | Drop bank account | for |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def demo_table(path: Path | str) -> str:
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    lines = [HEADER]
    try:
        for demo in DEMO_USERS:
            user = conn.execute("SELECT * FROM users WHERE email = ?", (demo.email,)).fetchone()
            if user is None:
                continue
            wallets = ", ".join(
                f"`{r['number']}`"
                for r in conn.execute(
                    "SELECT number FROM accounts WHERE owner_type = 'user' AND owner_id = ? "
                    "AND purpose = 'ACCOUNT_PURPOSE_WALLET' ORDER BY id",
                    (user["id"],),
                )
            )
            bank = conn.execute(
                "SELECT bank, account_number FROM ob_bank_accounts WHERE user_id = ? AND is_primary = 1", (user["id"],)
            ).fetchone()
            roles = [r for r in user["roles"].split(",") if r != "user"]
            purpose = demo.purpose + (f" (roles: {', '.join(roles)})" if roles else "")
            if demo.totp:
                purpose += f"; TOTP secret `{DAVE_TOTP_SECRET}`"
            lines.append(
                f"| `{demo.email}` | `{user['phone']}` | `{user['id']}` | `{user['uuid']}` | `{user['drop_id']}` | "
                f"`{user['profile_id']}` / `{twallet_account_id_for(int(user['id']))}` | "
                f"{user['kyc_status']}, tier {user['kyc_tier']} | {wallets} | "
                f"{f'{bank_for(bank[0]).name} `{bank[1]}`' if bank else '-'} | {purpose} |"
            )
        lines += ["", "Wallet balances a first start serves (nothing fires at start, so they hold until you act):", ""]
        lines += [f"- `{email}`: {balances}" for email, balances in demo_balances(conn).items()]
        owner = conn.execute("SELECT id FROM users WHERE email = 'merchant@paysandbox.test'").fetchone()
        if owner is not None:
            tribble = conn.execute(
                "SELECT id, business_name FROM tribble_merchants WHERE owner_user_id = ?", (owner[0],)
            ).fetchone()
            drop = conn.execute(
                "SELECT id, business_name FROM drop_merchants WHERE user_id = ?", (owner[0],)
            ).fetchone()
            lines.append("")
            if tribble is not None:
                lines.append(
                    f"Tribble merchant of `merchant@paysandbox.test`: `{tribble[0]}` ({tribble[1]}, APPROVED)."
                )
            if drop is not None:
                lines.append(f"Drop merchant of `merchant@paysandbox.test`: `{drop[0]}` ({drop[1]}).")
    finally:
        conn.close()
    return "\n".join(lines)


def demo_balances(conn: sqlite3.Connection) -> dict[str, str]:
    """Each demo account's wallets as "`ACC-...` 1234.56 USD, ..." (ledger balances, in account order)."""
    out: dict[str, str] = {}
    for demo in DEMO_USERS:
        rows = conn.execute(
            "SELECT a.number, a.balance, a.currency FROM accounts a JOIN users u ON u.id = a.owner_id"
            " WHERE a.owner_type = 'user' AND u.email = ? AND a.purpose = 'ACCOUNT_PURPOSE_WALLET' ORDER BY a.id",
            (demo.email,),
        ).fetchall()
        if rows:
            out[demo.email] = ", ".join(f"`{r[0]}` {format_amount(int(r[1]), r[2])} {r[2]}" for r in rows)
    return out


START = "<!-- demo-accounts:start -->\n"
END = "\n<!-- demo-accounts:end -->"


def documented_table(docs: str) -> str:
    return docs.split(START, 1)[1].split(END, 1)[0]


def write_docs(docs_path: Path, table: str) -> None:
    text = docs_path.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    docs_path.write_text(f"{head}{START}{table}{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the demo accounts table of a seeded database")
    parser.add_argument("--db", default="sandbox.db.example")
    parser.add_argument("--docs", default=None, help="rewrite the demo-accounts block of this markdown file")
    args = parser.parse_args()
    table = demo_table(args.db)
    if args.docs:
        write_docs(Path(args.docs), table)
    else:
        print(table)


if __name__ == "__main__":
    main()
