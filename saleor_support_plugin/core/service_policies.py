"""Service-level policies: first-response, next-response and resolution targets (in business time) per
priority, optionally narrowed to a category and a channel (how the case came in: storefront, email, phone...).

Written one policy a line, as the merchant types them on the plugin page:

    priority=urgent first=1h next=2h resolution=8h
    priority=normal channel=phone first=30m
    priority=* category=billing resolution=24h

A target left out of a line is the default policy's (the plugin's first-response and resolution hours; the
next response gets the first-response target). The most specific matching line wins: channel before
category before priority.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation

from saleor_support_plugin.core.business_hours import OpeningHours

ANY = "*"
TARGETS = ("first_response", "next_response", "resolution")
_TARGET_KEYS = {"first": "first_response", "next": "next_response", "resolution": "resolution"}
_DURATION = re.compile(r"^(\d{1,5})(h|m)?$")


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class Policy:
    first_response: datetime.timedelta
    next_response: datetime.timedelta
    resolution: datetime.timedelta
    priority: str = ANY
    category: str = ANY
    channel: str = ANY

    @property
    def name(self) -> str:
        parts = [f"{key}={value}" for key, value in self.scope() if value != ANY]
        return " ".join(parts) or "default"

    def scope(self) -> tuple[tuple[str, str], ...]:
        return (("priority", self.priority), ("category", self.category), ("channel", self.channel))

    def matches(self, priority: str, category: str, channel: str) -> bool:
        wanted = {"priority": priority, "category": category, "channel": channel}
        return all(value in (ANY, wanted[key]) for key, value in self.scope())

    def specificity(self) -> int:
        return 4 * (self.channel != ANY) + 2 * (self.category != ANY) + (self.priority != ANY)

    def target(self, name: str) -> datetime.timedelta:
        return getattr(self, name)  # type: ignore[no-any-return]


def default_policy(first_response_hours: int, resolution_hours: int) -> Policy:
    first = datetime.timedelta(hours=first_response_hours)
    return Policy(first_response=first, next_response=first, resolution=datetime.timedelta(hours=resolution_hours))


def choose_policy(policies: Iterable[Policy], default: Policy, priority: str, category: str, channel: str) -> Policy:
    candidates = [policy for policy in policies if policy.matches(priority, category, channel)]
    if not candidates:
        return default
    # max() keeps the first of equals: the line written first wins a tie.
    return max(candidates, key=lambda policy: policy.specificity())


def parse_policies(
    text: str,
    default: Policy,
    priorities: Iterable[str],
    categories: Iterable[str],
    channels: Iterable[str],
) -> tuple[Policy, ...]:
    """One policy a line (blank lines and `#` comments ignored). Raises PolicyError naming the bad line."""
    known = {"priority": set(priorities), "category": set(categories), "channel": set(channels)}
    policies = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            policies.append(_parse_line(line, number, default, known))
    return tuple(policies)


def _parse_line(line: str, number: int, default: Policy, known: dict[str, set[str]]) -> Policy:
    scope = {"priority": ANY, "category": ANY, "channel": ANY}
    targets = {name: default.target(name) for name in TARGETS}
    named = set()
    for token in line.replace(",", " ").split():
        key, _, value = token.partition("=")
        key, value = key.strip().lower(), value.strip().lower()
        named.add(key)
        if key in scope:
            if value != ANY and value not in known[key]:
                choices = ", ".join(sorted(known[key]))
                raise PolicyError(f"Line {number}: '{value}' is not a {key} (use {choices} or *).")
            scope[key] = value
        elif key in _TARGET_KEYS:
            targets[_TARGET_KEYS[key]] = _duration(value, number)
        else:
            raise PolicyError(
                f"Line {number}: '{token}' is not understood. Write e.g. 'priority=urgent first=1h next=2h "
                "resolution=8h' (optional: category=..., channel=...)."
            )
    if "priority" not in named:
        raise PolicyError(f"Line {number}: name the priority (or priority=* for all).")
    return Policy(
        first_response=targets["first_response"],
        next_response=targets["next_response"],
        resolution=targets["resolution"],
        priority=scope["priority"],
        category=scope["category"],
        channel=scope["channel"],
    )


def _duration(value: str, number: int) -> datetime.timedelta:
    match = _DURATION.match(value)
    if not match or int(match[1]) == 0:
        raise PolicyError(f"Line {number}: '{value}' is not a duration such as 4h or 30m (business time).")
    amount = int(match[1])
    duration = datetime.timedelta(minutes=amount) if match[2] == "m" else datetime.timedelta(hours=amount)
    if duration > datetime.timedelta(hours=2160):
        raise PolicyError(f"Line {number}: '{value}' is longer than 2160 hours.")
    return duration


def promise(duration: datetime.timedelta, hours: OpeningHours, language: str) -> str:
    """The target as customers read it, in their language: "within 1 business day", "within 4 business
    hours" (a whole number of the shop's opening days is said in days), "within 2 hours" for a 24/7 shop."""
    with translation.override(language):
        day = hours.day_length()
        minutes = int(duration.total_seconds() // 60)
        if day and duration >= day and duration % day == datetime.timedelta(0):
            count = duration // day
            if hours.always_open:
                return translation.ngettext("within %(count)s day", "within %(count)s days", count) % {"count": count}
            return translation.ngettext("within %(count)s business day", "within %(count)s business days", count) % {
                "count": count
            }
        if minutes % 60 == 0:
            count = minutes // 60
            if hours.always_open:
                return translation.ngettext("within %(count)s hour", "within %(count)s hours", count) % {"count": count}
            return translation.ngettext("within %(count)s business hour", "within %(count)s business hours", count) % {
                "count": count
            }
        if hours.always_open:
            return translation.ngettext("within %(count)s minute", "within %(count)s minutes", minutes) % {
                "count": minutes
            }
        return translation.ngettext(
            "within %(count)s business minute", "within %(count)s business minutes", minutes
        ) % {"count": minutes}
