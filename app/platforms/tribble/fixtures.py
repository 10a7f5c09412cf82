"""Fixture items of Tribble: merchants, cards, payments, subscriptions and disputes.

Each is made by the domain function the REST call's handler calls, for the item's user (a principal
of that user, as if their token had been presented), so every rule of the contract applies:
``tribble_merchants`` registers (then approves or rejects as an admin review does),
``tribble_cards`` tokenises through the card simulator, ``tribble_payments`` pays a merchant from
the wallet or a card, ``tribble_subscriptions`` creates the merchant's plan and enrols the
customer (``past_due``: the first charge fails, as with a declining card), ``tribble_disputes``
opens a dispute on a paid payment. A card payment ``processing`` or ``requires_3ds`` is held
pending by the operations simulator (a 3DS card, 4000002500003155, for ``requires_3ds``);
``succeeded`` and ``failed`` then settle it as ``/_sandbox/operations/{ref}/complete|fail`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

import msgspec

from app.core import fixture_kinds
from app.core.errors import DomainError, ValidationFailed
from app.core.fixture_kinds import Built, Declared, FixtureKind, Issue, Ref
from app.core.identity.models import Principal, User
from app.core.ledger.postings import MAX_MINOR
from app.core.money import normalize_currency, to_float
from app.lean_response import Response
from app.platforms.tribble import admin, merchants, payment_methods, subscriptions, transactions
from app.platforms.tribble.billing import DECLINING, FREQUENCIES
from app.platforms.tribble.disputes import REASONS, open_dispute
from app.platforms.tribble.errors import TribbleError
from app.platforms.tribble.render import wallet_id
from app.platforms.tribble.schemas import PaymentMethodIn, TransactionIn
from app.platforms.tribble.schemas.disputes import DisputeIn
from app.platforms.tribble.schemas.merchants import MerchantRegisterIn
from app.platforms.tribble.schemas.subscriptions import PlanIn, SubscribeIn
from app.platforms.tribble.wallets import wallet_in_currency
from simulators.operations import held_pending

if TYPE_CHECKING:
    from app.runtime import Sandbox

Amount = Annotated[int, msgspec.Meta(gt=0, le=MAX_MINOR, description="minor units")]
Currency = Annotated[str, msgspec.Meta(min_length=3, max_length=3)]
EntityType = Literal["sole_proprietor", "partnership", "limited_company", "public_company", "non_profit", "individual"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
Reason = Literal[
    "product_not_received",
    "product_not_as_described",
    "unauthorized",
    "fraudulent",
    "duplicate",
    "subscription_cancelled",
    "credit_not_processed",
    "other",
]
# The Literals copy the platform's own lists (their errors name the same choices).
assert get_args(EntityType) == merchants.ENTITY_TYPES
assert get_args(Frequency) == FREQUENCIES
assert get_args(Reason) == REASONS
THREE_DS = "requires_3ds"


class Merchant(msgspec.Struct, forbid_unknown_fields=True):
    owner: str  # "@user" (gets the merchant role)
    business_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    entity_type: EntityType = "limited_company"
    tax_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z-]{6,20}$")] = "RC-1000001"
    industry: Annotated[str, msgspec.Meta(max_length=100)] = ""
    kyc_status: Literal["APPROVED", "PENDING", "REJECTED"] = "APPROVED"


class Card(msgspec.Struct, forbid_unknown_fields=True):
    owner: str  # "@user"
    number: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{12,19}$", description="a test card, e.g. 4242424242424242")]
    expiry_month: Annotated[int, msgspec.Meta(ge=1, le=12)] = 12
    expiry_year: Annotated[int, msgspec.Meta(ge=2000, le=2100)] = 2030
    cvv: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{3,4}$")] | None = None  # 123 (1234 for American Express)
    cardholder_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    is_default: bool = False


class Payment(msgspec.Struct, forbid_unknown_fields=True):
    customer: str  # "@user"
    merchant: str  # "@merchant" (APPROVED)
    amount: Amount
    currency: Currency
    card: str | None = None  # "@card" of the customer; none: the customer's wallet in the currency
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""
    state: Literal["succeeded", "processing", "requires_3ds", "failed"] = "succeeded"


class Plan(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    amount: Amount
    currency: Currency
    frequency: Frequency = "monthly"
    interval: Annotated[int, msgspec.Meta(ge=1, le=12)] = 1
    trial_days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 0
    setup_fee: Annotated[int, msgspec.Meta(ge=0, le=MAX_MINOR)] = 0


class Subscription(msgspec.Struct, forbid_unknown_fields=True):
    customer: str  # "@user"
    merchant: str  # "@merchant" (APPROVED): the plan is created for it
    plan: Plan
    card: str | None = None  # "@card" of the customer; none: the wallet
    status: Literal["active", "past_due"] = "active"


class Dispute(msgspec.Struct, forbid_unknown_fields=True):
    payment: str  # "@payment" that succeeded
    reason: Reason = "product_not_received"
    description: Annotated[str, msgspec.Meta(max_length=2000)] = ""


# -- helpers -------------------------------------------------------------------------------------
def _as(user: User) -> Principal:
    """The user's principal, as a token of theirs would give it (the fixture acts as that user)."""
    return Principal(user=user, claims={"sub": user.uuid, "uid": user.id, "fixture": True}, jti="fixture", scope="full")


