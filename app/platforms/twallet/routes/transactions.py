"""``GET /profile/payment_transaction``: the caller's sends, sent and/or received, newest first."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import Parameter, QueryParameter

from app.core.identity.models import User
from app.core.numbers import INT64_MAX, INT64_MIN
from app.platforms.twallet import render, sends
from app.platforms.twallet import schemas as s
from app.platforms.twallet.auth import GuardedController
from app.platforms.twallet.errors import TWalletError
from app.registry import SandboxDep


class TransactionController(GuardedController):
    path = "/profile"

    @get(
        "/payment_transaction",
        operation_id="twalletListPaymentTransactions",
        opt={"twallet_op": "transaction"},
    )
    async def list_payment_transactions(
        self,
        sandbox: SandboxDep,
        user: User,
        type_: Annotated[
            int, QueryParameter(name="type", ge=INT64_MIN, le=INT64_MAX, description="1 sent, 2 received, 3 all")
        ] = render.TYPE_ALL,
        page: Annotated[int, Parameter(ge=1, le=1_000_000)] = 1,  # bounded: keeps OFFSET inside SQLite's integers
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> s.PaymentTransactionPage:
        if type_ not in render.TRANSACTION_TYPES:
            raise TWalletError(400, "type must be 1 (sent), 2 (received) or 3 (all)")
        rows, total = await sends.list_transactions(sandbox, user.id, kind=type_, page=page, limit=limit)
        data = [render.payment_transaction(row, user.id, recipient, sender) for row, sender, recipient in rows]
        return s.PaymentTransactionPage(data=data, page=page, limit=limit, total=total)
