"""Core errors. Each platform maps them onto its own envelope, status codes and wording.

``code`` is a stable machine name (``insufficient_funds``, ``not_found``, ...); ``message``
is a human sentence; ``details`` carries structured context (e.g. available balance) that a
platform may render in its own words.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str = "", *, code: str | None = None, **details: Any) -> None:
        super().__init__(message or self.code)
        if code is not None:
            self.code = code
        self.message = message or self.code
        self.details = details


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class ValidationFailed(DomainError):
    code = "validation_error"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthorized(DomainError):
    code = "unauthorized"


class InsufficientFunds(DomainError):
    code = "insufficient_funds"


class AccountUnavailable(DomainError):
    """Account locked, inactive or frozen."""

    code = "account_unavailable"


class IdempotencyMismatch(DomainError):
    """The same idempotency key was reused with different parameters."""

    code = "idempotency_mismatch"


class RateLimited(DomainError):
    code = "rate_limited"


class LimitExceeded(DomainError):
    code = "limit_exceeded"
