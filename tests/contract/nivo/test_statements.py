"""Flow 9: categories, spending summary, CSV and PDF statements filtered by date range."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from tests.contract.nivo.conftest import Nivo, NivoUser

WITHDRAWAL = "/api/v1/transaction/transactions/withdrawal"
TRANSFER = "/api/v1/transaction/transactions/transfer"
JAN_10 = datetime(2025, 1, 10, 12, 0, tzinfo=UTC).timestamp()


async def _spend(nivo: Nivo) -> tuple[NivoUser, str, str, dict[str, str]]:
    """A user with January 2025 activity: deposit, three categorised spends, then one in February."""
    nivo.sandbox.clock.freeze()
    nivo.sandbox.clock.set(JAN_10)
    user = await nivo.user()
    payee = await nivo.user("Shop Keeper")
    wallet_id = await nivo.wallet(user, deposit="30000.00")
    shop = await nivo.wallet(payee)
    ids: dict[str, str] = {}
    food = await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "8500.00"}, status=201)
    ids["food"] = food["id"]
    shopping = await nivo.ok(
        "POST", TRANSFER, user, {"from_wallet_id": wallet_id, "to_wallet_id": shop, "amount": "7800.00"}, status=201
    )
    ids["shopping"] = shopping["id"]
    misc = await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "200.50"}, status=201)
    ids["other"] = misc["id"]
    for category in ("food", "shopping"):
        data = await nivo.ok(
            "PATCH", f"/api/v1/transaction/transactions/{ids[category]}/category", user, {"category": category}
        )
        assert data["category"] == category and data["id"] == ids[category]
    nivo.sandbox.clock.set(datetime(2025, 2, 3, 9, 0, tzinfo=UTC).timestamp())
    user = await nivo.relogin(user)
    feb = await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "100.00"}, status=201)
    ids["february"] = feb["id"]
    return user, wallet_id, shop, ids


async def test_category_update_rules(nivo: Nivo) -> None:
    user = await nivo.user()
    stranger = await nivo.user("Stranger")
    wallet_id = await nivo.wallet(user, deposit="100.00")
    tx = await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "10.00"}, status=201)
    path = f"/api/v1/transaction/transactions/{tx['id']}/category"
    await nivo.error("PATCH", path, user, {"category": "yachts"}, 400, "VALIDATION_ERROR")
    await nivo.error("PATCH", path, stranger, {"category": "food"}, 404, "NOT_FOUND")
    await nivo.error(
        "PATCH",
        "/api/v1/transaction/transactions/00000000-0000-4000-8000-000000000000/category",
        user,
        {"category": "food"},
        404,
        "NOT_FOUND",
    )
    assert (await nivo.ok("PATCH", path, user, {"category": "Transport"}))["category"] == "transport"
    categories = await nivo.ok("GET", "/api/v1/transaction/categories", user)
    names = [c["name"] for c in categories["categories"]]
    assert {"food", "transport", "shopping", "utilities", "entertainment"} <= set(names)


async def test_spending_summary_by_period(nivo: Nivo) -> None:
    user, wallet_id, _, _ = await _spend(nivo)
    path = f"/api/v1/transaction/wallets/{wallet_id}/spending-summary"
    jan = await nivo.ok("GET", path, user, params={"period": "monthly", "date": "2025-01-15"})
    assert jan["period"] == "2025-01"
    assert jan["total_spent"] == 16500.5
    assert jan["categories"] == {"food": 8500, "shopping": 7800, "other": 200.5}
    feb = await nivo.ok("GET", path, user, params={"period": "monthly"})
    assert feb["period"] == "2025-02" and feb["total_spent"] == 100 and feb["categories"] == {"other": 100}
    day = await nivo.ok("GET", path, user, params={"period": "daily", "date": "2025-01-10"})
    assert day["period"] == "2025-01-10" and day["total_spent"] == 16500.5
    week = await nivo.ok("GET", path, user, params={"period": "weekly", "date": "2025-01-10"})
    assert week["period"] == "2025-W02"
    year = await nivo.ok("GET", path, user, params={"period": "yearly"})
    assert year["period"] == "2025" and year["total_spent"] == 16600.5
    await nivo.error("GET", path, user, None, 400, "VALIDATION_ERROR", params={"period": "hourly"})
    await nivo.error("GET", path, user, None, 400, "VALIDATION_ERROR", params={"date": "10/01/2025"})


async def test_csv_statement_filtered_by_date_range(nivo: Nivo) -> None:
    user, wallet_id, _, ids = await _spend(nivo)
    resp = await nivo.call(
        "GET",
        f"/api/v1/transaction/wallets/{wallet_id}/statements/csv",
        user,
        params={"start_date": "2025-01-01", "end_date": "2025-01-31"},
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["transaction_id"] for r in rows[1:]] == [ids["food"], ids["shopping"], ids["other"]]
    assert rows[0]["type"] == "deposit" and rows[0]["credit"] == "30000.00" and rows[0]["balance"] == "30000.00"
    assert rows[1]["category"] == "food" and rows[1]["debit"] == "8500.00"
    assert rows[-1]["balance"] == "13499.50"
    assert ids["february"] not in resp.text

    feb = await nivo.call(
        "GET",
        f"/api/v1/transaction/wallets/{wallet_id}/statements/csv",
        user,
        params={"start_date": "2025-02-01", "end_date": "2025-02-28"},
    )
    rows = list(csv.DictReader(io.StringIO(feb.text)))
    assert [r["transaction_id"] for r in rows] == [ids["february"]]
    await nivo.error(
        "GET",
        f"/api/v1/transaction/wallets/{wallet_id}/statements/csv",
        user,
        None,
        400,
        "VALIDATION_ERROR",
        params={"start_date": "2025-02-01", "end_date": "2025-01-01"},
    )
    await nivo.error(
        "GET",
        f"/api/v1/transaction/wallets/{wallet_id}/statements/csv",
        user,
        None,
        400,
        "VALIDATION_ERROR",
        params={"start_date": "yesterday"},
    )


async def test_pdf_statement_is_a_real_pdf(nivo: Nivo) -> None:
    user, wallet_id, _, _ = await _spend(nivo)
    resp = await nivo.call(
        "GET",
        f"/api/v1/transaction/wallets/{wallet_id}/statements/pdf",
        user,
        params={"start_date": "2025-01-01", "end_date": "2025-01-31"},
    )
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/pdf"
    body = resp.content
    assert body.startswith(b"%PDF-1.") and body.rstrip().endswith(b"%%EOF")
    assert b"/Type /Page" in body and len(body) > 1000
    empty = await nivo.call(
        "GET",
        f"/api/v1/transaction/wallets/{wallet_id}/statements/pdf",
        user,
        params={"start_date": "2024-01-01", "end_date": "2024-01-31"},
    )
    assert empty.status_code == 200 and empty.content.startswith(b"%PDF-")
    stranger = await nivo.user("Stranger")
    await nivo.error("GET", f"/api/v1/transaction/wallets/{wallet_id}/statements/pdf", stranger, None, 403, "FORBIDDEN")


async def test_month_end_statement_keeps_the_last_second_and_leaves_out_the_next_month(nivo: Nivo) -> None:
    """A withdrawal at 23:59:59 on Feb 29 (a leap year) is February's; one at 00:00:00 on Mar 1 is not."""
    clock = nivo.sandbox.clock
    clock.freeze()
    clock.set(datetime(2028, 2, 29, 23, 59, 0, tzinfo=UTC).timestamp())
    user = await nivo.user()
    wallet_id = await nivo.wallet(user, deposit="1000.00")
    clock.set(datetime(2028, 2, 29, 23, 59, 59, tzinfo=UTC).timestamp())
    last = await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "10.00"}, status=201)
    clock.set(datetime(2028, 3, 1, 0, 0, 0, tzinfo=UTC).timestamp())
    first = await nivo.ok("POST", WITHDRAWAL, user, {"wallet_id": wallet_id, "amount": "20.00"}, status=201)
    statement = f"/api/v1/transaction/wallets/{wallet_id}/statements/csv"
    feb = await nivo.call("GET", statement, user, params={"start_date": "2028-02-01", "end_date": "2028-02-29"})
    assert feb.status_code == 200, feb.text
    ids = [r["transaction_id"] for r in csv.DictReader(io.StringIO(feb.text))]
    assert last["id"] in ids and first["id"] not in ids
    march = await nivo.call("GET", statement, user, params={"start_date": "2028-03-01", "end_date": "2028-03-31"})
    assert [r["transaction_id"] for r in csv.DictReader(io.StringIO(march.text))] == [first["id"]]
    summary = await nivo.ok(
        "GET", f"/api/v1/transaction/wallets/{wallet_id}/spending-summary", user, params={"period": "monthly"}
    )
    assert summary["period"] == "2028-03" and summary["total_spent"] == 20, summary
