"""Password hashing with bcrypt, run in a worker thread so it never blocks the event loop.

bcrypt reads at most 72 bytes, so the password is first reduced to a fixed-length digest
(SHA-256, base64): long passwords keep all their entropy and never hit bcrypt's length limit.
Passwords are never logged or returned.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib

import bcrypt


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password_sync(password: str, rounds: int) -> str:
    return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password_sync(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_prehash(password), hashed.encode("ascii"))
    except ValueError:
        return False


async def hash_password(password: str, rounds: int) -> str:
    return await asyncio.to_thread(hash_password_sync, password, rounds)


async def verify_password(password: str, hashed: str) -> bool:
    return await asyncio.to_thread(verify_password_sync, password, hashed)
