"""D days of history: every day a shuffled, time-ordered stream of transactions of every kind.

Each active user makes about ``RATE`` transactions a day, of a kind fitting their country
(Kenya cash-outs at agents, Nigeria airtime, India UPI, Norway Drop remittances and QR
payments, everyone deposits, withdraws, transfers, converts, sends and pays merchants); the
demo users are busier so their statements are full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from seeds import cashier, drop, nivo, subscriptions, tribble, tribble_refunds, twallet
from seeds.cashier import CashierWorld
from seeds.constants import DAY
from seeds.context import Seeder
from seeds.drop import DropWorld
from seeds.nivo import NivoWorld
from seeds.subscriptions import Billing
from seeds.tribble import TribbleWorld
from seeds.world import SeedUser, World

RATE = 0.6  # transactions per active user per day
DEMO_RATE = {"alice": 4, "bob": 2, "dave": 1, "merchant": 1}


@dataclass(slots=True)
class Worlds:
    world: World
    cashier: CashierWorld
    drop: DropWorld
    nivo: NivoWorld
    tribble: TribbleWorld
    billing: Billing
    open_disputes_after: float = float("inf")  # disputes opened after this instant stay OPEN


Action = Callable[[Seeder, Worlds, SeedUser], None]


def _currency(seeder: Seeder, user: SeedUser) -> str:
    if user.currency in user.wallets and seeder.rng.random() < 0.8:
        return user.currency
    return seeder.rng.choice(sorted(user.wallets))


def _peer(seeder: Seeder, w: Worlds, user: SeedUser, currency: str) -> SeedUser | None:
    if user.demo == "alice" and seeder.rng.random() < 0.3:
        return w.world.demo["bob"]
    pool = w.world.by_currency.get(currency, [])
    for _ in range(4):
        if not pool:
            return None
        other = pool[seeder.rng.randrange(len(pool))]
        if other.id != user.id:
            return other
    return None


def do_deposit(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    cashier.deposit(seeder, w.cashier, user, _currency(seeder, user))


def do_withdrawal(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    cashier.withdrawal(seeder, w.cashier, user)


def do_agent(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    cashier.withdrawal(seeder, w.cashier, user, via_agent=True)


def do_transfer(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    currency = _currency(seeder, user)
    peer = _peer(seeder, w, user, currency)
    if peer is not None:
        cashier.transfer(seeder, w.cashier, user, peer, currency)


def do_send(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    currency = _currency(seeder, user)
    peer = _peer(seeder, w, user, currency)
    if peer is not None:
        twallet.send(seeder, w.cashier, user, peer, currency)


def do_convert(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    cashier.conversion(seeder, w.cashier, user)


def do_fund(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    tribble.fund(seeder, w.tribble, user, _currency(seeder, user))


def do_pay(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    tribble.payment(seeder, w.tribble, w.cashier, user, _currency(seeder, user))
    roll = seeder.rng.random()
    if roll < 0.05:
        tribble_refunds.refund(seeder, w.tribble)
    elif roll < 0.07:
        resolve = seeder.now < w.open_disputes_after
        tribble_refunds.dispute(seeder, w.tribble, w.world.demo["admin"], resolve=resolve)


def do_subscribe(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    if seeder.rng.random() < 0.2:
        subscriptions.cancel(seeder, w.billing, user)
    else:
        subscriptions.subscribe(seeder, w.billing, user)


def do_airtime(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    tribble.airtime(seeder, w.cashier, user)


def do_upi(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    nivo.upi_deposit(seeder, w.nivo, user)


def do_nivo_transfer(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    if w.nivo.users:
        other = w.world.demo["bob"] if user.demo == "alice" else seeder.rng.choice(w.nivo.users)
        nivo.transfer(seeder, w.nivo, user, other)


def do_remit(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    drop.remittance(seeder, w.drop, user)


def do_qr(seeder: Seeder, w: Worlds, user: SeedUser) -> None:
    drop.qr_payment(seeder, w.drop, user)


COMMON: tuple[tuple[Action, int], ...] = (
    (do_deposit, 3),
    (do_withdrawal, 2),
    (do_transfer, 3),
    (do_send, 2),
    (do_convert, 1),
    (do_fund, 2),
    (do_pay, 4),
    (do_subscribe, 1),
)
BY_COUNTRY: dict[str, tuple[tuple[Action, int], ...]] = {
    "KE": ((do_agent, 3),),
    "NG": ((do_airtime, 3),),
    "IN": ((do_upi, 3), (do_nivo_transfer, 3)),
    "NO": ((do_remit, 4), (do_qr, 4)),
}
ALICE: tuple[tuple[Action, int], ...] = (
    *COMMON,
    (do_agent, 1),
    (do_airtime, 1),
    (do_upi, 1),
    (do_nivo_transfer, 1),
    (do_remit, 2),
    (do_qr, 2),
)


def _menu(user: SeedUser) -> tuple[tuple[Action, int], ...]:
    if user.demo == "alice":
        return ALICE
    return COMMON + BY_COUNTRY.get(user.country, ())


def tour(seeder: Seeder, w: Worlds, start: float) -> None:
    """The documented demo state: Alice and Bob subscribe to the demo merchant's plans (Premium has a 7-day
    trial), Alice does every kind of transaction once (and Bob sends her money) so every platform shows her
    history, and Bob disputes a payment to the demo merchant (an OPEN dispute for the admin to resolve)."""
    alice, bob = w.world.demo["alice"], w.world.demo["bob"]
    seeder.now = start
    demo_plans = [p for p in w.billing.plans if p.merchant.owner == w.world.demo["merchant"].id]
    for person, name in ((alice, "Premium"), (bob, "Basic")):
        chosen = next((p for p in demo_plans if p.spec.name == name), None)
        if chosen is not None:
            seeder.now += 60
            sub = subscriptions.subscribe(seeder, w.billing, person, chosen)
            if sub is not None:
                sub.pinned = True
    for action, _ in ALICE:
        seeder.now += 300
        action(seeder, w, alice)
    seeder.now += 300
    twallet.send(seeder, w.cashier, bob, alice, "USD")
    store = next((m for m in w.tribble.merchants if m.owner == w.world.demo["merchant"].id), None)
    if store is not None:
        seeder.now += 300
        tribble.payment(seeder, w.tribble, w.cashier, bob, "USD", merchant=store)
        if w.tribble.payments and w.tribble.payments[-1][2] is store:
            seeder.now += 300
            tribble_refunds.dispute(seeder, w.tribble, w.world.demo["admin"], resolve=False, latest=True)
    seeder.commit_point()


SETUP_SECONDS = 3 * 3600.0  # the first hours of day one: opening balances, platform setup, Alice's tour


def run(seeder: Seeder, w: Worlds, start: float, days: int) -> None:
    """Days ``start`` .. ``start + days`` (the end of history); the first hours are left to the setup."""
    rng = seeder.rng
    w.open_disputes_after = start + max(days - 3, 0) * DAY
    tour(seeder, w, start + SETUP_SECONDS - 2 * 3600)
    active = [u for u in w.world.users if u.active and not u.demo]
    menus = {u.id: _menu(u) for u in w.world.users}
    demo = [(w.world.demo[k], n) for k, n in DEMO_RATE.items() if k in w.world.demo]
    for day in range(days):
        day_start = start + day * DAY + (SETUP_SECONDS if day == 0 else 0.0)
        span = DAY - (SETUP_SECONDS if day == 0 else 0.0)
        count = int(len(active) * RATE * rng.uniform(0.8, 1.2)) if active else 0
        events = [(day_start + rng.random() * span, active[rng.randrange(len(active))]) for _ in range(count)]
        for user, per_day in demo:
            events += [(day_start + rng.random() * span, user) for _ in range(per_day)]
        events.sort(key=lambda e: (e[0], e[1].id))
        for when, user in events:
            subscriptions.charge_due(seeder, w.cashier, w.billing, when)
            seeder.now = when
            menu = menus[user.id]
            action = rng.choices([a for a, _ in menu], weights=[wt for _, wt in menu])[0]
            action(seeder, w, user)
            seeder.commit_point()
    end = start + days * DAY
    subscriptions.charge_due(seeder, w.cashier, w.billing, end)
    seeder.now = end
    subscriptions.schedule_renewals(seeder, w.billing)
