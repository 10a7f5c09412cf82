"""Building Drop responses: rate-limit headers, the request's X-Request-ID, the banks simulator."""

from __future__ import annotations

from typing import Any, TypeVar

from litestar import Request

from app.lean_response import Response
from app.platforms.drop.limits import limit_headers
from app.runtime import Sandbox
from simulators.banks import OpenBankingBanks
from simulators.banks import install as install_banks

T = TypeVar("T")


def ok(
    request: Request[Any, Any, Any], body: T, status: int = 200, headers: dict[str, str] | None = None
) -> Response[T]:
    return Response(body, status_code=status, headers={**limit_headers(request), **(headers or {})})


def client_request_id(request: Request[Any, Any, Any]) -> str | None:
    """The client's own X-Request-ID (the idempotency id of money routes); None when it sent none."""
    value = request.headers.get("x-request-id")
    return value.strip()[:200] if value and value.strip() else None


def banks_of(sandbox: Sandbox) -> OpenBankingBanks:
    banks: OpenBankingBanks | None = sandbox.extras.get("banks")
    return banks if banks is not None else install_banks(sandbox)