def _domain(exc: TribbleError) -> DomainError:
    detail = f" ({exc.details})" if exc.details else ""
    return ValidationFailed(f"Tribble refused: {exc.message}{detail}", code=exc.error_code.lower())


def _behaviour(sandbox: Sandbox, number: str) -> str:
    return str(sandbox.simulators.cards.inspect(number).behaviour)


def _declared_card(doc: Declared, ref: str | None) -> Card | None:
    return None if ref is None else doc.declared(ref)[1]


def _balance(doc: Declared, customer: str, currency: str) -> int | None:
    _, user = doc.declared(customer)
    found = [b.amount for b in user.balances if b.currency.upper() == currency and (b.platform or "") != "drop"]
    return found[0] if found else None


def _card_owner_issue(doc: Declared, card: str | None, customer: str) -> list[Issue]:
    declared = _declared_card(doc, card)
    if declared is not None and doc.user_name(declared.owner).lower() != doc.user_name(customer).lower():
        return [("card", f"{card} belongs to {declared.owner}, not to {customer}")]
    return []


def _merchant_issue(doc: Declared, merchant: str) -> list[Issue]:
    _, declared = doc.declared(merchant)
    if declared.kyc_status != "APPROVED":
        return [("merchant", f"{merchant} is {declared.kyc_status}: only an APPROVED merchant takes payments")]
    return []


# -- merchants -----------------------------------------------------------------------------------
async def _apply_merchant(name: str, item: Merchant, built: Built) -> dict[str, Any]:
    sandbox = built.sandbox
    owner = await built.user(item.owner)
    data = MerchantRegisterIn(
        business_name=item.business_name, entity_type=item.entity_type, tax_id=item.tax_id, industry=item.industry
    )
    try:
        merchant_id, *_ = await merchants.register(sandbox, owner.id, data)
        if item.kyc_status == "APPROVED":
            await admin.approve(sandbox, merchant_id, f"fixture {name}")
        elif item.kyc_status == "REJECTED":
            await admin.reject(sandbox, merchant_id, "fixture", f"fixture {name}")
    except TribbleError as exc:
        raise _domain(exc) from None
    return {"tribble": {"merchantId": merchant_id, "kycStatus": item.kyc_status}}


# -- cards ---------------------------------------------------------------------------------------
async def _check_card(item: Card, doc: Declared) -> list[Issue]:
    info = doc.sandbox.simulators.cards.inspect(item.number)
    if not info.luhn_ok:
        return [("number", "fails the Luhn check (use a test card such as 4242424242424242)")]
    cvv_length = 4 if info.brand == "AMEX" else 3
    if item.cvv is not None and len(item.cvv) != cvv_length:
        return [("cvv", f"a {info.brand} card has a {cvv_length}-digit CVV")]
    if payment_methods.card_expired(doc.sandbox, item.expiry_month, item.expiry_year):
        return [("expiry_year", "the card has expired on the sandbox clock")]
    return []


async def _apply_card(name: str, item: Card, built: Built) -> dict[str, Any]:
    sandbox = built.sandbox
    owner = await built.user(item.owner)
    brand = sandbox.simulators.cards.inspect(item.number).brand
    data = PaymentMethodIn(
        type="card",
        card_number=item.number,
        cardholder_name=item.cardholder_name or f"{owner.first_name} {owner.last_name}".strip() or owner.email,
        expiry_month=item.expiry_month,
        expiry_year=item.expiry_year,
        cvv=item.cvv or ("1234" if brand == "AMEX" else "123"),
        is_default=item.is_default,
    )
    try:
        row, _ = await payment_methods.add_method(sandbox, owner.id, data)
    except TribbleError as exc:
        raise _domain(exc) from None
    return {"tribble": {"paymentMethodId": row["id"], "last4Digits": row["last4"], "brand": row["brand"]}}


