"""A fixed-window rate limit in Django's cache (Saleor's CACHE_URL: Redis in production)."""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_SECONDS = 3600


def allow(key: str, limit: int, now: float | None = None) -> bool:
    """Count one attempt under `key` in the current hour; False once `limit` attempts were counted."""
    window = int((now if now is not None else time.time()) // WINDOW_SECONDS)
    cache_key = f"saleor-support:rate:{key}:{window}"
    cache.add(cache_key, 0, WINDOW_SECONDS + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, WINDOW_SECONDS + 60)
        count = 1
    return count <= limit
