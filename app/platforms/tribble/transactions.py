"""Transactions (payments to merchants): create, get, list; card charges settled by the simulator.

A payment from the wallet (``paymentMethodId`` omitted, ``"wallet"`` or a walletId) posts
customer wallet -> merchant account at once (``SUCCESS``). A card payment is ``PROCESSING``
until the card processor simulator settles it (settlement -> merchant account). The
``Idempotency-Key`` header makes a retry return the first response and post nothing.
The rules are here; the handlers are in routes/transactions.py.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from litestar import Request

from app.core.clock import iso
from app.core.errors import DomainError
from app.core.identity.models import Principal, User
from app.core.json_text import json_text
from app.core.ledger.models import Account
from app.core.money import parse_amount
from app.lean_response import Response
from app.platforms.tribble import events, kyc, merchants, payment_methods, payments, receipts, risk, wallets
from app.platforms.tribble.errors import TribbleError, invalid, invalid_amount
from app.platforms.tribble.render import account_id_of_wallet, amount, new_id, ts, wallet_id
from app.platforms.tribble.schemas import (
    FraudScoreBrief,
    FraudScoreFull,
    PaymentMethodBrief,
    ProcessorResponse,
    ReceiptLink,
    RiskFactor,
    TransactionCreatedOut,
    TransactionIn,
    TransactionOut,
)
from app.platforms.tribble.store import payment_methods as methods_store
from app.platforms.tribble.store import transactions as store
from app.runtime import Sandbox

# (device id, client IP, country): what the fraud engine scores besides the payment itself.
ClientContext = tuple[str | None, str | None, str | None]
NO_CLIENT: ClientContext = (None, None, None)


async def get_transaction(sandbox: Sandbox, transaction_id: str) -> Any:
    row = await sandbox.db.read(lambda conn: store.transaction_by_id(conn, transaction_id))
    if row is None:
        raise TribbleError("NOT_FOUND", "Transaction not found", {"transactionId": transaction_id})
    return row


async def visible_transaction(sandbox: Sandbox, caller: Principal, transaction_id: str) -> Any:
    """The transaction, if the caller is its customer, its merchant's owner or an admin (else 404)."""
    row = await get_transaction(sandbox, transaction_id)
    if caller.user.is_admin or int(row["customer_user_id"]) == caller.user.id:
        return row
    if row["merchant_id"]:
        merchant = await sandbox.db.read(lambda conn: store.merchant_owner(conn, row["merchant_id"]))
        if merchant is not None and int(merchant["owner_user_id"]) == caller.user.id:
            return row
    raise TribbleError("NOT_FOUND", "Transaction not found", {"transactionId": transaction_id})


def _request_fingerprint(data: TransactionIn, minor: int, currency: str) -> dict[str, Any]:
    return {
        "amount": minor,
        "currency": currency,
        "merchantId": data.merchant_id,
        "paymentMethodId": data.payment_method_id or "wallet",
    }


async def _customer_of(sandbox: Sandbox, caller: Principal, customer_id: str | None) -> User:
    """The paying customer: the caller, or (admins only) the user ``customerId`` names."""
    user = caller.user
    if customer_id is not None and customer_id != user.uuid and not user.is_admin:
        raise TribbleError("FORBIDDEN", "customerId must be the authenticated user", {"field": "customerId"})
    if customer_id is not None and customer_id != user.uuid:
        customer = await sandbox.identity.by_uuid(customer_id)
        if customer is None:
            raise TribbleError("NOT_FOUND", "Customer not found", {"field": "customerId"})
        user = customer
    return user


async def _active_merchant(sandbox: Sandbox, merchant_id: str) -> Any:
    merchant = await merchants.get_merchant(sandbox, merchant_id)
    if merchant["kyc_status"] != "APPROVED":
        raise TribbleError(
            "MERCHANT_INACTIVE",
            "Merchant account is not active",
            {"merchantId": merchant["id"], "kycStatus": merchant["kyc_status"]},
        )
    return merchant


async def _payment_source(
    sandbox: Sandbox, caller: Principal, user: User, pm_ref: str | None, currency: str
) -> tuple[Account | None, Any]:
    """(wallet, None) for the wallet in the payment's currency, (None, card row) for a card."""
    if pm_ref is None or pm_ref == "wallet" or account_id_of_wallet(pm_ref) is not None:
        if pm_ref is not None and pm_ref != "wallet":
            wallet = await wallets.owned_wallet(sandbox, caller, pm_ref, "paymentMethodId")
            if wallet.currency != currency:
                raise TribbleError(
                    "UNPROCESSABLE_ENTITY", "Wallet currency differs from the payment currency", {"field": "currency"}
                )
        else:
            wallet = await wallets.wallet_in_currency(sandbox, user.id, currency)
        if wallet is None:
            raise TribbleError("UNPROCESSABLE_ENTITY", f"No {currency} wallet", {"field": "currency"})
        return wallet, None
    method = await payment_methods.owned_method(sandbox, user.id, pm_ref)
    if method["type"] != "card":
        raise TribbleError(
            "UNPROCESSABLE_ENTITY",
            "Payments are made from the wallet or a card",
            {"field": "paymentMethodId", "message": "Bank accounts cannot pay merchants directly"},
        )
    payment_methods.ensure_usable(sandbox, method)
    return None, method


