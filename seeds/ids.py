"""Platform-shaped ids drawn from the seed's random source (so a seed reproduces them)."""

from __future__ import annotations

import random
import uuid as uuidlib
from datetime import UTC, datetime


def hex_id(rng: random.Random, prefix: str, digits: int = 16) -> str:
    return f"{prefix}_{rng.getrandbits(digits * 4):0{digits}x}"


def uuid4(rng: random.Random) -> str:
    return str(uuidlib.UUID(int=rng.getrandbits(128), version=4))


def day_ref(prefix: str, now: float, seq: int) -> str:
    """``DEP-REQ-20251214-007`` style request references."""
    return f"{prefix}-{datetime.fromtimestamp(now, UTC):%Y%m%d}-{seq:03d}"
