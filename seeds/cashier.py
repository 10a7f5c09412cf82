"""Cashier's seeded history: partner deposits, withdrawals (two-phase holds), agent cash-outs,
transfers and conversions, with Cashier's request rows (``cashier_deposits``/``cashier_withdrawals``).

Legs follow Cashier's settlement code: a deposit pays ``amount - fee`` from the partner float to
the wallet and ``fee`` to the fee account; a withdrawal holds ``amount + fee`` and posts it to the
partner (or agent) float and the fee account, or voids the hold when the partner fails it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from decimal import Decimal

from app.core.ledger.models import Journal, Leg
from app.core.money import apply_rate
from seeds.context import Seeder
from seeds.ids import day_ref
from seeds.world import SeedUser, World


@dataclass(slots=True)
class Partner:
    id: str
    name: str
    service: str
    payment_method: str
    country: str
    accounts: dict[str, int]


@dataclass(slots=True)
class Agent:
    id: str
    name: str
    country: str
    commission_rate: Decimal
    accounts: dict[str, int]
    commission_accounts: dict[str, int]


@dataclass(slots=True)
class CashierWorld:
    partners: list[Partner] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    day_seq: dict[str, int] = field(default_factory=dict)

    def partner_for(self, currency: str, country: str) -> Partner | None:
        serving = [p for p in self.partners if currency in p.accounts]
        local = [p for p in serving if p.country == country]
        return (local or serving or [None])[0]

    def ref(self, prefix: str, now: float) -> str:
        key = day_ref(prefix, now, 0)[:-4]
        self.day_seq[key] = self.day_seq.get(key, 0) + 1
        return day_ref(prefix, now, self.day_seq[key])


def setup(seeder: Seeder, world: World) -> CashierWorld:
    cw = CashierWorld()
    owned: dict[tuple[str, str, str], int] = {}
    for kind, owner, currency, purpose, account_id in seeder.conn.execute(
        "SELECT owner_kind, owner_id, currency, purpose, account_id FROM sim_owner_accounts"
    ):
        owned[(kind, owner, currency if purpose == "ACCOUNT_PURPOSE_FLOAT" else f"c:{currency}")] = account_id
    for row in seeder.conn.execute(
        "SELECT id, name, service, payment_method, country, currencies FROM sim_partners WHERE status = 'active' "
        "ORDER BY seq"
    ):
        accounts = {c: owned[("partner", row[0], c)] for c in json.loads(row[5]) if ("partner", row[0], c) in owned}
        cw.partners.append(Partner(row[0], row[1], row[2], row[3], row[4], accounts))
    for row in seeder.conn.execute(
        "SELECT id, name, country, currencies, commission_rate FROM sim_agents WHERE status = 'active' ORDER BY seq"
    ):
        currencies = json.loads(row[3])
        cw.agents.append(
            Agent(
                row[0],
                row[1],
                row[2],
                Decimal(str(row[4])),
                {c: owned[("agent", row[0], c)] for c in currencies if ("agent", row[0], c) in owned},
                {c: owned[("agent", row[0], f"c:{c}")] for c in currencies if ("agent", row[0], f"c:{c}") in owned},
            )
        )
    return cw


def deposit(seeder: Seeder, cw: CashierWorld, user: SeedUser, currency: str, amount: int | None = None) -> None:
    wallet = user.wallets.get(currency)
    if wallet is None:
        return
    amount = amount or seeder.amount(currency, 20, 600)
    fee = seeder.fee("cashier", "deposit", currency, amount)
    partner = cw.partner_for(currency, user.country)
    source = partner.accounts[currency] if partner is not None else seeder.system("settlement", currency)
    now = seeder.now
    ref = cw.ref("DEP-REQ", now)
    legs = [
        Leg(
            source,
            wallet,
            amount - fee,
            description=f"Deposit {ref}",
            debit_description="Deposit to user",
            credit_description="Deposit received",
        )
    ]
    if fee > 0:
        legs.append(Leg(source, seeder.system("fees", currency), fee, kind="fee", description=f"Deposit fee {ref}"))

    def record(conn: sqlite3.Connection, journal: Journal) -> None:
        if partner is None:
            return
        conn.execute(
            "INSERT INTO cashier_deposits (request_ref, user_id, partner_id, partner_name, service, payment_method, "
            "amount, currency, fee, status, receipt_code, journal_id, created_at, expires_at, completed_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?)",
            (
                ref,
                user.id,
                partner.id,
                partner.name,
                partner.service,
                partner.payment_method,
                amount,
                currency,
                fee,
                journal.receipt_code,
                journal.id,
                now - 45,
                now + 1800,
                now,
                now,
            ),
        )

    seeder.post(
        "TRANSACTION_TYPE_DEPOSIT",
        legs,
        description=f"Deposit from {partner.name if partner else 'bank transfer'}",
        key=f"op:{ref}:completed",
        metadata={"platform": "cashier", "request_ref": ref},
        on_posted=record,
    )


def ensure_funds(seeder: Seeder, cw: CashierWorld, user: SeedUser, currency: str, needed: int) -> bool:
    wallet = user.wallets.get(currency)
    if wallet is None:
        return False
    if seeder.available(wallet) < needed:
        top_up = max(needed * 2, seeder.amount(currency, 100, 800))
        deposit(seeder, cw, user, currency, top_up + seeder.fee("cashier", "deposit", currency, top_up))
    return seeder.available(wallet) >= needed


def withdrawal(seeder: Seeder, cw: CashierWorld, user: SeedUser, *, via_agent: bool = False) -> None:
    currency = user.currency if user.currency in user.wallets else next(iter(user.wallets))
    wallet = user.wallets[currency]
    amount = seeder.amount(currency, 10, 300)
    fee = seeder.fee("cashier", "withdrawal", currency, amount)
    agents = [a for a in cw.agents if currency in a.accounts and a.country == user.country] if via_agent else []
    agent = seeder.rng.choice(agents) if agents else None
    partner = None if agent else cw.partner_for(currency, user.country)
    if agent is None and partner is None:
        return
    if not ensure_funds(seeder, cw, user, currency, amount + fee):
        return
    now = seeder.now
    ref = cw.ref("WDL-REQ", now)
    hold = seeder.hold(wallet, amount + fee, reference=f"cashier:{ref}", key=f"cashier:hold:{ref}")
    if hold is None:
        return
    destination = user.phone if (agent or (partner and partner.payment_method == "mobile_money")) else "ACC-EXT-001"
    commission = apply_rate(amount, agent.commission_rate) if agent is not None else 0
    agent_account = None
    if agent is not None:
        agent_account = seeder.conn.execute(
            "SELECT number FROM accounts WHERE id = ?", (agent.accounts[currency],)
        ).fetchone()[0]
    cur = seeder.conn.execute(
        "INSERT INTO cashier_withdrawals (request_ref, user_id, account_id, hold_id, amount, currency, fee, "
        "destination, service, partner_id, withdrawal_type, agent_id, agent_name, agent_account, agent_commission, "
        "status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'processing', ?, ?)",
        (
            ref,
            user.id,
            wallet,
            hold.id,
            amount,
            currency,
            fee,
            destination,
            partner.service if partner else None,
            partner.id if partner else None,
            "agent_assisted" if agent else "direct",
            agent.id if agent else None,
            agent.name if agent else None,
            agent_account,
            commission,
            now,
            now,
        ),
    )
    row_id = int(cur.lastrowid or 0)
    seeder.now = now + seeder.rng.uniform(30, 900)
    done = seeder.now
    if seeder.rng.random() < 0.06:
        seeder.void_hold(hold, "partner failed the withdrawal")
        seeder.conn.execute(
            "UPDATE cashier_withdrawals SET status = 'failed', error_message = ?, updated_at = ? WHERE id = ?",
            ("Partner declined the payout", done, row_id),
        )
        seeder.now = now
        return
    payer = agent if agent is not None else partner
    assert payer is not None
    payee = payer.accounts[currency]
    legs = [Leg(wallet, payee, amount, description=f"Withdrawal {ref}")]
    if fee > 0:
        legs.append(Leg(wallet, seeder.system("fees", currency), fee, kind="fee", description=f"Withdrawal fee {ref}"))
    if commission > 0 and agent is not None:
        legs.append(
            Leg(
                seeder.system("commission", currency),
                agent.commission_accounts.get(currency, payee),
                commission,
                kind="commission",
                description=f"Agent commission {ref}",
            )
        )

    def record(conn: sqlite3.Connection, journal: Journal) -> None:
        conn.execute(
            "UPDATE cashier_withdrawals SET status = 'completed', receipt_code = ?, journal_id = ?, completed_at = ?, "
            "updated_at = ?, balance_after = (SELECT balance FROM accounts WHERE id = ?) WHERE id = ?",
            (journal.receipt_code, journal.id, done, done, wallet, row_id),
        )

    seeder.post_hold(
        hold,
        "TRANSACTION_TYPE_WITHDRAWAL",
        legs,
        description=f"Withdrawal to {payer.name}",
        key=f"op:{ref}:completed",
        metadata={"platform": "cashier", "request_ref": ref},
        on_posted=record,
    )
    seeder.now = now


def transfer(seeder: Seeder, cw: CashierWorld, user: SeedUser, to: SeedUser, currency: str) -> None:
    amount = seeder.amount(currency, 5, 250)
    fee = seeder.fee("cashier", "transfer", currency, amount)
    if not ensure_funds(seeder, cw, user, currency, amount + fee):
        return
    source, target = user.wallets[currency], seeder.wallet(to.id, currency)
    legs = [
        Leg(
            source,
            target,
            amount,
            description=f"Transfer to {to.full_name}",
            debit_description=f"Transfer to {to.full_name}",
            credit_description=f"Transfer from {user.full_name}",
        )
    ]
    if fee > 0:
        legs.append(Leg(source, seeder.system("fees", currency), fee, kind="fee", description="Transfer fee"))
    seeder.post(
        "TRANSACTION_TYPE_TRANSFER",
        legs,
        description=f"Transfer {user.id} -> {to.id}",
        key=f"cashier:transfer:{user.id}:{seeder.postings}",
        metadata={"platform": "cashier", "from_user": user.id, "to_user": to.id},
    )


def conversion(seeder: Seeder, cw: CashierWorld, user: SeedUser) -> None:
    if len(user.wallets) < 2:
        return
    source_cur, target_cur = seeder.rng.sample(sorted(user.wallets), 2)
    amount = seeder.amount(source_cur, 10, 300)
    fee = seeder.fee("cashier", "conversion", source_cur, amount)
    if not ensure_funds(seeder, cw, user, source_cur, amount + fee):
        return
    received, rate = seeder.convert(amount, source_cur, target_cur)
    if received <= 0:
        return
    source, target = user.wallets[source_cur], user.wallets[target_cur]
    legs = [
        Leg(source, seeder.system("fx", source_cur), amount, kind="fx", description=f"Convert {source_cur}"),
        Leg(seeder.system("fx", target_cur), target, received, kind="fx", description=f"Converted to {target_cur}"),
    ]
    if fee > 0:
        legs.append(Leg(source, seeder.system("fees", source_cur), fee, kind="fee", description="Conversion fee"))
    seeder.post(
        "TRANSACTION_TYPE_CONVERSION",
        legs,
        description=f"Convert {source_cur} to {target_cur} at {rate}",
        key=f"cashier:convert:{user.id}:{seeder.postings}",
        metadata={"platform": "cashier", "rate": str(rate), "from": source_cur, "to": target_cur},
    )
