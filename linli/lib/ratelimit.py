"""A small brake for the public pages: counts hits per key in Django's cache.

A plain fixed window lets twice the limit through around the edge of a window (the end of one
and the start of the next). So each key keeps one counter per window and a hit is weighed
against the current counter plus the share of the previous one that still overlaps the last
`window_seconds` (a "sliding window counter"): close to an exact sliding window, two cache keys.

Keys are hashed before they reach the cache, so phone numbers and addresses are not stored in
it, and any text (Chinese included) makes a valid key on every cache backend.
"""

import hashlib
import time

from django.core.cache import cache


def _cache_key(key: str, window_seconds: int, bucket: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"linli:ratelimit:{window_seconds}:{digest}:{bucket}"


def _weigh(key: str, window_seconds: int, *, count_this: bool) -> float:
    """The hits of the last `window_seconds`: the current counter (after counting this hit when
    `count_this`) plus the overlapping share of the previous one."""
    if window_seconds <= 0:
        raise ValueError("window_seconds must be positive")
    bucket, into = divmod(time.time(), window_seconds)
    current = _cache_key(key, window_seconds, int(bucket))
    if count_this:
        # Each counter is read while its window and the next one last.
        ttl = 2 * window_seconds
        cache.add(current, 0, timeout=ttl)
        try:
            count = int(cache.incr(current))
        except ValueError:  # expired between add() and incr()
            cache.set(current, 1, timeout=ttl)
            count = 1
        # Some backends (the file cache) reset the expiry to the default on incr(): restore it.
        cache.touch(current, ttl)
    else:
        count = int(cache.get(current, 0))
    previous = int(cache.get(_cache_key(key, window_seconds, int(bucket) - 1), 0))
    return previous * (1 - into / window_seconds) + count


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key`. True while the hits of the last `window_seconds` (this one
    included) stay within `limit`; False once they go over it.

    Refused hits count too, so a client that keeps trying stays refused until it slows down.
    """
    return _weigh(key, window_seconds, count_this=True) <= limit


def exhausted(key: str, limit: int, window_seconds: int) -> bool:
    """Whether `key` has used up its `limit` hits of the last `window_seconds`, counting nothing:
    for limits on failures, checked before trying and hit only when the try fails."""
    return _weigh(key, window_seconds, count_this=False) >= limit
