"""A service's schedule as a committee writes it: 每天, 每周一, 二四六 07:00, 周一至周五 上午9点,
Tue/Thu/Sat 07:00, Mon-Fri, daily 3pm. Parsed into a set of weekdays (a bit mask, Monday bit 0)
and an optional hour; anything else is refused with a message saying what is understood."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time

from django.utils.translation import gettext as _

EVERY_DAY = 0b1111111
WORKDAYS = 0b0011111
CN_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
EN_DAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
DAILY = {"每天", "每日", "天天", "daily", "everyday", "every day", "each day"}
WORKDAY_WORDS = {"工作日", "每个工作日", "weekdays", "workdays", "every weekday"}
WEEKEND = 0b1100000
WEEKEND_WORDS = {"周末", "每周末", "weekend", "weekends", "every weekend"}
CLOCK = re.compile(r"(\d{1,2})[:：.](\d{2})")
# 下午3点, 下午两点, 十点半: the hour in digits or in Chinese numerals.
CN_HOURS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
            "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}  # fmt: skip
CN_CLOCK = re.compile(
    r"(上午|早上|早晨|中午|下午|晚上)?(\d{1,2}|十[一二]?|[零一二两三四五六七八九])点(半|(\d{1,2})分?)?"
)
PART_OF_DAY = re.compile(r"上午|早上|早晨|中午|下午|晚上|morning|afternoon|evening")
EN_CLOCK = re.compile(r"(\d{1,2})\s*(am|pm)\b")
SEPARATORS = re.compile(r"[、,，/;；&+]|\s+|和|及|\band\b")
RANGE = re.compile(r"^(.+?)(?:至|到|-|~|–)(.+)$")
CN_PREFIX = re.compile(r"^(?:每周|每星期|每礼拜|周|星期|礼拜|每)")
HELP = "每天 / 每周一 / 二四六 07:00 / 周一至周五 / Tue/Thu/Sat 07:00 / Mon-Fri"


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    weekdays: int  # bit d set: weekday d, Monday 0
    at: time | None = None

    def falls_on(self, day: date) -> bool:
        return bool(self.weekdays & (1 << day.weekday()))


def _hour(text: str) -> tuple[time | None, str]:
    """The hour the text names, and the text without it."""
    for pattern in (CLOCK, CN_CLOCK, EN_CLOCK):
        found = pattern.search(text)
        if found is None:
            continue
        if pattern is CLOCK:
            hour, minute = int(found[1]), int(found[2])
        elif pattern is CN_CLOCK:
            hour = int(found[2]) if found[2].isdigit() else CN_HOURS[found[2]]
            minute = 30 if found[3] == "半" else int(found[4] or 0)
            if found[1] in ("下午", "晚上") and hour < 12:
                hour += 12
        else:
            hour, minute = int(found[1]) % 12, 0
            if found[2] == "pm":
                hour += 12
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise ScheduleError(_("%(value)s is not a time of day") % {"value": found[0]})
        return time(hour, minute), (text[: found.start()] + " " + text[found.end() :]).strip()
    return None, text


def _day(token: str) -> list[int] | None:
    """The weekdays one word names: 周一, 二四六, tue, …; None if it names none."""
    if token.removesuffix("s") in EN_DAYS:  # tue, tuesday, tuesdays
        return [EN_DAYS[token.removesuffix("s")]]
    bare = CN_PREFIX.sub("", token)
    if bare and all(ch in CN_DAYS for ch in bare):
        return [CN_DAYS[ch] for ch in bare]
    return None


def _days(token: str) -> int:
    ranged = RANGE.match(token)
    if ranged is not None:
        first, last = _day(ranged[1]), _day(ranged[2])
        if first and last and len(first) == len(last) == 1:
            start, end = first[0], last[0]
            days = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            return sum(1 << d for d in days)
    single = _day(token)
    if single is None:
        raise ScheduleError(
            _("“%(value)s” is not a day; write it like %(help)s") % {"value": token, "help": HELP}
        )
    return sum(1 << d for d in set(single))


def parse_schedule(text: str) -> Schedule:
    """The weekdays and hour of `text`, or ScheduleError saying what is not understood."""
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    if not plain:
        raise ScheduleError(_("say when, e.g. %(help)s") % {"help": HELP})
    at, rest = _hour(plain)
    # 每周六上午: a part of the day without an hour says no hour.
    rest = PART_OF_DAY.sub(" ", rest).strip()
    if not rest or rest in DAILY:
        if not rest and at is None:
            raise ScheduleError(_("say when, e.g. %(help)s") % {"help": HELP})
        return Schedule(EVERY_DAY, at)
    if rest in WORKDAY_WORDS:
        return Schedule(WORKDAYS, at)
    if rest in WEEKEND_WORDS:
        return Schedule(WEEKEND, at)
    mask = 0
    for token in (t for t in SEPARATORS.split(rest) if t):
        mask |= _days(token)
    return Schedule(mask, at)
