"""Each platform's error envelope, as its contract documents it, and a protected probe route.

``assert_envelope(platform, response)`` fails when a 4xx/5xx body is not in the platform's own
shape; the reliability tests use it for every hostile request they send.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError as exc:
        raise AssertionError(f"{resp.request.method} {resp.request.url.path}: not JSON: {resp.text[:300]!r}") from exc


def drop_error(resp: httpx.Response) -> str:
    body = _json(resp)
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    assert isinstance(body.get("message"), str) and isinstance(body.get("details"), list), body
    return str(body["error"])


def tribble_error(resp: httpx.Response) -> str:
    body = _json(resp)
    assert isinstance(body, dict), body
    for key in ("statusCode", "errorCode", "message", "timestamp", "requestId"):
        assert key in body, (key, body)
    assert body["statusCode"] == resp.status_code, body
    return str(body["errorCode"])


def nivo_error(resp: httpx.Response) -> str:
    body = _json(resp)
    assert isinstance(body, dict) and body.get("success") is False, body
    error = body.get("error")
    assert isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)
    return str(error["code"])


def twallet_error(resp: httpx.Response) -> str:
    # Authentication failures are plain bodies as the guide shows them; everything else {"code", "msg": [...]}.
    if resp.status_code in (401, 403, 498) and not resp.headers.get("content-type", "").startswith("application/json"):
        assert resp.text.strip(), "empty T-Wallet auth error"
        return resp.text.strip()
    body = _json(resp)
    assert isinstance(body, dict) and body.get("code") == resp.status_code, body
    assert isinstance(body.get("msg"), list) and all(isinstance(m, str) for m in body["msg"]), body
    return str(body["msg"][0] if body["msg"] else "")


ENVELOPES: dict[str, Callable[[httpx.Response], str]] = {
    "drop": drop_error,
    "tribble": tribble_error,
    "nivo": nivo_error,
    "twallet": twallet_error,
}


def _prefixes() -> list[tuple[str, str]]:
    from app.asgi import load_platforms

    pairs = [(prefix, spec.name) for spec in load_platforms() for prefix in spec.path_prefixes]
    return sorted(pairs, key=lambda p: -len(p[0]))


def platform_of(path: str) -> str | None:
    """The platform whose envelope renders errors under ``path`` (app/asgi.py's longest-prefix rule)."""
    for prefix, name in _prefixes():
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return name if name in ENVELOPES else None
    return None


def assert_envelope(resp: httpx.Response, platform: str | None = None) -> str:
    """The error code of a 4xx in its platform's envelope (never a 5xx)."""
    assert resp.status_code < 500, f"{resp.request.method} {resp.request.url}: {resp.status_code} {resp.text[:500]}"
    platform = platform or platform_of(resp.request.url.path)
    assert platform is not None, resp.request.url.path
    return ENVELOPES[platform](resp)


def auth_headers(platform: str, token: str) -> dict[str, str]:
    if platform == "twallet":
        return {"X-Authorization": token}
    return {"Authorization": f"Bearer {token}"}


# A route of each platform that needs a valid token.
PROBES: dict[str, tuple[str, str]] = {
    "drop": ("GET", "/api/auth/me"),
    "tribble": ("GET", "/api/v1/users/profile"),
    "nivo": ("GET", "/api/v1/wallet/wallets"),
    "twallet": ("GET", "/profile/"),
}
