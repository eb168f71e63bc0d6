"""Verified API keys, remembered for a moment so a request needs no database read.

A key that verified is kept (by its SHA-256, never the key itself) for KEY_CACHE_SECONDS;
an unknown or revoked key is looked up every time. A revocation therefore takes effect in
every worker within KEY_CACHE_SECONDS, sooner where the watcher calls `forget` (each round,
and at once on PostgreSQL, whose revocations send NOTIFY).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import Counter

from triage.errors import AuthError
from triage.store.ports import KeyInfo, KeyStore

KEY_CACHE_SECONDS = 1.0  # a revoked key stops working in every worker within this time
KEY_CACHE_SIZE = 1024
log = logging.getLogger(__name__)
REFUSED: Counter[str] = Counter()  # refused key checks in this process, by where they came
_KEY_ID = re.compile(r"trg_([A-Za-z0-9]{4})[A-Za-z0-9]*_")


def refused(presented: str, where: str) -> None:
    """Log and count a refused key check: by the first 4 characters of the key id a
    well-formed key names (never the secret part, never a malformed key's text)."""
    REFUSED[where] += 1
    found = _KEY_ID.match(presented)
    prefix = found.group(1) if found else "(malformed)"
    log.warning("refused key check at %s: key id %s…, %d so far", where, prefix, REFUSED[where])


def _digest(presented: str) -> bytes:
    return hashlib.sha256(presented.encode()).digest()


def _monotonic() -> float:
    return time.monotonic()  # one place for tests to move the clock


class VerifiedKeys:
    def __init__(self, store: KeyStore) -> None:
        self._store = store
        self._seen: dict[bytes, tuple[float, KeyInfo]] = {}  # key hash -> (until, info)

    def known(self, presented: str) -> KeyInfo | None:
        """The key's info if it verified within KEY_CACHE_SECONDS; no database read."""
        seen = self._seen.get(_digest(presented))
        return seen[1] if seen is not None and seen[0] > _monotonic() else None

    def verify(self, presented: str) -> KeyInfo:
        """The key's info (from memory, or the store), or AuthError 401."""
        key = self.known(presented)
        if key is not None:
            return key
        digest, asked = _digest(presented), _monotonic()  # the bound counts from before the read
        key = self._store.verify(presented)
        if key is None:
            self._seen.pop(digest, None)
            refused(presented, "api")
            raise AuthError(401, "the API key is not valid or was revoked")
        if len(self._seen) >= KEY_CACHE_SIZE:
            self._seen.clear()
        self._seen[digest] = (asked + KEY_CACHE_SECONDS, key)
        return key

    def revoke(self, key_id: str) -> bool:
        """Revoke in the store; this process forgets every key at once."""
        revoked = self._store.revoke(key_id)
        self.forget()
        return revoked

    def forget(self) -> None:
        self._seen.clear()