def _base_row(
    txn_id: str,
    user: User,
    merchant: Any,
    wallet: Account | None,
    method: Any,
    data: TransactionIn,
    minor: int,
    currency: str,
    context: ClientContext,
    key: str | None,
    now: float,
) -> dict[str, Any]:
    device_id, ip, country = context
    return {
        "id": txn_id,
        "kind": "payment",
        "customer_user_id": user.id,
        "merchant_id": merchant["id"],
        "wallet_account_id": wallet.id if wallet else None,
        "payment_method_id": method["id"] if method else (wallet_id(wallet.id) if wallet else None),
        "amount": minor,
        "currency": currency,
        "description": data.description,
        "metadata": json_text(data.metadata),
        "device_id": device_id,
        "ip": ip,
        "country": country,
        "idempotency_key": key,
        "created_at": now,
    }


async def _blocked(
    sandbox: Sandbox,
    request_id: str,
    base: dict[str, Any],
    assessment: risk.Assessment,
    fingerprint: dict[str, Any],
) -> Response[Any]:
    """FRAUD_BLOCK: the payment is stored BLOCKED (the answer a retry gets) and a risk alert goes out."""
    txn_id = base["id"]
    err = TribbleError(
        "FRAUD_BLOCK",
        "Transaction blocked by fraud detection",
        {
            "transactionId": txn_id,
            "riskScore": assessment.score,
            "riskLevel": assessment.level,
            "decision": assessment.decision,
        },
    )
    body = payments.error_body(sandbox, request_id, err)
    await payments.record_blocked(sandbox, base, assessment, {"request": fingerprint, "status": 403, "body": body})
    user_id = int(base["customer_user_id"])
    await events.risk_alert(sandbox, txn_id, user_id, assessment.score, assessment.level, assessment.decision)
    return Response(body, status_code=403)


async def _pay_by_card(
    sandbox: Sandbox,
    base: dict[str, Any],
    method: Any,
    merchant: Any,
    assessment: risk.Assessment,
    brief: FraudScoreBrief,
    fingerprint: dict[str, Any],
    key: str | None,
) -> Response[Any]:
    """Store the payment PROCESSING and start the card charge the card simulator settles."""
    txn_id, minor, currency, now = base["id"], int(base["amount"]), base["currency"], base["created_at"]
    user_id = int(base["customer_user_id"])
    charge_id = new_id("charge")
    out = TransactionCreatedOut(
        transaction_id=txn_id,
        amount=amount(minor, currency),
        currency=currency,
        status="PROCESSING",
        fraud_score=brief,
        created_at=iso(now),
        processor_charge_id=charge_id,
    )
    stored = {"request": fingerprint, "status": 201, "body": payments.to_builtins(out)}
    row = {
        **base,
        "status": "PROCESSING",
        "processor_charge_id": charge_id,
        "processor_status": "pending",
        "response": json_text(stored),
    }

    def run(conn: sqlite3.Connection) -> None:
        payments.insert_row(conn, row, assessment)
        payments.remember_device(conn, user_id, base["device_id"], now)

    try:
        await sandbox.db.write(run)
    except sqlite3.IntegrityError:
        return await payments.replay(sandbox, user_id, key, fingerprint)
    try:
        plan = await sandbox.simulators.operations.start(
            payments.CHARGE_KIND,
            txn_id,
            simulator="card",
            user_id=user_id,
            amount=minor,
            currency=currency,
            inputs={"card_token": method["card_token"], "amount": minor, "card_last4": method["last4"]},
            payload={"merchant_id": merchant["id"]},
        )
    except Exception:
        await wallets.mark_failed(sandbox, txn_id, "Card processor unavailable")
        raise
    headers = {"X-Sandbox-Explain": plan.explain} if plan.explain else {}
    return Response(out, status_code=201, headers=headers)


