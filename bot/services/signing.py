"""Signed button data: the bot accepts back only the callback data it made itself.

Telegram returns a button's `callback_data` as the client sends it, and a
modified client can send anything. Every button the bot builds carries a MAC
(HMAC-SHA256 over the data, truncated to 48 bits, base64url: 8 characters)
keyed by a random secret made once per database and kept in its `kv` table,
so it survives restarts and travels with backups. Data whose MAC does not
verify is refused before any action runs. The MAC proves only "the bot built
this button for someone": who may press it is still checked by the service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bot.services.base import Env
from storage import meta

SECRET_KEY = "button_secret"
MAC_BYTES = 6
MAC_CHARS = 8  # base64url of 6 bytes, no padding
SEPARATOR = ":"
MAX_DATA_BYTES = 64  # Telegram's limit on callback_data


def mac(key: bytes, data: str) -> str:
    digest = hmac.new(key, data.encode("utf-8"), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def sign(key: bytes, data: str) -> str:
    """`data` with its MAC appended; raises if the result would not fit in a button."""
    signed = f"{data}{SEPARATOR}{mac(key, data)}"
    if len(signed.encode("utf-8")) > MAX_DATA_BYTES:
        raise ValueError(f"callback data over {MAX_DATA_BYTES} bytes: {signed!r}")
    return signed


def verify(key: bytes, signed: str | None) -> str | None:
    """The data without its MAC, or None when the MAC is missing or wrong."""
    if not signed or len(signed.encode("utf-8")) > MAX_DATA_BYTES:
        return None
    data, sep, tag = signed.rpartition(SEPARATOR)
    if not sep or len(tag) != MAC_CHARS:
        return None
    if not hmac.compare_digest(tag.encode("ascii", "replace"), mac(key, data).encode("ascii")):
        return None
    return data


async def button_key(env: Env) -> bytes:
    """This database's signing secret, created on first use and then never changed."""
    async with env.db.reading() as tx:
        stored = await meta.kv_get(tx, SECRET_KEY)
    if stored is None:
        async with env.db.transaction() as tx:
            stored = await meta.kv_setdefault(tx, SECRET_KEY, secrets.token_hex(32))
    return bytes.fromhex(stored)
