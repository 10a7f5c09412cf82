"""Spending summary and statement export (Flow 9); the handlers are ``routes/statements.py``.

Statements come from the ledger (``ledger.statement``: every entry on the wallet's account in the
period, whichever platform posted it), joined with Nivo's transaction ids and categories.
CSV via the csv module; PDF rendered with fpdf2.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.core.clock import iso, utc_from_ts
from app.core.ledger.models import Statement
from app.platforms.nivo import render
from app.platforms.nivo import schemas as s
from app.platforms.nivo.auth import NivoCaller
from app.platforms.nivo.errors import NivoError
from app.platforms.nivo.store.transactions import spending_by_category_in, transactions_by_journals_in
from app.platforms.nivo.wallets import NivoWallet, wallet_of
from app.runtime import Sandbox

PERIODS = ("daily", "weekly", "monthly", "yearly")
MAX_STATEMENT_DAYS = 366
CSV_COLUMNS = ("date", "transaction_id", "type", "description", "category", "debit", "credit", "balance", "reference")


def period_bounds(period: str, day: date) -> tuple[str, float, float]:
    """(label, start, end) of the period containing ``day``; end exclusive, UTC."""
    if period == "daily":
        start, end, label = day, day + timedelta(days=1), day.isoformat()
    elif period == "weekly":
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=7)
        year, week, _ = day.isocalendar()
        label = f"{year}-W{week:02d}"
    elif period == "monthly":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        label = f"{day.year}-{day.month:02d}"
    elif period == "yearly":
        start, end, label = date(day.year, 1, 1), date(day.year + 1, 1, 1), str(day.year)
    else:
        raise NivoError("VALIDATION_ERROR", f"period must be one of {', '.join(PERIODS)}")
    return label, _ts(start), _ts(end)


def _ts(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise NivoError("VALIDATION_ERROR", f"{field} must be a date in YYYY-MM-DD format") from None


async def spending_summary(
    sandbox: Sandbox, user_id: int, wallet_id: str, period: str, on: str | None
) -> s.SpendingSummaryOut:
    """Outgoing completed spending of the caller's wallet by category in the period holding ``on`` (default today)."""
    w = await wallet_of(sandbox, wallet_id, user_id)
    day = parse_day(on, "date") if on else utc_from_ts(sandbox.clock.time()).date()
    label, start, end = period_bounds(period.strip().lower(), day)
    rows = await sandbox.db.read(lambda conn: spending_by_category_in(conn, w.id, start, end))
    categories = {r["category"]: render.amount_number(int(r["total"]), w.currency) for r in rows}
    total = sum(int(r["total"]) for r in rows)
    return s.SpendingSummaryOut(
        period=label,
        total_spent=render.amount_number(total, w.currency),
        categories=categories,
        wallet_id=w.id,
        currency=w.currency,
    )


@dataclass(frozen=True)
class StatementLine:
    date: str
    transaction_id: str
    type: str
    description: str
    category: str
    debit: str
    credit: str
    balance: str
    reference: str


@dataclass(frozen=True)
class StatementData:
    wallet: NivoWallet
    holder: str
    start_date: date
    end_date: date
    statement: Statement
    lines: list[StatementLine]

    def amount(self, minor: int) -> str:
        return render.amount_str(minor, self.wallet.currency)


async def load_statement(
    sandbox: Sandbox, caller: NivoCaller, wallet_id: str, start_date: str | None, end_date: str | None
) -> StatementData:
    w = await wallet_of(sandbox, wallet_id, caller.user.id)
    today = utc_from_ts(sandbox.clock.time()).date()
    first = parse_day(start_date, "start_date") if start_date else today.replace(day=1)
    last = parse_day(end_date, "end_date") if end_date else today
    if last < first:
        raise NivoError("VALIDATION_ERROR", "end_date must not be before start_date")
    if (last - first).days >= MAX_STATEMENT_DAYS:
        raise NivoError("VALIDATION_ERROR", f"A statement covers at most {MAX_STATEMENT_DAYS} days")
    statement = await sandbox.ledger.statement(w.account_id, start=_ts(first), end=_ts(last + timedelta(days=1)))
    journal_ids = sorted({e.journal_id for e in statement.entries})
    by_journal = {}
    if journal_ids:
        rows = await sandbox.db.read(lambda conn: transactions_by_journals_in(conn, journal_ids))
        by_journal = {r["journal_id"]: r for r in rows}
    lines = []
    for e in statement.entries:
        tx = by_journal.get(e.journal_id)
        debit = e.side == "DR_CR_DEBIT"
        lines.append(
            StatementLine(
                date=iso(e.created_at),
                transaction_id=tx["id"] if tx else e.receipt_code,
                type=tx["type"] if tx else e.kind,
                description=e.description,
                category=(tx["category"] or "") if tx else "",
                debit=render.amount_str(e.amount, w.currency) if debit else "",
                credit="" if debit else render.amount_str(e.amount, w.currency),
                balance=render.amount_str(e.balance_after, w.currency),
                reference=e.receipt_code,
            )
        )
    return StatementData(w, caller.user.full_name, first, last, statement, lines)


def statement_filename(data: StatementData, ext: str) -> str:
    return f"nivo-statement-{data.wallet.id}-{data.start_date.isoformat()}-{data.end_date.isoformat()}.{ext}"


def statement_csv(data: StatementData) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in data.lines:
        writer.writerow([getattr(line, c) for c in CSV_COLUMNS])
    return out.getvalue()


def _latin(text: str) -> str:
    """fpdf2's core fonts are Latin-1: replace what they cannot draw."""
    return text.encode("latin-1", "replace").decode("latin-1")


def statement_pdf(data: StatementData) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title("Nivo wallet statement")
    pdf.set_author("Nivo (Paysandbox)")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Nivo - Wallet Statement", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    st = data.statement
    for label, value in (
        ("Account holder", data.holder),
        ("Wallet", f"{data.wallet.id} ({data.wallet.currency})"),
        ("Period", f"{data.start_date.isoformat()} to {data.end_date.isoformat()}"),
        ("Opening balance", data.amount(st.opening_balance)),
        ("Closing balance", data.amount(st.closing_balance)),
        ("Total debits / credits", f"{data.amount(st.total_debits)} / {data.amount(st.total_credits)}"),
        ("Transactions", str(len(data.lines))),
    ):
        pdf.cell(0, 6, _latin(f"{label}: {value}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    widths = (38, 70, 22, 70, 24, 26, 26)
    headers = ("Date", "Transaction", "Type", "Description", "Debit", "Credit", "Balance")
    pdf.set_font("Helvetica", "B", 8)
    for width, head in zip(widths, headers, strict=True):
        pdf.cell(width, 7, head, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 7)
    for line in data.lines:
        cells = (
            line.date,
            line.transaction_id,
            line.type,
            line.description[:48],
            line.debit,
            line.credit,
            line.balance,
        )
        for width, value in zip(widths, cells, strict=True):
            pdf.cell(width, 6, _latin(value), border=1)
        pdf.ln()
    if not data.lines:
        pdf.cell(sum(widths), 7, "No transactions in this period", border=1)
    return bytes(pdf.output())
