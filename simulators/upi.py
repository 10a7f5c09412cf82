"""The UPI payment service provider: virtual payment addresses ``name@psp`` and the known PSP handles.

A UPI deposit is an operation on the simulator ``upi``: by default it completes after a delay
drawn uniformly between 3 and 10 s (Nivo's "will complete in 3-10 seconds"); magic UPI ids
(``fail@upi``, ``timeout@upi``, ``pending@upi``, ``success@upi``) force an outcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class Psp:
    handle: str
    name: str


PSPS: tuple[Psp, ...] = (
    Psp("upi", "BHIM (NPCI)"),
    Psp("paytm", "Paytm Payments Bank"),
    Psp("ybl", "PhonePe (Yes Bank)"),
    Psp("ibl", "PhonePe (ICICI Bank)"),
    Psp("axl", "PhonePe (Axis Bank)"),
    Psp("okaxis", "Google Pay (Axis Bank)"),
    Psp("okhdfcbank", "Google Pay (HDFC Bank)"),
    Psp("okicici", "Google Pay (ICICI Bank)"),
    Psp("oksbi", "Google Pay (State Bank of India)"),
    Psp("apl", "Amazon Pay"),
    Psp("ptyes", "Paytm (Yes Bank)"),
    Psp("ptaxis", "Paytm (Axis Bank)"),
    Psp("pthdfc", "Paytm (HDFC Bank)"),
    Psp("ptsbi", "Paytm (State Bank of India)"),
    Psp("sbi", "State Bank of India"),
    Psp("hdfcbank", "HDFC Bank"),
    Psp("icici", "ICICI Bank"),
    Psp("axisbank", "Axis Bank"),
    Psp("kotak", "Kotak Mahindra Bank"),
    Psp("yesbank", "Yes Bank"),
    Psp("airtel", "Airtel Payments Bank"),
    Psp("freecharge", "Freecharge"),
    Psp("jio", "Jio Payments Bank"),
)
_HANDLES = {p.handle for p in PSPS}
_VPA = re.compile(r"^[a-z0-9][a-z0-9._-]{1,255}@([a-z][a-z0-9]{1,63})$")


def parse(upi_id: object) -> tuple[str, str]:
    """(name, psp handle) of a valid UPI id; ValidationFailed(invalid_upi_id) otherwise."""
    if not isinstance(upi_id, str) or not upi_id.strip():
        raise ValidationFailed("upi_id is required (format name@psp, e.g. user@paytm)", code="invalid_upi_id")
    text = upi_id.strip().lower()
    match = _VPA.match(text)
    if not match:
        raise ValidationFailed(f"invalid UPI id {upi_id!r}: expected name@psp, e.g. user@paytm", code="invalid_upi_id")
    handle = match.group(1)
    if handle not in _HANDLES:
        raise ValidationFailed(
            f"unknown UPI handle @{handle}; known: {', '.join(sorted(_HANDLES))}", code="invalid_upi_id"
        )
    return text.split("@", 1)[0], handle


class UpiPsp:
    """``hub.upi``."""

    simulator = "upi"

    def validate(self, upi_id: object) -> None:
        parse(upi_id)

    def normalise(self, upi_id: object) -> str:
        name, handle = parse(upi_id)
        return f"{name}@{handle}"

    def psps(self) -> list[Psp]:
        return list(PSPS)

    def handles(self) -> list[str]:
        return [p.handle for p in PSPS]
