"""Tribble's seeded data: merchants (the demo merchant approved), KYC documents, cards, wallet fundings,
payments to merchants and airtime top-ups, with Tribble's own rows (refunds and disputes:
``seeds.tribble_refunds``; plans and subscriptions: ``seeds.subscriptions``).

Legs follow Tribble's code: a funding pays the wallet (and the fee) from the card settlement
account; a wallet payment moves the wallet to the merchant's ledger account (owner ``merchant``,
owner id = the merchant's ``seq``); an airtime top-up pays the NGN settlement account.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from app.core.ledger.models import Journal, Leg
from seeds import cashier
from seeds.cashier import CashierWorld
from seeds.context import Seeder
from seeds.world import SeedUser, World

_INDUSTRIES = ("retail", "food_and_beverage", "travel", "education", "health", "software", "utilities")
_BRANDS = (("VISA", "4"), ("MASTERCARD", "5"), ("VERVE", "506"))
_PROVIDERS = ("mtn", "airtel", "glo", "9mobile")


def tid(seeder: Seeder, prefix: str) -> str:
    """Tribble ids: ``txn-`` + 20 hex digits."""
    return f"{prefix}-{seeder.rng.getrandbits(80):020x}"


@dataclass(slots=True)
class Merchant:
    id: str
    seq: int
    owner: int
    name: str
    accounts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class TribbleWorld:
    merchants: list[Merchant] = field(default_factory=list)
    cards: dict[int, str] = field(default_factory=dict)  # user id -> default card payment method id
    payments: list[tuple[str, SeedUser, Merchant, int, str, int]] = field(default_factory=list)


def merchant_account(seeder: Seeder, merchant: Merchant, currency: str) -> int:
    account = merchant.accounts.get(currency)
    if account is None:
        account = seeder.account("merchant", merchant.seq, currency, label=merchant.name)
        merchant.accounts[currency] = account
    return account


def setup(seeder: Seeder, world: World) -> TribbleWorld:
    tw = TribbleWorld()
    rng = seeder.rng
    owners = [u for u in world.users if u.demo == "merchant" or (u.business and u.country != "NO")]
    for seq, owner in enumerate(owners, start=1):
        name = "Paysandbox Demo Store" if owner.demo == "merchant" else f"{owner.last_name} {rng.choice(_SUFFIX)}"
        merchant = Merchant(tid(seeder, "merchant"), seq, owner.id, name)
        seeder.conn.execute(
            "INSERT INTO tribble_merchants (id, seq, owner_user_id, business_name, entity_type, tax_id, industry,"
            " kyc_status, risk_level, bank_account_id, bank_code, bank_account_masked, bank_account_holder,"
            " bank_verified, settlement, created_at, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'APPROVED', ?, ?, ?, ?,"
            " ?, 1, '{}', ?, ?)",
            (
                merchant.id,
                seq,
                owner.id,
                name,
                "limited_company",
                f"TIN-{rng.randrange(10**8, 10**9)}",
                rng.choice(_INDUSTRIES),
                "low",
                tid(seeder, "bank"),
                "058",
                f"******{rng.randrange(1000, 10000)}",
                owner.full_name,
                seeder.now,
                seeder.now,
            ),
        )
        tw.merchants.append(merchant)
    for user in world.users:
        if not user.active or rng.random() < 0.3 and not user.demo:
            continue
        brand, lead = rng.choice(_BRANDS)
        token = f"tok_{rng.getrandbits(96):024x}"
        last4 = f"{rng.randrange(10000):04d}"
        exp_year = 2027 + rng.randrange(4)
        seeder.conn.execute(
            "INSERT INTO sim_card_tokens (token, brand, bin, last4, exp_month, exp_year, behaviour, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'default', ?)",
            (
                token,
                brand,
                f"{lead}{rng.randrange(10 ** (6 - len(lead)), 10 ** (7 - len(lead)) - 1)}"[:6],
                last4,
                1 + rng.randrange(12),
                exp_year,
                seeder.now,
            ),
        )
        method_id = tid(seeder, "card")
        seeder.conn.execute(
            "INSERT INTO tribble_payment_methods (id, user_id, type, card_token, last4, brand, cardholder_name,"
            " expiry_month, expiry_year, is_default, is_active, created_at) VALUES (?, ?, 'card', ?, ?, ?, ?, ?, ?,"
            " 1, 1, ?)",
            (
                method_id,
                user.id,
                token,
                last4,
                brand,
                user.full_name.upper(),
                1 + rng.randrange(12),
                exp_year,
                seeder.now,
            ),
        )
        tw.cards[user.id] = method_id
    for user in world.users:
        kyc_documents(seeder, user)
    return tw


_DOC_STATUS = {"approved": "VERIFIED", "submitted": "PENDING_REVIEW", "rejected": "REJECTED"}
# A tiny placeholder standing in for the uploaded scan (keeps the example database small).
_PLACEHOLDER = b"%PDF-1.4\n% paysandbox seeded KYC document placeholder\n%%EOF\n"


def kyc_documents(seeder: Seeder, user: SeedUser) -> None:
    """The KYC submission behind each user's KYC state (what ``GET /auth/kyc-status`` lists)."""
    status = _DOC_STATUS.get(user.kyc_status)
    if status is None:
        return
    identity = "bvn" if user.country == "NG" else seeder.rng.choice(("national_id", "passport", "drivers_license"))
    documents = [identity, "selfie"] + (["proof_of_address"] if user.kyc_tier >= 2 else [])
    if user.business:
        documents.append("business_registration")
    submission = tid(seeder, "kyc-submission")
    uploaded = seeder.now - seeder.rng.uniform(5, 60) * 86_400
    verified = uploaded + 60 if status != "PENDING_REVIEW" else None
    for document_type in documents:
        id_number = "0000000000" if status == "REJECTED" else f"{seeder.rng.randrange(10**9, 10**10)}"
        ocr = {"fullName": user.full_name, "idNumber": id_number} if document_type == identity else {}
        seeder.conn.execute(
            "INSERT INTO tribble_kyc_documents (id, submission_id, user_id, document_type, filename, content_type,"
            " size, content, ocr, status, uploaded_at, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tid(seeder, "kycdoc"),
                submission,
                user.id,
                document_type,
                f"{document_type}.pdf",
                "application/pdf",
                len(_PLACEHOLDER),
                _PLACEHOLDER,
                json.dumps(ocr),
                status,
                uploaded,
                verified,
            ),
        )


