"""Ledger posting benchmark (not a test): ``python -m loadtests.bench_ledger [--postings N]``.

Measures, each on a fresh temporary SQLite file (WAL, synchronous=NORMAL, as served):

(c)  in-process postings/s through ``LedgerService.post`` with 64 concurrent callers: transfers
     between random funded wallets, each with an idempotency key (the HTTP transfer path minus HTTP);
(c') the same, with every posting touching one hot account (debited by every other posting, with its
     balance check, and credited by the rest);
(d)  the storage ceiling: plain sqlite3 running the same SQL statements as a posting in a loop,
     1,000 postings per commit, no asyncio and no Python objects;
(d64) the same with as many postings per commit as (c) has callers (what group commit can reach);
(d') the sync ``post_in`` (the same code the writer runs) in a plain loop, 1,000 per commit
     with a savepoint per posting like the writer (what the seeder gets).

``--repeat N`` runs N interleaved rounds and reports the best of each (the machine is shared);
``--wal-autocheckpoint N`` sets that pragma on every connection of the benchmark.

Prints each result and the ratio c/d. Targets on a 2-core machine: c >= 6,000/s, c' >= 1,000/s,
c/d >= 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.clock import SandboxClock
from app.core.ledger import LedgerService, Leg
from app.core.ledger.accounts import open_account_in, system_account_in
from app.core.ledger.postings import INSERT_JOURNAL_KEYED_SQL, MOVE_SQL, insert_entries_sql, post_in
from app.db.database import Database, connect
from app.db.migrations import apply_migrations

WALLETS = 1_000
FUNDING = 10**12
NOW = 1_767_225_600.0
# Idempotency keys look like (c)'s in every run: 64 interleaved streams "bench-<caller>-<n>", so each
# variant inserts into the key index at the same spread of places (a fair storage comparison).
KEY_STREAMS = 64
# --wal-autocheckpoint: the SQLite default (None) checkpoints (and fsyncs) every 1,000 WAL pages.
WAL_AUTOCHECKPOINT: int | None = None


def _tune(conn: sqlite3.Connection) -> None:
    if WAL_AUTOCHECKPOINT is not None:
        conn.execute(f"PRAGMA wal_autocheckpoint={int(WAL_AUTOCHECKPOINT)}")


@dataclass
class Result:
    name: str
    postings: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.postings / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return f"{self.name:<52} {self.postings:>8} postings {self.seconds:8.2f} s {self.rate:>10,.0f} /s"


def _fund(conn_path: Path, wallets: int) -> tuple[list[int], int]:
    """Create ``wallets`` funded USD wallets and a hot merchant account; returns their ids."""
    conn = connect(conn_path)
    apply_migrations(conn)
    conn.execute("BEGIN")
    settlement = system_account_in(conn, NOW, "settlement", "USD").id
    ids = [open_account_in(conn, NOW, "user", i, "USD").id for i in range(wallets)]
    hot = open_account_in(conn, NOW, "merchant", 1, "USD").id
    for account in [*ids, hot]:
        post_in(conn, NOW, "TRANSACTION_TYPE_DEPOSIT", [Leg(settlement, account, FUNDING)], atomic=False)
    conn.execute("COMMIT")
    conn.close()
    return ids, hot


async def _in_process(path: Path, postings: int, callers: int, hot_account: bool, name: str) -> Result:
    ids, hot = _fund(path, WALLETS)
    db = Database(path)
    db.open()
    await db.write(_tune)
    ledger = LedgerService(db, SandboxClock())
    rng = random.Random(1)
    per_caller = postings // callers

    async def caller(c: int) -> None:
        for i in range(per_caller):
            src, dst = ids[rng.randrange(WALLETS)], ids[rng.randrange(WALLETS)]
            if hot_account:
                src, dst = (hot, dst) if i % 2 else (src, hot)
            elif src == dst:
                dst = hot
            await ledger.post(
                "TRANSACTION_TYPE_TRANSFER", [Leg(src, dst, 1 + i % 97)], idempotency_key=f"bench-{c}-{i}"
            )

    start = time.perf_counter()
    await asyncio.gather(*(caller(c) for c in range(callers)))
    seconds = time.perf_counter() - start
    report = await ledger.check()
    db.close()
    if not report.ok:
        raise SystemExit(report.render())
    return Result(name, per_caller * callers, seconds)


def bench_in_process(postings: int = 40_000, callers: int = 64, *, hot_account: bool = False) -> Result:
    """(c) / (c'): concurrent ``LedgerService.post`` callers on one event loop."""
    name = f"(c{chr(39) if hot_account else ''}) LedgerService.post, {callers} callers" + (
        ", one hot account" if hot_account else ""
    )
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_in_process(Path(tmp) / "bench.db", postings, callers, hot_account, name))


