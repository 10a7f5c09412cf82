"""What loadtests/bench.py measures against, prepared before the clock starts.

Two steps:

1. ``prepare_database`` (before the server starts): copy sandbox.db.example, find the demo merchants
   (Tribble, Drop) and build the r3 histories: two users' USD wallets get real ledger postings
   (``post_in``, the ledger's own sync posting function, alternating a deposit from and a withdrawal
   to the USD settlement account, dated over the 29 days before the seed's history end so the
   first start rebases them like the rest of the history) until one holds ``history`` entries and
   the other 10. ``paysandbox check`` passes on the result.
2. ``prepare_users`` (server running): every user is made through the platforms' own routes and the
   control API, one per connection and platform group:

   - Nivo group (Nivo transfers, T-Wallet sends, Cashier reads): ``POST /api/v1/identity/auth/register``,
     a token from ``POST /_sandbox/tokens``, an INR wallet created and activated, a
     100,000.00 INR deposit (``POST /api/v1/transaction/transactions/deposit``), the T-Wallet profile
     (``GET /profile/``) and the INR account number (``GET /_sandbox/users/{email}``);
   - Tribble group: ``POST /api/v1/auth/register``, KYC approved at tier 3 through
     ``POST /_sandbox/users/{email}/kyc``, a token, test card 4242... added, 500.00 USD funded from
     it (``POST /api/v1/wallets/fund``, the card simulator's delay set to 0 for the setup) and waited for;
   - Drop group: ``POST /api/auth/register`` (a linked bank account with 50,000.00 NOK) and a token.

   alice (seeded) gets a token for the reads; the two r3 wallet owners get one each.
"""

from __future__ import annotations

import asyncio
import json
import random
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

DEMO_READER = "alice@paysandbox.test"
DEMO_MERCHANT = "merchant@paysandbox.test"
TOKEN_SECONDS = 6 * 3600
SMALL_HISTORY = 10
NIVO_FLOAT = "100000.00"  # INR per Nivo user: each transfer or send moves 1.00
TRIBBLE_FLOAT = 500.0  # USD per Tribble user: each payment is 1.00 (tier 3 allows 200 payments a day)
# Tribble's tier-3 cap (200 payments per user per sandbox day) would end a 64-user route after
# 12,800 payments, inside one run at a few thousand per second: each connection cycles through
# its own 4 users instead (51,200 payments; still no user shared between connections).
TRIBBLE_USERS_PER_CONNECTION = 4
HISTORY_DAYS = 29


class SetupError(RuntimeError):
    """A setup step answered something unexpected (the benchmark then stops with exit code 2)."""


# -- request templates (shared by the wrk script and the aiohttp generator) -----------------------------
@dataclass(frozen=True)
class Template:
    """One HTTP request; ``{KEY}`` in the body or a header becomes a key unique to each request."""

    method: str
    path: str
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def tsv(self) -> str:
        """One line of loadtests/wrk/requests.lua's template file."""
        fields = [self.method, self.path, self.body or "-", *(f"{k}: {v}" for k, v in self.headers.items())]
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"a template field holds a tab or a newline: {fields}")
        return "\t".join(fields)

    def spec(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "body": self.body, "headers": self.headers}


@dataclass(frozen=True)
class WsTemplate:
    path: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def spec(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "headers": self.headers}


