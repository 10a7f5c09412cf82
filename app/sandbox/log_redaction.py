"""Keep credentials out of the server log.

Browsers pass tokens in the query string (Cashier's ``?token=<jwt>``, the console's
``/_sandbox/?token=<control token>``), and uvicorn logs every request line with its query string
(and, at ``debug``, every WebSocket upgrade header: ``Authorization``, cookies). This filter on
uvicorn's loggers replaces such values with ``[redacted]`` before a line is written. Installed on
every sandbox (``app/runtime.py:INSTALLERS``); installing it twice adds it once.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.runtime import Sandbox

LOGGERS = ("uvicorn.access", "uvicorn.error")
# Any ``...token=value`` pair: query strings (``token=``, ``access_token=``) and cookies (``drop_token=``).
_QUERY_TOKEN = re.compile(r"(\b[\w-]*token=)[^&;\s\"']*", re.I)
_BEARER = re.compile(r"(bearer\s+)[A-Za-z0-9._~+/=-]+", re.I)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    return _BEARER.sub(rf"\1{REDACTED}", _QUERY_TOKEN.sub(rf"\1{REDACTED}", text))


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _clean(arg) for key, arg in record.args.items()}
        return True


def install(sandbox: Sandbox | None = None) -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
