"""Drop's seeded data: bank accounts at the simulated banks, merchants, recipients, remittances, QR payments.

Drop holds no money: a user's bank account is a ledger account at a simulated open-banking
bank (``simulators/banks.py``), funded by the bank's settlement account. Remittances post the
PISP debit (principal to suspense, 0.5% fee) and their settlement (FX out to the corridor's
payout) as Drop's own code does; QR payments pay the merchant's NOK settlement account.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

import msgspec

from app.core.ledger.models import Journal, Leg
from app.platforms.drop import render
from app.platforms.drop.corridors import COUNTRIES as CORRIDORS
from app.platforms.drop.notifications import notify_in
from seeds.constants import history_end
from seeds.context import Seeder
from seeds.ids import hex_id
from seeds.world import SeedUser, World
from simulators.banks import BANKS, DEFAULT_OPENING_BALANCE, account_number_for

NOK = "NOK"


@dataclass(slots=True)
class BankAccountRef:
    id: int
    ledger_account_id: int
    bank_code: str
    bank_name: str
    settlement_id: int


@dataclass(frozen=True, slots=True)
class DropMerchant:
    id: str
    user_id: int
    business_name: str
    account: int  # its NOK settlement account (ledger)


@dataclass(slots=True)
class DropWorld:
    banks: dict[int, BankAccountRef] = field(default_factory=dict)  # user id -> primary account
    recipients: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    merchants: list[DropMerchant] = field(default_factory=list)
    users: list[SeedUser] = field(default_factory=list)


def link_bank_account(seeder: Seeder, user: SeedUser, opening: int) -> BankAccountRef:
    """What ``OpenBankingBanks.link_account`` does, on the seeder's connection."""
    bank = BANKS[(user.id - 1) % len(BANKS)]
    now = seeder.now
    cur = seeder.conn.execute(
        "INSERT INTO ob_bank_accounts (user_id, bank, account_number, currency, ledger_account_id, is_primary, "
        "balance_cached, balance_read_at, created_at) VALUES (?, ?, ?, ?, 0, 1, 0, ?, ?)",
        (user.id, bank.code, f"pending-{user.id}", NOK, now, now),
    )
    row_id = int(cur.lastrowid or 0)
    ledger_id = seeder.account("bank", row_id, NOK, purpose="ACCOUNT_PURPOSE_BANK", label=f"{bank.name} {row_id}")
    settlement = seeder.account(
        "bank",
        bank.number,
        NOK,
        purpose="ACCOUNT_PURPOSE_SETTLEMENT",
        type="ACCOUNT_TYPE_SYSTEM",
        allow_negative=True,
        label=f"{bank.name} settlement",
    )
    seeder.conn.execute(
        "UPDATE ob_bank_accounts SET account_number = ?, ledger_account_id = ? WHERE id = ?",
        (account_number_for(bank, row_id), ledger_id, row_id),
    )
    ref = BankAccountRef(row_id, ledger_id, bank.code, bank.name, settlement)
    bank_credit(seeder, ref, opening, f"bank:open:{row_id}")
    return ref


def bank_credit(seeder: Seeder, ref: BankAccountRef, amount: int, key: str) -> None:
    seeder.post(
        "TRANSACTION_TYPE_DEPOSIT",
        [Leg(ref.settlement_id, ref.ledger_account_id, amount, description="Bank credit")],
        description=f"{ref.bank_name} credit",
        key=key,
        metadata={"bank": ref.bank_code, "bank_account_id": ref.id},
    )


def setup(seeder: Seeder, world: World) -> DropWorld:
    drop = DropWorld()
    rng = seeder.rng
    users = [u for u in world.users if u.active and (u.country == "NO" or u.demo in ("alice", "bob", "merchant"))]
    for user in users:
        drop.banks[user.id] = link_bank_account(seeder, user, DEFAULT_OPENING_BALANCE)
        drop.users.append(user)
        seeder.conn.execute(
            "INSERT OR IGNORE INTO drop_settings (user_id, currency, language, updated_at) VALUES (?, 'NOK', ?, ?)",
            (user.id, "nb" if user.country == "NO" else "en", seeder.now),
        )
        for consent in ("terms", "privacy", "marketing"):
            granted = consent != "marketing" or rng.random() < 0.4
            seeder.conn.execute(
                "INSERT OR IGNORE INTO drop_consents (id, user_id, consent_type, granted, granted_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (hex_id(rng, "cns"), user.id, consent, int(granted), seeder.now if granted else None),
            )
        for _ in range(rng.randint(1, 3)):
            code = rng.choice(sorted(CORRIDORS))
            corridor = CORRIDORS[code]
            recipient = {
                "id": hex_id(rng, "rcp"),
                "name": f"{rng.choice(_FIRST[code])} {rng.choice(_LAST[code])}",
                "country": code,
                "currency": corridor.currency,
                "bank_account": _iban(seeder, code),
            }
            seeder.conn.execute(
                "INSERT INTO drop_recipients (id, user_id, name, country, currency, bank_account, bank_name, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    recipient["id"],
                    user.id,
                    recipient["name"],
                    code,
                    corridor.currency,
                    recipient["bank_account"],
                    None,
                    seeder.now,
                ),
            )
            drop.recipients.setdefault(user.id, []).append(recipient)
    owners = [u for u in world.users if u.demo == "merchant" or (u.business and u.country == "NO")]
    for n, owner in enumerate(owners, start=1):
        name = "Paysandbox Demo Café" if owner.demo == "merchant" else f"{owner.last_name} Handel AS"
        account = seeder.account("merchant", owner.id, NOK, purpose="ACCOUNT_PURPOSE_SETTLEMENT", label=name)
        merchant = DropMerchant(hex_id(rng, "mer"), owner.id, name, account)
        seeder.conn.execute(
            "INSERT INTO drop_merchants (id, user_id, business_name, org_number, address, bank_account, "
            "ledger_account_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                merchant.id,
                owner.id,
                name,
                f"{910000000 + n * 7919:09d}",
                "Karl Johans gate 1, 0154 Oslo",
                _iban(seeder, "NO"),
                account,
                seeder.now,
            ),
        )
        drop.merchants.append(merchant)
    return drop


