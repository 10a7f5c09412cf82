"""Receipts: one per successful transaction, signed, served by the sandbox as a real PDF.

``digitalSignature`` is ``"sig_" + hex(HMAC-SHA256(key, canonical JSON of the receipt payload))``;
the canonical JSON is ``json.dumps(payload, sort_keys=True, separators=(",", ":"))``. The
payload and the signature are served at ``/api/v1/receipts/<receiptId>.json``; the key at
``GET /api/v1/receipts/signing-key`` (any authenticated user: it is a sandbox).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from typing import Any

from fpdf import FPDF

from app.core.clock import iso
from app.platforms.tribble.render import amount, new_id, ts
from app.platforms.tribble.store import receipts as store
from app.runtime import Sandbox

SECRET_KEY = "tribble.receipt_secret"
RECEIPT_LIFETIME = 100 * 365 * 86400
FORMATS = ("pdf", "json")


async def load_secret(sandbox: Sandbox) -> str:
    cached = sandbox.extras.get(SECRET_KEY)
    if isinstance(cached, str):
        return cached

    def run(conn: sqlite3.Connection) -> str:
        return store.secret_in(conn, SECRET_KEY, secrets.token_hex(32))

    secret = str(await sandbox.db.write(run))
    sandbox.extras[SECRET_KEY] = secret
    return secret


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, payload: dict[str, Any]) -> str:
    return "sig_" + hmac.new(secret.encode(), canonical(payload), hashlib.sha256).hexdigest()


def receipt_url(base_url: str, receipt_id: str, fmt: str) -> str:
    return f"{base_url}/api/v1/receipts/{receipt_id}.{fmt}"


async def ensure_receipt(sandbox: Sandbox, txn: Any) -> Any:
    """The transaction's receipt row, created (and signed) on first use."""
    row = await sandbox.db.read(lambda conn: store.receipt_of_transaction(conn, txn["id"]))
    if row is not None:
        return row
    secret = await load_secret(sandbox)
    customer = await sandbox.identity.get_user(int(txn["customer_user_id"]))
    merchant = None
    if txn["merchant_id"]:
        merchant = await sandbox.db.read(lambda conn: store.merchant_name(conn, txn["merchant_id"]))
    receipt_id = new_id("rcpt")
    now = sandbox.clock.time()
    payload = {
        "receiptId": receipt_id,
        "transactionId": txn["id"],
        "type": txn["kind"].upper(),
        "amount": amount(int(txn["amount"]), txn["currency"]),
        "amountMinor": int(txn["amount"]),
        "fee": amount(int(txn["fee"]), txn["currency"]),
        "currency": txn["currency"],
        "status": txn["status"],
        "description": txn["description"],
        "customerId": customer.uuid if customer else None,
        "customerName": customer.full_name if customer else None,
        "merchantId": txn["merchant_id"],
        "merchantName": merchant["business_name"] if merchant else None,
        "transactionDate": ts(txn["created_at"]),
        "completedAt": ts(txn["completed_at"]),
        "issuedAt": iso(now),
    }
    signature = sign(secret, payload)

    document = json.dumps(payload)

    def run(conn: sqlite3.Connection) -> Any:
        return store.insert_receipt(conn, receipt_id, txn["id"], document, signature, now, now + RECEIPT_LIFETIME)

    return await sandbox.db.write(run)


def render_pdf(payload: dict[str, Any], signature: str) -> bytes:
    def text(value: Any) -> str:
        return str(value if value is not None else "-").encode("latin-1", "replace").decode("latin-1")

    pdf = FPDF()
    pdf.set_title(text(f"Receipt {payload['receiptId']}"))
    pdf.set_creator("Paysandbox (Ubiquitous Tribble)")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, "Ubiquitous Tribble - Payment Receipt", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    rows = [
        ("Receipt", payload["receiptId"]),
        ("Transaction", payload["transactionId"]),
        ("Type", payload["type"]),
        ("Amount", f"{payload['amount']:,.2f} {payload['currency']}"),
        ("Status", payload["status"]),
        ("Merchant", payload.get("merchantName") or payload.get("merchantId")),
        ("Customer", payload.get("customerName")),
        ("Description", payload.get("description")),
        ("Date", payload.get("transactionDate")),
        ("Completed", payload.get("completedAt")),
        ("Issued", payload.get("issuedAt")),
    ]
    for label, value in rows:
        pdf.cell(40, 8, text(label), new_x="RIGHT", new_y="TOP")
        pdf.cell(0, 8, text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Courier", size=8)
    pdf.multi_cell(0, 5, text(f"Digital signature (HMAC-SHA256): {signature}"))
    return bytes(pdf.output())