_SUFFIX = ("Stores", "Ventures", "Enterprises", "Foods", "Digital", "Logistics")


def _insert_txn(conn: sqlite3.Connection, values: dict[str, object]) -> None:
    conn.execute(
        f"INSERT INTO tribble_transactions ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )


def fund(seeder: Seeder, tw: TribbleWorld, user: SeedUser, currency: str) -> None:
    wallet = user.wallets.get(currency)
    card = tw.cards.get(user.id)
    if wallet is None or card is None:
        return
    amount = seeder.amount(currency, 10, 400)
    fee = seeder.fee("tribble", "fund", currency, amount)
    txn = tid(seeder, "txn")
    now = seeder.now
    legs = [Leg(seeder.system("settlement", currency), wallet, amount, description="Wallet funding")]
    if fee > 0:
        legs.append(
            Leg(
                seeder.system("settlement", currency),
                seeder.system("fees", currency),
                fee,
                kind="fee",
                description="Wallet funding fee",
            )
        )

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        _insert_txn(
            conn,
            {
                "id": txn,
                "kind": "fund",
                "customer_user_id": user.id,
                "wallet_account_id": wallet,
                "payment_method_id": card,
                "amount": amount,
                "fee": fee,
                "currency": currency,
                "status": "SUCCESS",
                "description": "Wallet funding",
                "processor_charge_id": tid(seeder, "charge"),
                "processor_status": "success",
                "processor_message": "Transaction completed successfully",
                "journal_id": journal.id,
                "country": user.country,
                "created_at": now - 3,
                "completed_at": now,
            },
        )

    seeder.post(
        "TRANSACTION_TYPE_DEPOSIT",
        legs,
        description=f"Tribble wallet funding {txn}",
        key=f"op:{txn}:completed",
        metadata={"platform": "tribble", "transactionId": txn},
        on_posted=on_posted,
    )


def payment(
    seeder: Seeder, tw: TribbleWorld, cw: CashierWorld, user: SeedUser, currency: str, merchant: Merchant | None = None
) -> None:
    merchants = [m for m in tw.merchants if m.owner != user.id]
    if not merchants or currency not in user.wallets:
        return
    merchant = merchant or seeder.rng.choice(merchants)
    amount = seeder.amount(currency, 2, 150)
    if not cashier.ensure_funds(seeder, cw, user, currency, amount):
        return
    txn = tid(seeder, "txn")
    now = seeder.now
    description = seeder.rng.choice(("Order", "Groceries", "Subscription", "Tickets", "Lunch", "Electronics"))
    score = seeder.rng.randrange(0, 40)

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        _insert_txn(
            conn,
            {
                "id": txn,
                "kind": "payment",
                "customer_user_id": user.id,
                "merchant_id": merchant.id,
                "wallet_account_id": user.wallets[currency],
                "amount": amount,
                "fee": 0,
                "currency": currency,
                "status": "SUCCESS",
                "description": description,
                "metadata": json.dumps({"orderId": f"ORD-{journal.id}"}),
                "fraud": json.dumps({"score": score, "riskLevel": "LOW", "decision": "ALLOW"}),
                "fraud_score": score,
                "risk_level": "LOW",
                "decision": "ALLOW",
                "journal_id": journal.id,
                "country": user.country,
                "created_at": now,
                "completed_at": now,
            },
        )

    journal = seeder.post(
        "TRANSACTION_TYPE_PAYMENT",
        [Leg(user.wallets[currency], merchant_account(seeder, merchant, currency), amount, description=description)],
        description=f"Tribble payment {txn} to {merchant.name}",
        key=f"tribble:payment:{txn}",
        metadata={"platform": "tribble", "transactionId": txn, "merchantId": merchant.id},
        on_posted=on_posted,
    )
    if journal is not None:
        tw.payments.append((txn, user, merchant, amount, currency, journal.id))


def airtime(seeder: Seeder, cw: CashierWorld, user: SeedUser) -> None:
    if "NGN" not in user.wallets:
        return
    amount = seeder.rng.choice((100, 200, 500, 1000, 2000, 5000)) * 100
    if not cashier.ensure_funds(seeder, cw, user, "NGN", amount):
        return
    provider = seeder.rng.choice(_PROVIDERS)
    topup_id, reference = tid(seeder, "bill-txn"), tid(seeder, "ref")
    now = seeder.now

    def on_posted(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "INSERT INTO tribble_topups (id, user_id, provider, phone, amount, currency, status, reference,"
            " wallet_account_id, journal_id, created_at, completed_at) VALUES (?, ?, ?, ?, ?, 'NGN', 'SUCCESS', ?, ?,"
            " ?, ?, ?)",
            (topup_id, user.id, provider, user.phone, amount, reference, user.wallets["NGN"], journal.id, now, now),
        )

    seeder.post(
        "TRANSACTION_TYPE_PAYMENT",
        [Leg(user.wallets["NGN"], seeder.system("settlement", "NGN"), amount, description=f"Airtime {provider}")],
        description=f"Tribble airtime top-up {topup_id}",
        key=f"tribble:topup:{topup_id}",
        metadata={"platform": "tribble", "topupId": topup_id, "provider": provider},
        on_posted=on_posted,
    )
