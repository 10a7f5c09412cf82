"""The document's "Complete User Journey Example", run as written with curl and jq against a live server."""

from __future__ import annotations

import asyncio
import json
import shutil
from typing import Any

import pytest

from tests.support.server import LiveServer

# Verbatim from nivo-flows.md, "Complete User Journey Example" (only the host is the live server's).
JOURNEY = r"""
# 1. Register user
curl -X POST http://localhost:8000/api/v1/identity/auth/register \
  -H "Content-Type: application/json" \
  -d '{
    "email": "john@example.com",
    "password": "SecurePass123",
    "full_name": "John Doe",
    "phone": "+919876543210"
  }'

# 2. Login
TOKEN=$(curl -X POST http://localhost:8000/api/v1/identity/auth/login \
  -H "Content-Type: application/json" \
  -d '{"email":"john@example.com","password":"SecurePass123"}' \
  | jq -r '.data.token')

# 3. Create wallet
WALLET_ID=$(curl -X POST http://localhost:8000/api/v1/wallet/wallets \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d '{"currency":"INR"}' \
  | jq -r '.data.id')

# 4. Activate wallet
curl -X POST http://localhost:8000/api/v1/wallet/wallets/$WALLET_ID/activate \
  -H "Authorization: Bearer $TOKEN"

# 5. Deposit funds
curl -X POST http://localhost:8000/api/v1/transaction/transactions/deposit \
  -H "Authorization: Bearer $TOKEN" \
  -H "Content-Type: application/json" \
  -d "{
    \"wallet_id\": \"$WALLET_ID\",
    \"amount\": \"10000.00\",
    \"currency\": \"INR\",
    \"description\": \"Initial deposit\"
  }"

# 6. Check balance
curl -X GET http://localhost:8000/api/v1/wallet/wallets/$WALLET_ID/balance \
  -H "Authorization: Bearer $TOKEN"
"""


def split_json_documents(text: str) -> list[Any]:
    decoder = json.JSONDecoder()
    docs: list[Any] = []
    index = 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        doc, index = decoder.raw_decode(text, index)
        docs.append(doc)
    return docs


@pytest.mark.skipif(shutil.which("curl") is None or shutil.which("jq") is None, reason="needs curl and jq")
async def test_complete_user_journey_with_curl_and_jq(live: LiveServer) -> None:
    script = JOURNEY.replace("http://localhost:8000", live.base_url)
    proc = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        script + '\necho "{\\"wallet_id\\": \\"$WALLET_ID\\"}"\n',
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, stderr.decode()
    register, activate, deposit, balance, marker = split_json_documents(stdout.decode())
    wallet_id = marker["wallet_id"]

    assert register["success"] is True
    assert register["data"]["email"] == "john@example.com"
    assert register["data"]["phone"] == "+919876543210"
    assert register["data"]["full_name"] == "John Doe"
    assert register["data"]["status"] == "pending"
    assert register["data"]["kyc"] == {"status": "pending"}

    assert activate == {"success": True, "data": {"id": wallet_id, "status": "active"}}

    assert deposit["success"] is True
    assert deposit["data"]["type"] == "deposit"
    assert deposit["data"]["to_wallet_id"] == wallet_id
    assert deposit["data"]["amount"] == "10000.00"
    assert deposit["data"]["currency"] == "INR"
    assert deposit["data"]["status"] == "completed"
    assert deposit["data"]["description"] == "Initial deposit"

    assert balance == {
        "success": True,
        "data": {"wallet_id": wallet_id, "balance": "10000.00", "available_balance": "10000.00", "currency": "INR"},
    }
    assert (await live.sandbox.ledger.check()).ok
