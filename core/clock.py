"""Time as the app stores it (naive UTC) and as councils read it (Vietnam, UTC+7)."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator

# Vietnam has kept UTC+7 without summer time since 1975; a fixed offset needs no tz database.
VIETNAM = timezone(timedelta(hours=7), "ICT")
# Meetings and filters outside these years are typing mistakes, and extreme years overflow.
EARLIEST = datetime(2000, 1, 1)
LATEST = datetime(2100, 1, 1)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(value: datetime) -> datetime:
    """Store times as naive UTC; a time without an offset is taken as already UTC."""
    try:
        moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    except (OverflowError, ValueError):
        raise ValueError("time out of range") from None
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"time must be between {EARLIEST.year} and {LATEST.year}")
    return moment


def in_vietnam(value: datetime) -> datetime:
    """A stored naive-UTC time as the clock on the meeting room's wall showed it."""
    return value.replace(tzinfo=UTC).astimezone(VIETNAM)


# A client-sent time, validated and converted to naive UTC.
UtcTime = Annotated[datetime, AfterValidator(naive_utc)]