# -- payments ------------------------------------------------------------------------------------
async def _check_payment(item: Payment, doc: Declared) -> list[Issue]:
    issues = _merchant_issue(doc, item.merchant) + _card_owner_issue(doc, item.card, item.customer)
    try:
        currency = normalize_currency(item.currency)
    except DomainError as exc:
        return [*issues, ("currency", exc.message)]
    card = _declared_card(doc, item.card)
    if card is None:
        if item.state != "succeeded":
            issues.append(("state", "a wallet payment completes at once: its state is succeeded (use a card)"))
        balance = _balance(doc, item.customer, currency)
        if balance is not None and balance < item.amount:
            issues.append(("amount", f"{item.customer}'s {currency} balance ({balance}) does not cover it"))
        return issues
    behaviour = _behaviour(doc.sandbox, card.number)
    if item.state == THREE_DS and behaviour != THREE_DS:
        issues.append(("card", f"{item.card} is no 3D Secure card: use 4000002500003155 for requires_3ds"))
    if item.state in ("succeeded", "processing") and behaviour in DECLINING:
        issues.append(("card", f"{item.card} is a declining test card ({behaviour}); its state can only be failed"))
    return issues


async def _apply_payment(name: str, item: Payment, built: Built) -> dict[str, Any]:
    sandbox = built.sandbox
    customer = await built.user(item.customer)
    currency = normalize_currency(item.currency)
    method = None
    if item.card is not None:
        method = built.ids(item.card)["tribble"]["paymentMethodId"]
    else:
        wallet = await wallet_in_currency(sandbox, customer.id, currency)
        method = wallet_id(wallet.id) if wallet is not None else None
    data = TransactionIn(
        amount=to_float(item.amount, currency),
        currency=currency,
        merchant_id=built.ids(item.merchant)["tribble"]["merchantId"],
        payment_method_id=method,
        description=item.description or f"fixture {name}",
    )
    pending = "3D Secure authentication required" if item.state == THREE_DS else "the card processor is working on it"
    try:
        with held_pending(f"fixture {name}: {pending}"):
            # No client headers: no device, IP or country for the fraud checks.
            response = await transactions.create_payment(sandbox, _as(customer), data, f"fixture:{name}")
    except TribbleError as exc:
        raise _domain(exc) from None
    body = _body(response)
    if response.status_code != 201:
        raise ValidationFailed(f"Tribble refused: {body.get('message', body)}", code=str(body.get("errorCode", "")))
    txn_id = str(body["transactionId"])
    if item.card is not None and item.state in ("succeeded", "failed"):
        status = "completed" if item.state == "succeeded" else "failed"
        await sandbox.simulators.operations.settle(
            txn_id, status, "Your card was declined." if status == "failed" else None
        )
    row = await transactions.get_transaction(sandbox, txn_id)
    return {"tribble": {"transactionId": txn_id, "status": row["status"]}, "operation": txn_id if item.card else None}


def _body(response: Response[Any]) -> dict[str, Any]:
    content = response.content
    if isinstance(content, dict):
        return content
    found: dict[str, Any] = msgspec.to_builtins(content)
    return found


# -- subscriptions -------------------------------------------------------------------------------
async def _check_subscription(item: Subscription, doc: Declared) -> list[Issue]:
    issues = _merchant_issue(doc, item.merchant) + _card_owner_issue(doc, item.card, item.customer)
    try:
        currency = normalize_currency(item.plan.currency)
    except DomainError as exc:
        return [*issues, ("plan.currency", exc.message)]
    card = _declared_card(doc, item.card)
    if card is not None:
        fails = _behaviour(doc.sandbox, card.number) in DECLINING
    else:
        balance = _balance(doc, item.customer, currency)
        fails = balance is not None and balance < item.plan.setup_fee + item.plan.amount
    if item.plan.setup_fee and fails:
        issues.append(("plan.setup_fee", "the setup fee would be refused and the enrolment cancelled"))
    elif item.status == "past_due":
        if item.plan.trial_days:
            issues.append(("plan.trial_days", "a trial defers the first charge: past_due needs trial_days 0"))
        elif not fails:
            issues.append(("status", "past_due needs a first charge that fails: a declining card (4000000000000002)"))
    elif fails and not item.plan.trial_days:
        issues.append(("status", "the first charge would fail (the subscription would be past_due)"))
    return issues