_FIRST = {
    "RS": ("Marko", "Jelena", "Nikola", "Milica", "Stefan"),
    "BA": ("Amir", "Lejla", "Emir", "Amra", "Haris"),
    "PL": ("Piotr", "Anna", "Kasia", "Tomasz", "Marta"),
    "PK": ("Ali", "Fatima", "Usman", "Ayesha", "Bilal"),
    "TR": ("Mehmet", "Ayse", "Emre", "Zeynep", "Can"),
}
_LAST = {
    "RS": ("Jovanovic", "Petrovic", "Nikolic", "Markovic"),
    "BA": ("Hodzic", "Begic", "Delic", "Kovacevic"),
    "PL": ("Nowak", "Kowalski", "Wisniewski", "Wojcik"),
    "PK": ("Khan", "Ahmed", "Malik", "Hussain"),
    "TR": ("Yilmaz", "Kaya", "Demir", "Sahin"),
}
_IBAN_LENGTH = {"RS": 22, "BA": 20, "PL": 28, "PK": 24, "TR": 26, "NO": 15}


def _iban(seeder: Seeder, country: str) -> str:
    digits = "".join(str(seeder.rng.randrange(10)) for _ in range(_IBAN_LENGTH[country] - 4))
    return f"{country}{seeder.rng.randrange(10, 100)}{digits}"


def _response(row: dict[str, object]) -> str:
    return json.dumps(msgspec.to_builtins(render.tx_detail(row)))


