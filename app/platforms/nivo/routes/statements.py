"""Nivo spending summary and statements at the gateway: /api/v1/transaction/wallets/{wallet_id}/... (Flow 9)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from litestar import get
from litestar.params import QueryParameter

from app.lean_response import Response
from app.platforms.nivo import schemas as s
from app.platforms.nivo import statements
from app.platforms.nivo.auth import NivoCaller
from app.registry import SandboxDep


@get(
    "/wallets/{wallet_id:str}/spending-summary",
    summary="Spending by category for a period",
    operation_id="nivoSpendingSummary",
)
async def spending_summary(
    wallet_id: str,
    caller: NivoCaller,
    sandbox: SandboxDep,
    period: str = "monthly",
    on: Annotated[str | None, QueryParameter(name="date", description="a day in the period (YYYY-MM-DD)")] = None,
) -> s.SpendingSummaryEnvelope:
    out = await statements.spending_summary(sandbox, caller.user.id, wallet_id, period, on)
    return s.SpendingSummaryEnvelope(success=True, data=out)


@get(
    "/wallets/{wallet_id:str}/statements/csv",
    summary="Statement as CSV",
    operation_id="nivoStatementCsv",
    media_type="text/csv",
)
async def statement_csv_route(
    wallet_id: str, caller: NivoCaller, sandbox: SandboxDep, start_date: str | None = None, end_date: str | None = None
) -> Response[str]:
    data = await statements.load_statement(sandbox, caller, wallet_id, start_date, end_date)
    return Response(
        statements.statement_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{statements.statement_filename(data, "csv")}"'},
    )


@get(
    "/wallets/{wallet_id:str}/statements/pdf",
    summary="Statement as PDF",
    operation_id="nivoStatementPdf",
    media_type="application/pdf",
)
async def statement_pdf_route(
    wallet_id: str, caller: NivoCaller, sandbox: SandboxDep, start_date: str | None = None, end_date: str | None = None
) -> Response[bytes]:
    data = await statements.load_statement(sandbox, caller, wallet_id, start_date, end_date)
    body = await asyncio.to_thread(statements.statement_pdf, data)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{statements.statement_filename(data, "pdf")}"'},
    )


HANDLERS = [spending_summary, statement_csv_route, statement_pdf_route]