async def create_payment(
    sandbox: Sandbox,
    caller: Principal,
    data: TransactionIn,
    idempotency_key: str | None = None,
    context: ClientContext = NO_CLIENT,
    request_id: str = "",
) -> Response[Any]:
    """Pay a merchant from the wallet (posted at once) or a card (PROCESSING until the card simulator
    settles it): the answer is the first one for a known ``Idempotency-Key`` (nothing posted again),
    the stored FRAUD_BLOCK envelope (403, ``requestId`` in it) when the fraud engine blocks, else 201."""
    currency = wallets.normalize(data.currency)
    try:
        minor = parse_amount(data.amount, currency)
    except DomainError as exc:
        raise invalid_amount("amount", exc) from None
    user = await _customer_of(sandbox, caller, data.customer_id)
    key = payments.idempotency_key_of(idempotency_key)
    fingerprint = _request_fingerprint(data, minor, currency)
    if key is not None:
        existing = store.lookup_response_by_key(sandbox.db, user.id, key)
        if existing is not None:
            return payments.stored_response(existing, fingerprint)
    if len(data.description) > 500:
        raise invalid("description", "description must be at most 500 characters")
    merchant = await _active_merchant(sandbox, data.merchant_id)
    wallet, method = await _payment_source(sandbox, caller, user, data.payment_method_id, currency)
    await kyc.check_limits(sandbox, user.id, user.kyc_tier, minor, currency)
    device_id, ip, country = context
    assessment = await risk.assess(sandbox, user, minor, currency, device_id=device_id, ip=ip, country=country)
    now = sandbox.clock.time()
    base = _base_row(new_id("txn"), user, merchant, wallet, method, data, minor, currency, context, key, now)
    if assessment.blocks:
        return await _blocked(sandbox, request_id, base, assessment, fingerprint)
    brief = FraudScoreBrief(score=assessment.score, risk_level=assessment.level, decision=assessment.decision)
    if wallet is not None:
        return await payments.pay_from_wallet(
            sandbox, base, wallet.id, merchant, assessment, brief, fingerprint, minor, key
        )
    return await _pay_by_card(sandbox, base, method, merchant, assessment, brief, fingerprint, key)


async def payment_method_brief(sandbox: Sandbox, row: Any) -> PaymentMethodBrief:
    if row["wallet_account_id"] is not None and row["kind"] == "payment":
        return PaymentMethodBrief(type="wallet", wallet_id=wallet_id(int(row["wallet_account_id"])))
    pm = None
    if row["payment_method_id"]:
        pm = await sandbox.db.read(lambda conn: methods_store.method_by_id(conn, row["payment_method_id"]))
    if pm is None:
        return PaymentMethodBrief(type="card")
    if pm["type"] == "card":
        return PaymentMethodBrief(type="card", last4_digits=pm["last4"], brand=pm["brand"])
    return PaymentMethodBrief(type="bank_account", last4_digits=pm["last4"], bank_name=pm["bank_name"])


def fraud_full(row: Any, *, percent_weights: bool = True) -> FraudScoreFull:
    assessment = risk.from_dict(json.loads(row["fraud"] or "{}"))
    return FraudScoreFull(
        score=int(row["fraud_score"]),
        risk_level=row["risk_level"],
        decision=row["decision"],
        risk_factors=[
            RiskFactor(
                name=f.name,
                weight=round(f.weight * 100) if percent_weights else f.weight,
                score=f.score,
                explanation=f.explanation,
            )
            for f in assessment.factors
        ],
    )


async def render_transaction(sandbox: Sandbox, row: Any, base_url: str) -> TransactionOut:
    customer = await sandbox.identity.get_user(int(row["customer_user_id"]))
    processor = None
    if row["processor_status"]:
        processor = ProcessorResponse(
            status=row["processor_status"],
            message=row["processor_message"] or ("Awaiting processor" if row["processor_status"] == "pending" else ""),
        )
    receipt = None
    if row["status"] == "SUCCESS":
        rec = await receipts.ensure_receipt(sandbox, row)
        receipt = ReceiptLink(receipt_id=rec["id"], url=receipts.receipt_url(base_url, rec["id"], "pdf"))
    return TransactionOut(
        transaction_id=row["id"],
        type=row["kind"].upper(),
        amount=amount(int(row["amount"]), row["currency"]),
        currency=row["currency"],
        customer_id=customer.uuid if customer else "",
        merchant_id=row["merchant_id"],
        status=row["status"],
        description=row["description"],
        metadata=json.loads(row["metadata"] or "{}"),
        fraud_score=fraud_full(row),
        payment_method=await payment_method_brief(sandbox, row),
        processor_charge_id=row["processor_charge_id"],
        processor_response=processor,
        receipt=receipt,
        created_at=iso(row["created_at"]),
        completed_at=ts(row["completed_at"]),
    )


def base_url_of(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")
