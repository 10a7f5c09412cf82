"""Cashier's routes: the WebSocket at ``WS_PATH`` (``socket``) and one module per group of request types.

``socket`` authenticates the upgrade and serves frames in order; ``dispatch`` (beside this package)
checks each frame and hands its ``data`` Struct to the request type's handler here: ``accounts``,
``partners``, ``verification``, ``deposits``, ``withdrawals``, ``transfers``, ``history``,
``statements``, ``fees``. A handler calls one domain function and renders the reply.
"""

from app.platforms.cashier.errors import WS_PATH

__all__ = ["WS_PATH"]