def bench_plain_sql(postings: int = 100_000, per_commit: int = 1_000) -> Result:
    """(d): the posting's SQL statements in a plain loop on one connection, ``per_commit`` per COMMIT."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plain.db"
        ids, _ = _fund(path, WALLETS)
        conn = connect(path)
        _tune(conn)
        rng = random.Random(2)
        entries_sql = insert_entries_sql(2)
        start = time.perf_counter()
        for batch in range(postings // per_commit):
            conn.execute("BEGIN IMMEDIATE")
            for i in range(per_commit):
                src, dst = ids[rng.randrange(WALLETS)], ids[rng.randrange(WALLETS)]
                if src == dst:
                    dst = ids[(ids.index(src) + 1) % WALLETS]
                amount = 1 + i % 97
                n = batch * per_commit + i
                key = f"bench-{n % KEY_STREAMS}-{n // KEY_STREAMS}"
                cur = conn.execute(INSERT_JOURNAL_KEYED_SQL, ("TRANSACTION_TYPE_TRANSFER", "", NOW, key, key, "{}"))
                jid = cur.lastrowid
                rows = conn.execute(MOVE_SQL, (amount, NOW, src, dst)).fetchall()
                d_after, c_after = (rows[0][1], rows[1][1]) if rows[0][0] == src else (rows[1][1], rows[0][1])
                conn.execute(
                    entries_sql,
                    (
                        jid,
                        src,
                        amount,
                        "D",
                        d_after,
                        "",
                        "principal",
                        NOW,
                        jid,
                        dst,
                        amount,
                        "C",
                        c_after,
                        "",
                        "principal",
                        NOW,
                    ),
                )
            conn.execute("COMMIT")
        seconds = time.perf_counter() - start
        conn.close()
        return Result(
            f"(d{'' if per_commit == 1_000 else per_commit}) plain sqlite3, same SQL, {per_commit} per commit",
            postings,
            seconds,
        )


def bench_post_in_loop(postings: int = 100_000, per_commit: int = 1_000) -> Result:
    """(d'): ``post_in`` (savepoint per posting, Journal objects) in a plain loop, ``per_commit`` per COMMIT."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "loop.db"
        ids, _ = _fund(path, WALLETS)
        conn = connect(path)
        _tune(conn)
        rng = random.Random(3)
        start = time.perf_counter()
        for batch in range(postings // per_commit):
            conn.execute("BEGIN IMMEDIATE")
            for i in range(per_commit):
                src, dst = ids[rng.randrange(WALLETS)], ids[rng.randrange(WALLETS)]
                if src == dst:
                    dst = ids[(ids.index(src) + 1) % WALLETS]
                n = batch * per_commit + i
                post_in(
                    conn,
                    NOW,
                    "TRANSACTION_TYPE_TRANSFER",
                    [Leg(src, dst, 1 + i % 97)],
                    idempotency_key=f"bench-{n % KEY_STREAMS}-{n // KEY_STREAMS}",
                )
            conn.execute("COMMIT")
        seconds = time.perf_counter() - start
        conn.close()
        return Result(f"(d') post_in loop, savepoint each, {per_commit} per commit", postings, seconds)


def best(results: list[Result]) -> Result:
    return max(results, key=lambda r: r.rate)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--postings", type=int, default=40_000, help="postings per in-process run")
    parser.add_argument("--callers", type=int, default=64, help="concurrent callers for (c) and (c')")
    parser.add_argument("--plain-postings", type=int, default=64_000, help="postings for (d), (d64) and (d')")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each figure is the best round")
    parser.add_argument(
        "--wal-autocheckpoint", type=int, default=None, help="PRAGMA wal_autocheckpoint for every connection"
    )
    args = parser.parse_args(argv)
    global WAL_AUTOCHECKPOINT
    WAL_AUTOCHECKPOINT = args.wal_autocheckpoint
    rounds: dict[str, list[Result]] = {k: [] for k in ("c", "c_hot", "d", "d_callers", "d_loop")}
    # Interleaved rounds, best of each: on a shared machine other load hits every variant alike.
    for round_no in range(1, max(1, args.repeat) + 1):
        rounds["c"].append(bench_in_process(args.postings, args.callers))
        rounds["c_hot"].append(bench_in_process(args.postings, args.callers, hot_account=True))
        rounds["d"].append(bench_plain_sql(args.plain_postings))
        rounds["d_callers"].append(bench_plain_sql(args.plain_postings, per_commit=args.callers))
        rounds["d_loop"].append(bench_post_in_loop(args.plain_postings))
        print(f"round {round_no}: " + "  ".join(f"{k}={v[-1].rate:,.0f}/s" for k, v in rounds.items()), flush=True)
    c, c_hot, d, d_callers, d_loop = (best(rounds[k]) for k in ("c", "c_hot", "d", "d_callers", "d_loop"))
    print(f"best of {args.repeat}:")
    for result in (c, c_hot, d, d_callers, d_loop):
        print(result.line())
    print(f"ratio c/d = {c.rate / d.rate:.2f}   c'/d = {c_hot.rate / d.rate:.2f}   c/d' = {c.rate / d_loop.rate:.2f}")
    print(
        f"ratio c/d{args.callers} = {c.rate / d_callers.rate:.2f}  (a batch can hold at most one posting per caller "
        f"in flight, so {args.callers} callers commit at most {args.callers} postings per transaction)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