def remittance(seeder: Seeder, drop: DropWorld, user: SeedUser) -> None:
    recipients = drop.recipients.get(user.id)
    ref = drop.banks.get(user.id)
    if not recipients or ref is None:
        return
    rng = seeder.rng
    recipient = rng.choice(recipients)
    amount = seeder.amount(NOK, 20, 900)
    fee = seeder.fee("drop", "remittance", NOK, amount)
    if seeder.available(ref.ledger_account_id) < amount + fee:
        bank_credit(seeder, ref, DEFAULT_OPENING_BALANCE // 2, hex_id(rng, "bank:salary"))
    receive, rate = seeder.convert(amount, NOK, recipient["currency"])
    tx_id = hex_id(rng, "tx_rem")
    suspense, fees = seeder.system("suspense", NOK), seeder.system("fees", NOK)
    legs = [Leg(ref.ledger_account_id, suspense, amount, "principal", f"Remittance {tx_id} to {recipient['name']}")]
    if fee > 0:
        legs.append(Leg(ref.ledger_account_id, fees, fee, "fee", f"Drop remittance fee {tx_id}"))
    created = seeder.now
    row: dict[str, object] = {
        "id": tx_id,
        "user_id": user.id,
        "type": "remittance",
        "status": "processing",
        "amount": amount,
        "currency": NOK,
        "fee": fee,
        "receive_amount": receive,
        "receive_currency": recipient["currency"],
        "exchange_rate": str(rate),
        "recipient_id": recipient["id"],
        "recipient_name": recipient["name"],
        "recipient_country": recipient["country"],
        "bank_account_id": ref.id,
        "bank_name": ref.bank_name,
        "created_at": created,
        "updated_at": created,
        "completed_at": None,
    }

    def insert(conn: sqlite3.Connection, journal: Journal) -> None:
        row["journal_id"] = journal.id
        row["response"] = _response(row)
        columns = ", ".join(row)
        conn.execute(
            f"INSERT INTO drop_transactions ({columns}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
        )

    journal = seeder.post(
        "TRANSACTION_TYPE_PAYMENT",
        legs,
        description=f"Drop remittance {tx_id}",
        key=f"drop:{tx_id}",
        metadata={"bank": ref.bank_code, "bank_account_id": ref.id, "drop_tx": tx_id, "type": "remittance"},
        on_posted=insert,
    )
    if journal is None:
        return
    # Settled 10 min to 36 h later, but never after the end of history (nothing is dated in the future).
    seeder.now = min(created + rng.uniform(600, 36 * 3600), history_end())
    failed = rng.random() < 0.05
    if failed:
        settle_legs = [Leg(suspense, ref.ledger_account_id, amount, "principal", f"Refund {tx_id}")]
        if fee > 0:
            settle_legs.append(Leg(fees, ref.ledger_account_id, fee, "fee", f"Fee refund {tx_id}"))
        status, journal_type, reason = "failed", "TRANSACTION_TYPE_REFUND", "Recipient bank rejected the payment"
    else:
        fx_nok, fx_out = seeder.system("fx", NOK), seeder.system("fx", recipient["currency"])
        payout = seeder.system("settlement", recipient["currency"])
        settle_legs = [
            Leg(suspense, fx_nok, amount, "fx", f"Remittance {tx_id} NOK leg"),
            Leg(fx_out, payout, receive, "principal", f"Remittance {tx_id} payout"),
        ]
        status, journal_type, reason = "completed", "TRANSACTION_TYPE_CONVERSION", None
    now = seeder.now

    def settle(conn: sqlite3.Connection, journal: Journal) -> None:
        seeder.conn.execute(
            "UPDATE drop_transactions SET status = ?, failure_reason = ?, updated_at = ?, completed_at = ? "
            "WHERE id = ?",
            (status, reason, now, now if status == "completed" else None, tx_id),
        )
        title = "Remittance completed" if status == "completed" else "Remittance failed"
        message = f"Your transfer to {recipient['name']} " + (
            "has been delivered" if status == "completed" else "failed"
        )
        notify_in(
            seeder.conn, now, user.id, f"remittance_{status}", title, message, tx_id, make_id=seeder.ids("drop-ids")
        )

    seeder.post(
        journal_type,
        settle_legs,
        description=f"Drop remittance {tx_id} {status}",
        key=f"op:{tx_id}:{status}",
        metadata={"drop_tx": tx_id},
        on_posted=settle,
    )
    seeder.now = created


def qr_payment(seeder: Seeder, drop: DropWorld, user: SeedUser) -> None:
    ref = drop.banks.get(user.id)
    merchants = [m for m in drop.merchants if m.user_id != user.id]
    if ref is None or not merchants:
        return
    rng = seeder.rng
    merchant = rng.choice(merchants)
    amount = seeder.amount(NOK, 3, 120)
    fee = seeder.fee("drop", "qr_payment", NOK, amount)
    if seeder.available(ref.ledger_account_id) < amount + fee:
        bank_credit(seeder, ref, DEFAULT_OPENING_BALANCE // 2, hex_id(rng, "bank:salary"))
    tx_id = hex_id(rng, "tx_qr")
    legs = [Leg(ref.ledger_account_id, merchant.account, amount, "principal", f"QR payment {tx_id}")]
    if fee > 0:
        legs.append(Leg(ref.ledger_account_id, seeder.system("fees", NOK), fee, "fee", f"Drop QR payment fee {tx_id}"))
    customer = render.anonymise(user.first_name, user.last_name)
    now = seeder.now
    row: dict[str, object] = {
        "id": tx_id,
        "user_id": user.id,
        "type": "qr_payment",
        "status": "completed",
        "amount": amount,
        "currency": NOK,
        "fee": fee,
        "merchant_id": merchant.id,
        "merchant_name": merchant.business_name,
        "customer_name": customer,
        "bank_account_id": ref.id,
        "bank_name": ref.bank_name,
        "created_at": now,
        "updated_at": now,
        "completed_at": now,
    }

    def insert(conn: sqlite3.Connection, journal: Journal) -> None:
        row["journal_id"] = journal.id
        row["response"] = _response(row)
        conn.execute(
            f"INSERT INTO drop_transactions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        notify_in(
            seeder.conn,
            now,
            merchant.user_id,
            "payment_received",
            "Payment received",
            f"{customer} paid {amount / 100:.2f} NOK",
            tx_id,
            make_id=seeder.ids("drop-ids"),
        )

    seeder.post(
        "TRANSACTION_TYPE_PAYMENT",
        legs,
        description=f"Drop QR payment {tx_id}",
        key=f"drop:{tx_id}",
        metadata={"bank": ref.bank_code, "bank_account_id": ref.id, "drop_tx": tx_id, "type": "qr_payment"},
        on_posted=insert,
    )


def refresh_balances(seeder: Seeder, drop: DropWorld) -> None:
    """The AISP cache: every bank account's cached balance is its ledger balance at the end."""
    seeder.conn.execute(
        "UPDATE ob_bank_accounts SET balance_cached = (SELECT balance - pending_debit FROM accounts "
        "WHERE accounts.id = ob_bank_accounts.ledger_account_id), balance_read_at = ?",
        (seeder.now,),
    )