def body(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"))


def json_post(path: str, value: dict[str, Any], headers: dict[str, str]) -> Template:
    return Template("POST", path, body(value), {"Content-Type": "application/json", **headers})


# -- step 1: the database copy ---------------------------------------------------------------------------
@dataclass
class HistoryAccount:
    account_id: int
    number: str
    email: str
    entries: int


@dataclass
class DatabaseFacts:
    db: Path
    tribble_merchant: str
    drop_merchant: str
    big: HistoryAccount
    small: HistoryAccount
    postings: int
    build_seconds: float


def _history_candidates(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Active generated users' active USD wallets, fewest entries first (the demo accounts left alone)."""
    return conn.execute(
        "SELECT a.id, a.number, u.email, (SELECT COUNT(*) FROM entries e WHERE e.account_id = a.id) AS n"
        " FROM accounts a JOIN users u ON u.id = a.owner_id"
        " WHERE a.owner_type = 'user' AND a.currency = 'USD' AND a.purpose = 'ACCOUNT_PURPOSE_WALLET'"
        " AND a.is_active = 1 AND a.is_locked = 0 AND a.pending_debit = 0 AND u.status = 'active'"
        " AND u.email NOT LIKE '%@paysandbox.test' ORDER BY n, a.id LIMIT 2"
    ).fetchall()


def _merchant(conn: sqlite3.Connection, sql: str) -> str:
    row = conn.execute(sql, (DEMO_MERCHANT,)).fetchone()
    if row is None:
        raise SetupError(f"no demo merchant for {DEMO_MERCHANT} in the example database ({sql.split()[3]})")
    return str(row[0])


def prepare_database(example: Path, db: Path, history: int) -> DatabaseFacts:
    """Copy ``example`` to ``db`` and post the r3 histories into it (the server is not running yet)."""
    from app.core.ledger import Leg
    from app.core.ledger.accounts import system_account_in
    from app.core.ledger.postings import post_in
    from app.db.database import connect

    if not example.exists():
        raise SetupError(f"no example database at {example}: the benchmark reads alice and the demo merchants")
    shutil.copyfile(example, db)
    conn = connect(db)
    try:
        tribble = _merchant(
            conn,
            "SELECT m.id FROM tribble_merchants m JOIN users u ON u.id = m.owner_user_id"
            " WHERE u.email = ? AND m.kyc_status = 'APPROVED' ORDER BY m.id",
        )
        drop = _merchant(
            conn, "SELECT m.id FROM drop_merchants m JOIN users u ON u.id = m.user_id WHERE u.email = ? ORDER BY m.id"
        )
        rows = _history_candidates(conn)
        if len(rows) < 2 or int(rows[1]["n"]) > SMALL_HISTORY:
            raise SetupError("the example database has no two generated USD wallets with at most 10 entries")
        small_row, big_row = rows[0], rows[1]
        end_row = conn.execute("SELECT value FROM sandbox_state WHERE key = 'seed.history_end'").fetchone()
        end = float(end_row[0]) if end_row else time.time()
        span = HISTORY_DAYS * 86400.0
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        settlement = system_account_in(conn, end - span, "settlement", "USD").id
        postings = 0
        for row, target in ((big_row, history), (small_row, SMALL_HISTORY)):
            account, missing = int(row["id"]), max(0, target - int(row["n"]))
            for i in range(missing):
                amount = 1 + (i // 2) % 97
                now = end - span + span * (i + 1) / (missing + 1)
                if i % 2 == 0:
                    post_in(conn, now, "TRANSACTION_TYPE_DEPOSIT", [Leg(settlement, account, amount)], atomic=False)
                else:
                    post_in(conn, now, "TRANSACTION_TYPE_WITHDRAWAL", [Leg(account, settlement, amount)], atomic=False)
            postings += missing
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started

        def counted(row: sqlite3.Row) -> HistoryAccount:
            n = conn.execute("SELECT COUNT(*) FROM entries WHERE account_id = ?", (row["id"],)).fetchone()[0]
            return HistoryAccount(int(row["id"]), str(row["number"]), str(row["email"]), int(n))

        return DatabaseFacts(db, tribble, drop, counted(big_row), counted(small_row), postings, seconds)
    finally:
        conn.close()


# -- step 2: users through the platforms' routes ---------------------------------------------------------
@dataclass
class NivoUser:
    email: str
    token: str
    wallet_id: str
    account_number: str
    profile_id: str
    twallet_account: str


@dataclass
class TribbleUser:
    email: str
    token: str
    uuid: str
    wallet_id: str


@dataclass
class DropUser:
    email: str
    token: str


@dataclass
class Reader:
    """A seeded user whose reads r1 / r3 measure."""

    email: str
    token: str
    tribble_wallet: str = ""
    nivo_wallet: str = ""
    twallet_account: str = ""


@dataclass
class Users:
    nivo: list[NivoUser]
    tribble: list[TribbleUser]
    drop: list[DropUser]
    alice: Reader
    big: Reader
    small: Reader
    seconds: float


class Api:
    """Small JSON client for the setup calls (not measured)."""

    def __init__(self, session: aiohttp.ClientSession, parallel: int = 8) -> None:
        self.session = session
        self.gate = asyncio.Semaphore(parallel)

    async def call(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> Any:
        sent = dict(headers or {})
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        async with self.gate, self.session.request(method, path, json=json_body, headers=sent) as resp:
            text = await resp.text()
            if resp.status not in ok:
                raise SetupError(f"{method} {path} answered {resp.status}: {text[:300]}")
            return json.loads(text) if text else None

    async def token(self, email: str) -> str:
        answer = await self.call("POST", "/_sandbox/tokens", {"email": email, "expires_in": TOKEN_SECONDS})
        return str(answer["access_token"])


async def _reader(api: Api, email: str, *, full: bool) -> Reader:
    reader = Reader(email, await api.token(email))
    wallets = (await api.call("GET", "/api/v1/wallets?currency=USD", token=reader.token))["wallets"]
    if not wallets:
        raise SetupError(f"{email} has no Tribble USD wallet")
    reader.tribble_wallet = str(wallets[0]["walletId"])
    if full:
        nivo = (await api.call("GET", "/api/v1/wallet/wallets", token=reader.token))["data"]
        inr = [w for w in nivo if w["currency"] == "INR" and w["status"] == "active"]
        if not inr:
            raise SetupError(f"{email} has no active Nivo INR wallet")
        reader.nivo_wallet = str(inr[0]["id"])
        profile = await api.call("GET", "/profile/", headers={"X-Authorization": reader.token})
        reader.twallet_account = str(profile["account_id"])
    return reader


async def _nivo_user(api: Api, run: str, prefix: int, i: int) -> NivoUser:
    email = f"bench-nivo-{run}-{i}@bench.paysandbox.test"
    register = {"email": email, "password": "BenchPass123!", "full_name": f"Bench Nivo {i}"}
    await api.call("POST", "/api/v1/identity/auth/register", {**register, "phone": f"+917{prefix:05d}{i:04d}"})
    token = await api.token(email)
    wallet = (await api.call("POST", "/api/v1/wallet/wallets", {"currency": "INR"}, token=token))["data"]["id"]
    await api.call("POST", f"/api/v1/wallet/wallets/{wallet}/activate", token=token)
    deposit = {"wallet_id": wallet, "amount": NIVO_FLOAT, "currency": "INR", "description": "bench float"}
    await api.call("POST", "/api/v1/transaction/transactions/deposit", deposit, token=token)
    profile = await api.call("GET", "/profile/", headers={"X-Authorization": token})
    user = await api.call("GET", f"/_sandbox/users/{email}")
    numbers = [a["number"] for a in user["accounts"] if a["currency"] == "INR"]
    if not numbers:
        raise SetupError(f"{email} has no INR ledger account after its deposit")
    return NivoUser(email, token, str(wallet), str(numbers[0]), str(profile["profile_id"]), str(profile["account_id"]))


async def _tribble_user(api: Api, run: str, prefix: int, i: int) -> TribbleUser:
    email = f"bench-tribble-{run}-{i}@bench.paysandbox.test"
    register = {
        "email": email,
        "password": "BenchPass123!",
        "firstName": "Bench",
        "lastName": f"Tribble{i}",
        "phoneNumber": f"+2348{prefix:05d}{i:04d}",
        "dateOfBirth": "1990-01-15",
        "accountType": "individual",
    }
    created = await api.call("POST", "/api/v1/auth/register", register)
    await api.call("POST", f"/_sandbox/users/{email}/kyc", {"status": "approved", "tier": 3})
    token = await api.token(email)
    wallets = (await api.call("GET", "/api/v1/wallets?currency=USD", token=token))["wallets"]
    if not wallets:
        raise SetupError(f"the Tribble user {email} has no USD wallet")
    wallet = str(wallets[0]["walletId"])
    card = {
        "type": "card",
        "cardNumber": "4242424242424242",
        "cardholderName": "Bench Tribble",
        "expiryMonth": 12,
        "expiryYear": 2035,
        "cvv": "123",
        "isDefault": True,
    }
    method = (await api.call("POST", "/api/v1/payment-methods", card, token=token))["paymentMethodId"]
    fund = {"walletId": wallet, "amount": TRIBBLE_FLOAT, "paymentMethodId": method}
    await api.call("POST", "/api/v1/wallets/fund", fund, token=token, headers={"Idempotency-Key": f"fund-{run}-{i}"})
    return TribbleUser(email, token, str(created["userId"]), wallet)


async def _wait_funded(api: Api, user: TribbleUser, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        wallet = await api.call("GET", f"/api/v1/wallets/{user.wallet_id}", token=user.token)
        if float(wallet.get("availableBalance", 0)) >= TRIBBLE_FLOAT:
            return
        await asyncio.sleep(0.25)
    raise SetupError(f"the card funding of {user.email} did not settle within {limit:.0f} s")


async def _drop_user(api: Api, run: str, i: int) -> DropUser:
    email = f"bench-drop-{run}-{i}@bench.paysandbox.test"
    register = {
        "email": email,
        "password": "benchpass123",
        "firstName": "Bench",
        "lastName": f"Drop{i}",
        "dateOfBirth": "1990-04-12",
    }
    await api.call("POST", "/api/auth/register", register)
    return DropUser(email, await api.token(email))


async def prepare_users(base: str, count: int, facts: DatabaseFacts) -> Users:
    started = time.perf_counter()
    run = f"{random.randrange(16**6):06x}"
    prefix = random.randrange(100_000)
    async with aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=60)) as session:
        api = Api(session)
        # The card simulator settles fundings after 2 s by default; at once here (setup only, not measured).
        await api.call("PUT", "/_sandbox/simulators/card", {"delay_seconds": 0})
        alice, big, small = await asyncio.gather(
            _reader(api, DEMO_READER, full=True),
            _reader(api, facts.big.email, full=False),
            _reader(api, facts.small.email, full=False),
        )
        nivo, tribble, drop = await asyncio.gather(
            asyncio.gather(*(_nivo_user(api, run, prefix, i) for i in range(count))),
            asyncio.gather(*(_tribble_user(api, run, prefix, i) for i in range(count * TRIBBLE_USERS_PER_CONNECTION))),
            asyncio.gather(*(_drop_user(api, run, i) for i in range(count))),
        )
        await asyncio.gather(*(_wait_funded(api, user) for user in tribble))
        await api.call("PUT", "/_sandbox/simulators/card", {"delay_seconds": None})
    for reader, account in ((big, facts.big), (small, facts.small)):
        if reader.tribble_wallet != f"wallet-{account.account_id}":
            # The owner's first USD wallet must be the one that got the history.
            raise SetupError(f"{reader.email}: Tribble wallet {reader.tribble_wallet} is not account {account.number}")
    return Users(list(nivo), list(tribble), list(drop), alice, big, small, time.perf_counter() - started)
