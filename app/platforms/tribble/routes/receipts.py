"""Receipt routes: a transaction's receipt, generate or e-mail it, the signing key, the receipt files."""

from __future__ import annotations

import json
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import QueryParameter

from app.core.clock import iso
from app.core.identity.models import Principal
from app.lean_response import Response
from app.platforms.tribble import receipts
from app.platforms.tribble.errors import TribbleError, invalid
from app.platforms.tribble.schemas import Base, ReceiptGeneratedOut, ReceiptGenerateIn, ReceiptOut
from app.platforms.tribble.store import receipts as receipt_store
from app.platforms.tribble.transactions import visible_transaction
from app.registry import SandboxDep
from app.runtime import Sandbox

GENERATE_FORMATS = ("email", "pdf", "json")


class SigningKeyOut(Base):
    algorithm: str
    key: str
    canonicalization: str


async def _receipt_for(sandbox: Sandbox, caller: Principal, transaction_id: str) -> Any:
    txn = await visible_transaction(sandbox, caller, transaction_id)
    if txn["status"] != "SUCCESS":
        raise TribbleError(
            "UNPROCESSABLE_ENTITY",
            "A receipt is available once the transaction has succeeded",
            {"transactionId": transaction_id, "status": txn["status"]},
        )
    return txn, await receipts.ensure_receipt(sandbox, txn)


@get("/transactions/{transactionId:str}/receipt", summary="Receipt of a transaction", tags=["tribble: receipts"])
async def get_receipt(
    request: Request[Any, Any, Any],
    caller: Principal,
    sandbox: SandboxDep,
    transactionId: str,
    fmt: Annotated[str, QueryParameter(name="format", description="pdf or json")] = "pdf",
) -> ReceiptOut:
    if fmt not in receipts.FORMATS:
        raise invalid("format", "format must be 'pdf' or 'json'")
    txn, rec = await _receipt_for(sandbox, caller, transactionId)
    return ReceiptOut(
        receipt_id=rec["id"],
        transaction_id=txn["id"],
        format=fmt,
        url=receipts.receipt_url(str(request.base_url).rstrip("/"), rec["id"], fmt),
        digital_signature=rec["signature"],
        created_at=iso(rec["created_at"]),
        expires_at=iso(rec["expires_at"]),
    )


@post(
    "/transactions/{transactionId:str}/receipt/generate",
    status_code=201,
    summary="Generate or send a receipt",
    tags=["tribble: receipts"],
)
async def generate_receipt(
    request: Request[Any, Any, Any],
    caller: Principal,
    sandbox: SandboxDep,
    transactionId: str,
    data: ReceiptGenerateIn,
) -> ReceiptGeneratedOut:
    if data.format not in GENERATE_FORMATS:
        raise invalid("format", "format must be 'email', 'pdf' or 'json'")
    txn, rec = await _receipt_for(sandbox, caller, transactionId)
    base = str(request.base_url).rstrip("/")
    now = sandbox.clock.time()
    if data.format != "email":
        return ReceiptGeneratedOut(
            receipt_id=rec["id"],
            format=data.format,
            status="GENERATED",
            recipient=None,
            sent_at=iso(now),
            message="Receipt generated successfully",
            url=receipts.receipt_url(base, rec["id"], data.format),
        )
    recipient = (data.recipient or caller.user.email).strip()
    if "@" not in recipient or " " in recipient or len(recipient) > 254:
        raise invalid("recipient", "recipient must be an email address")
    payload = json.loads(rec["payload"])
    body = (
        f"Receipt {rec['id']} for transaction {txn['id']}\n"
        f"Amount: {payload['amount']:,.2f} {payload['currency']}\n"
        f"Merchant: {payload.get('merchantName') or payload.get('merchantId')}\n"
        f"PDF: {receipts.receipt_url(base, rec['id'], 'pdf')}\n"
        f"Digital signature: {rec['signature']}\n"
    )
    await sandbox.identity.deliver(
        "email", recipient, f"Your receipt {rec['id']}", body, purpose="tribble_receipt", user_id=caller.user.id
    )
    return ReceiptGeneratedOut(
        receipt_id=rec["id"],
        format="email",
        status="SENT",
        recipient=recipient,
        sent_at=iso(now),
        message="Receipt sent successfully",
        url=receipts.receipt_url(base, rec["id"], "pdf"),
    )


@get("/receipts/signing-key", summary="Receipt signature key (sandbox extension)", tags=["tribble: receipts"])
async def signing_key(caller: Principal, sandbox: SandboxDep) -> SigningKeyOut:
    return SigningKeyOut(
        algorithm="HMAC-SHA256",
        key=await receipts.load_secret(sandbox),
        canonicalization="JSON of the payload, keys sorted, separators ',' and ':', UTF-8",
    )


@get("/receipts/{receiptFile:str}", summary="Receipt document (PDF or JSON)", tags=["tribble: receipts"])
async def receipt_file(sandbox: SandboxDep, receiptFile: str) -> Response[Any]:
    name, _, ext = receiptFile.rpartition(".")
    if ext not in receipts.FORMATS or not name:
        raise TribbleError("NOT_FOUND", "Receipt not found")
    rec = await sandbox.db.read(lambda conn: receipt_store.receipt_by_id(conn, name))
    if rec is None or rec["expires_at"] <= sandbox.clock.time():
        raise TribbleError("NOT_FOUND", "Receipt not found")
    payload = json.loads(rec["payload"])
    if ext == "json":
        return Response({"payload": payload, "digitalSignature": rec["signature"], "algorithm": "HMAC-SHA256"})
    return Response(
        receipts.render_pdf(payload, rec["signature"]),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


ROUTES = [get_receipt, generate_receipt, signing_key, receipt_file]
