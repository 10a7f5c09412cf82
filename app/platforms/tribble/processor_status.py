"""A card-processor-backed transaction (card payment, wallet funding) leaving PROCESSING: the
statements live in ``store/processor_status.py``; this name stays for payments.py and wallets.py."""

from __future__ import annotations

from app.platforms.tribble.store.processor_status import fail_in, succeed_in

__all__ = ["fail_in", "succeed_in"]
