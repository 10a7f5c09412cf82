"""Payment method routes: add a card or bank account, list them, remove one (rules: payment_methods.py)."""

from __future__ import annotations

from litestar import delete, get, post

from app.core.identity.models import Principal
from app.platforms.tribble.pagination import ListQuery, apply
from app.platforms.tribble.payment_methods import add_method, methods_of, remove_method, render
from app.platforms.tribble.schemas import (
    PaymentMethodDeletedOut,
    PaymentMethodIn,
    PaymentMethodListOut,
    PaymentMethodOut,
)
from app.registry import SandboxDep


@post("/payment-methods", status_code=201, summary="Add a card or bank account", tags=["tribble: payment methods"])
async def add_payment_method(caller: Principal, sandbox: SandboxDep, data: PaymentMethodIn) -> PaymentMethodOut:
    row, message = await add_method(sandbox, caller.user.id, data)
    return render(row, full=True, message=message)


@get("/payment-methods", summary="List payment methods", tags=["tribble: payment methods"])
async def list_payment_methods(caller: Principal, sandbox: SandboxDep, listing: ListQuery) -> PaymentMethodListOut:
    rows = await methods_of(sandbox, caller.user.id)
    page, total = apply(
        rows,
        listing,
        status=lambda r: "ACTIVE" if r["is_active"] else "INACTIVE",
        created=lambda r: r["created_at"],
        text=lambda r: (r["type"], r["brand"], r["last4"], r["cardholder_name"], r["bank_name"], r["account_holder"]),
        sort_keys={
            "createdAt": lambda r: r["created_at"],
            "type": lambda r: r["type"],
            "isDefault": lambda r: r["is_default"],
        },
    )
    return PaymentMethodListOut(payment_methods=[render(r) for r in page], pagination=listing.page(total))


@delete(
    "/payment-methods/{paymentMethodId:str}",
    status_code=200,
    summary="Remove a payment method",
    tags=["tribble: payment methods"],
)
async def delete_payment_method(
    caller: Principal,
    sandbox: SandboxDep,
    paymentMethodId: str,
) -> PaymentMethodDeletedOut:
    row = await remove_method(sandbox, caller.user.id, paymentMethodId)
    return PaymentMethodDeletedOut(message="Payment method deleted successfully", payment_method_id=row["id"])


ROUTES = [add_payment_method, list_payment_methods, delete_payment_method]