async def _apply_subscription(name: str, item: Subscription, built: Built) -> dict[str, Any]:
    sandbox = built.sandbox
    merchant_id = built.ids(item.merchant)["tribble"]["merchantId"]
    merchant = await merchants.get_merchant(sandbox, merchant_id)
    owner = await sandbox.identity.get_user(int(merchant["owner_user_id"]))
    customer = await built.user(item.customer)
    assert owner is not None
    plan = item.plan
    currency = normalize_currency(plan.currency)
    plan_in = PlanIn(
        plan_name=plan.name,
        amount=to_float(plan.amount, currency),
        currency=currency,
        billing_frequency=plan.frequency,
        billing_interval=plan.interval,
        trial_period_days=plan.trial_days,
        setup_fee=to_float(plan.setup_fee, currency),
        merchant_id=merchant_id,
    )
    method = built.ids(item.card)["tribble"]["paymentMethodId"] if item.card is not None else "wallet"
    try:
        plan_id, *_ = await subscriptions.add_plan(sandbox, _as(owner), plan_in)
        enrolment = SubscribeIn(plan_id=plan_id, payment_method_id=method)
        _, sub_id, sub, _, _ = await subscriptions.enrol(sandbox, _as(customer), enrolment)
    except TribbleError as exc:
        raise _domain(exc) from None
    wanted, status = item.status.upper(), sub["status"]
    if status != wanted:
        raise ValidationFailed(f"the subscription is {status} after enrolment, not {wanted}", code="unexpected_state")
    return {"tribble": {"subscriptionId": sub_id, "planId": plan_id, "status": status}}


# -- disputes ------------------------------------------------------------------------------------
async def _check_dispute(item: Dispute, doc: Declared) -> list[Issue]:
    _, payment = doc.declared(item.payment)
    if payment.state != "succeeded":
        return [("payment", f"{item.payment} is {payment.state}: only a succeeded payment can be disputed")]
    return []


async def _apply_dispute(name: str, item: Dispute, built: Built) -> dict[str, Any]:
    _, payment = built.declared(item.payment)
    customer = await built.user(payment.customer)
    txn_id = built.ids(item.payment)["tribble"]["transactionId"]
    try:
        data = DisputeIn(reason=item.reason, description=item.description)
        dispute_id, *_ = await open_dispute(built.sandbox, _as(customer), txn_id, data)
    except TribbleError as exc:
        raise _domain(exc) from None
    return {"tribble": {"disputeId": dispute_id, "transactionId": txn_id, "status": "OPEN"}}


def _account_kinds() -> tuple[FixtureKind, ...]:
    """Merchants, cards and payments."""
    users = ("users",)
    return (
        FixtureKind(
            "tribble_merchants",
            "tribble",
            20,
            "a Tribble merchant of owner, kyc_status APPROVED (default), PENDING or REJECTED",
            Merchant,
            _apply_merchant,
            (Ref("owner", users),),
        ),
        FixtureKind(
            "tribble_cards",
            "tribble",
            30,
            "a card payment method of owner, tokenised by the card simulator (test cards: GET /_sandbox/magic)",
            Card,
            _apply_card,
            (Ref("owner", users),),
            _check_card,
        ),
        FixtureKind(
            "tribble_payments",
            "tribble",
            40,
            "a payment to a merchant from the wallet or a card: succeeded, processing, requires_3ds or failed",
            Payment,
            _apply_payment,
            (
                Ref("customer", users),
                Ref("merchant", ("tribble_merchants",)),
                Ref("card", ("tribble_cards",), optional=True),
            ),
            _check_payment,
        ),
    )


def _follow_up_kinds() -> tuple[FixtureKind, ...]:
    """Subscriptions and disputes (on the merchants, cards and payments)."""
    users = ("users",)
    return (
        FixtureKind(
            "tribble_subscriptions",
            "tribble",
            50,
            "a plan of a merchant and the customer's subscription to it: active or past_due",
            Subscription,
            _apply_subscription,
            (
                Ref("customer", users),
                Ref("merchant", ("tribble_merchants",)),
                Ref("card", ("tribble_cards",), optional=True),
            ),
            _check_subscription,
        ),
        FixtureKind(
            "tribble_disputes",
            "tribble",
            60,
            "an OPEN dispute on a succeeded payment (the merchant's funds are held)",
            Dispute,
            _apply_dispute,
            (Ref("payment", ("tribble_payments",)),),
            _check_dispute,
        ),
    )


def install(sandbox: Sandbox) -> None:
    fixture_kinds.register(sandbox, *_account_kinds(), *_follow_up_kinds())
