"""``drop_transactions``: remittances and QR payments, each with its request key and first response.

A transaction row is written in the savepoint of its ledger journal (``insert_*_in`` from the
journal's ``on_posted``), so the journal, the row and the idempotency record are one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.db.database import Database

TABLE = "drop_transactions"


def transaction_by_id(db: Database, tx_id: str) -> Awaitable[sqlite3.Row | None]:
    return db.fetchone("SELECT * FROM drop_transactions WHERE id = ?", (tx_id,))


def first_request(db: Database, request_key: str) -> sqlite3.Row | None:
    """``request_summary`` and ``response`` of the transaction made under ``request_key``, read inline."""
    return db.lookup("SELECT request_summary, response FROM drop_transactions WHERE request_key = ?", (request_key,))


def response_of_journal(db: Database, journal_id: int) -> Awaitable[sqlite3.Row | None]:
    """``response`` of the transaction posted as ``journal_id``."""
    return db.fetchone("SELECT response FROM drop_transactions WHERE journal_id = ?", (journal_id,))


def remittance_to_settle(db: Database, tx_id: str) -> Awaitable[sqlite3.Row | None]:
    """The transaction with its recipient's account (``destination``) and the sender's ``bank``."""
    return db.fetchone(
        "SELECT t.*, r.bank_account AS destination, b.bank AS bank FROM drop_transactions t "
        "JOIN ob_bank_accounts b ON b.id = t.bank_account_id "
        "LEFT JOIN drop_recipients r ON r.id = t.recipient_id WHERE t.id = ?",
        (tx_id,),
    )


def processing_remittances(db: Database) -> Awaitable[list[sqlite3.Row]]:
    """Ids of every remittance still ``processing``."""
    return db.fetchall("SELECT id FROM drop_transactions WHERE type = 'remittance' AND status = 'processing'")


def transactions_of(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    """Every transaction of the user, oldest first (the data export)."""
    return db.fetchall("SELECT * FROM drop_transactions WHERE user_id = ? ORDER BY created_at, rowid", (user_id,))


def summary_rows(db: Database, user_id: int) -> Awaitable[list[sqlite3.Row]]:
    """``type``, ``status``, ``amount``, ``created_at`` of every transaction of the user."""
    return db.fetchall("SELECT type, status, amount, created_at FROM drop_transactions WHERE user_id = ?", (user_id,))


def merchant_totals(db: Database, merchant_id: str, since: float) -> Awaitable[sqlite3.Row | None]:
    """``n``, ``revenue`` and ``fees`` of the merchant's completed payments since ``since``."""
    return db.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS revenue, COALESCE(SUM(fee), 0) AS fees "
        "FROM drop_transactions WHERE merchant_id = ? AND status = 'completed' AND created_at >= ?",
        (merchant_id, since),
    )


def insert_remittance_in(
    conn: sqlite3.Connection,
    tx_id: str,
    user_id: int,
    *,
    amount: int,
    currency: str,
    fee: int,
    receive_amount: int,
    receive_currency: str,
    exchange_rate: str,
    recipient: sqlite3.Row,
    bank_account_id: int,
    bank_name: str,
    journal_id: int,
    request_key: str | None,
    request_summary: str,
    response: str,
    now: float,
) -> None:
    """A remittance, status ``processing``, to ``recipient`` (a ``drop_recipients`` row)."""
    conn.execute(
        "INSERT INTO drop_transactions (id, user_id, type, status, amount, currency, fee, receive_amount, "
        "receive_currency, exchange_rate, recipient_id, recipient_name, recipient_country, bank_account_id, "
        "bank_name, journal_id, request_key, request_summary, response, created_at, updated_at) "
        "VALUES (?, ?, 'remittance', 'processing', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            tx_id,
            user_id,
            amount,
            currency,
            fee,
            receive_amount,
            receive_currency,
            exchange_rate,
            recipient["id"],
            recipient["name"],
            recipient["country"],
            bank_account_id,
            bank_name,
            journal_id,
            request_key,
            request_summary,
            response,
            now,
            now,
        ),
    )


def insert_qr_payment_in(
    conn: sqlite3.Connection,
    tx_id: str,
    user_id: int,
    *,
    amount: int,
    currency: str,
    fee: int,
    merchant: sqlite3.Row,
    customer_name: str,
    bank_account_id: int,
    bank_name: str,
    journal_id: int,
    request_key: str | None,
    request_summary: str,
    response: str,
    now: float,
) -> None:
    """A QR payment to ``merchant`` (a ``drop_merchants`` row), ``completed`` at ``now``."""
    conn.execute(
        "INSERT INTO drop_transactions (id, user_id, type, status, amount, currency, fee, merchant_id, "
        "merchant_name, customer_name, bank_account_id, bank_name, journal_id, request_key, request_summary, "
        "response, created_at, updated_at, completed_at) "
        "VALUES (?, ?, 'qr_payment', 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            tx_id,
            user_id,
            amount,
            currency,
            fee,
            merchant["id"],
            merchant["business_name"],
            customer_name,
            bank_account_id,
            bank_name,
            journal_id,
            request_key,
            request_summary,
            response,
            now,
            now,
            now,
        ),
    )


def set_outcome_in(conn: sqlite3.Connection, tx_id: str, status: str, reason: str | None, now: float) -> None:
    """A remittance's settled status (``completed_at`` set when it is ``completed``)."""
    conn.execute(
        "UPDATE drop_transactions SET status = ?, failure_reason = ?, updated_at = ?, "
        "completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END WHERE id = ?",
        (status, reason, now, status, now, tx_id),
    )
