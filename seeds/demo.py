"""The documented demo accounts: always present in a seeded database, password ``Sandbox123!``.

They are inserted first, so their numeric ids are fixed (alice 1 ... admin 6); their uuids come
from the seed's random source like everyone else's.
"""

from __future__ import annotations

from dataclasses import dataclass

from seeds.constants import CURRENCIES


@dataclass(frozen=True, slots=True)
class DemoUser:
    key: str
    email: str
    first_name: str
    last_name: str
    phone: str
    country: str
    date_of_birth: str
    kyc_status: str
    kyc_tier: int
    roles: tuple[str, ...]
    currencies: tuple[str, ...]  # wallets opened (and funded when ``funded``)
    funded: bool
    purpose: str
    account_type: str = "individual"
    totp: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "alice",
        "alice@paysandbox.test",
        "Alice",
        "Achieng",
        "+919800000001",
        "KE",
        "1990-04-12",
        "approved",
        2,
        ("user",),
        CURRENCIES,
        True,
        "Everyday user: funded in every currency, KYC approved tier 2, history on every platform",
    ),
    DemoUser(
        "bob",
        "bob@paysandbox.test",
        "Bob",
        "Okafor",
        "+919800000002",
        "NG",
        "1988-09-30",
        "approved",
        2,
        ("user",),
        ("USD", "EUR", "KES", "NGN", "INR", "NOK"),
        True,
        "Funded counterparty: Alice's T-Wallet contact and Nivo beneficiary; send money between them",
    ),
    DemoUser(
        "carol",
        "carol@paysandbox.test",
        "Carol",
        "Wanjiru",
        "+254700000003",
        "KE",
        "1995-01-22",
        "pending",
        0,
        ("user",),
        ("KES",),
        False,
        "KYC pending, tier 0: try the KYC flows and tier limits; empty wallet",
    ),
    DemoUser(
        "dave",
        "dave@paysandbox.test",
        "Dave",
        "Adeyemi",
        "+2348030000004",
        "NG",
        "1985-07-08",
        "approved",
        1,
        ("user",),
        ("NGN", "USD"),
        True,
        "2FA on (TOTP with the documented secret): Cashier verify_totp and step-up flows",
        totp=True,
    ),
    DemoUser(
        "merchant",
        "merchant@paysandbox.test",
        "Maren",
        "Merchant",
        "+4791000005",
        "NO",
        "1980-11-02",
        "approved",
        3,
        ("user", "merchant"),
        ("USD", "NOK"),
        True,
        "Approved merchant: a Tribble merchant (payments, refunds) and a Drop merchant (QR payments)",
        account_type="business",
    ),
    DemoUser(
        "admin",
        "admin@paysandbox.test",
        "Ada",
        "Admin",
        "+447700900006",
        "GB",
        "1979-03-15",
        "approved",
        3,
        ("user", "admin"),
        ("USD",),
        False,
        "Admin role: Tribble's admin routes (merchant KYC review: approve, reject)",
    ),
)
DEMO_BY_KEY = {d.key: d for d in DEMO_USERS}
