"""Days as moments, in Linli's time zone."""

from datetime import date, datetime, time

from django.utils import timezone


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, in Linli's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))
