"""Rule-based, explainable triage: a bilingual phrase lexicon combined with the register.

The result carries its reasons, so the operator sees why ("matched 心绞痛; lives alone, 92") and
can override with a reason of their own. Rules only ever raise urgency.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from linli.ledger.models import URGENCY_RANK, Category, Urgency
from linli.lib.sql import hot_cursor, placeholders
from linli.people.models import Household, Resident, Vulnerability

EMERGENCY_PHRASES = (
    "胸痛", "心绞痛", "心梗", "呼吸困难", "喘不上气", "昏迷", "晕倒", "不省人事", "抽搐", "大出血",
    "临产", "破水", "中风", "脑梗", "休克", "自杀", "轻生",
    "chest pain", "angina", "heart attack", "can't breathe", "cannot breathe",
    "difficulty breathing",
    "unconscious", "fainted", "seizure", "convulsion", "heavy bleeding", "in labour", "in labor",
    "waters broke", "water broke", "stroke", "suicide",
)  # fmt: skip
URGENT_PHRASES = (
    "血透", "透析", "化疗", "放疗", "断药", "没药", "高烧", "发烧", "孕", "婴儿", "胰岛素",
    "dialysis", "chemo", "radiotherapy", "out of medicine", "no medicine", "run out of",
    "high fever", "fever", "pregnan", "baby", "insulin",
)  # fmt: skip


@dataclass
class Triage:
    urgency: str
    reasons: list[dict[str, object]] = field(default_factory=list)

    def raise_to(self, level: str, reason: dict[str, object]) -> None:
        self.reasons.append(reason)
        if URGENCY_RANK[Urgency(level)] < URGENCY_RANK[Urgency(self.urgency)]:
            self.urgency = level


def raise_one(level: str) -> str:
    order = [Urgency.LOW, Urgency.NORMAL, Urgency.URGENT, Urgency.EMERGENCY]
    index = order.index(Urgency(level))
    return order[min(index + 1, 2 if index < 2 else index)]  # rules raise to urgent at most


def _size_and_groups(
    people: list[int], household_id: int | None
) -> tuple[int, dict[int, set[str]]]:
    """How many live in the household (when asked), and the current groups of these people, in
    one statement written out: a known caller's every intake asks this."""
    parts, params = [], []
    if household_id is not None:
        parts.append(
            "SELECT NULL, NULL, COUNT(*) FROM people_resident WHERE household_id = %s AND is_active"
        )
        params.append(household_id)
    if people:
        parts.append(
            "SELECT resident_id, kind, NULL FROM people_vulnerability WHERE until IS NULL"  # noqa: S608
            f" AND resident_id IN ({placeholders(len(people))})"
        )
        params.extend(people)
    size, groups = 0, dict[int, set[str]]()
    if parts:
        with hot_cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for resident_id, kind, count in cursor.fetchall():
                if count is not None:
                    size = count
                else:
                    groups.setdefault(resident_id, set()).add(kind)
    return size, groups


def triage(
    description: str,
    category: Category,
    *,
    resident: Resident | None,
    household: Household | None,
    today: date,
) -> Triage:
    result = Triage(urgency=category.default_urgency)
    result.reasons.append({"code": "category", "category": category.code})
    text = description.lower()
    for phrase in EMERGENCY_PHRASES:
        if phrase in text:
            result.raise_to(
                Urgency.EMERGENCY, {"code": "phrase", "phrase": phrase, "level": "emergency"}
            )
    for phrase in URGENT_PHRASES:
        if phrase in text:
            result.raise_to(Urgency.URGENT, {"code": "phrase", "phrase": phrase, "level": "urgent"})
    # What the register says about the caller, in two queries however large the household.
    people: list[Resident] = []
    if resident is not None:
        people = [resident]
    elif household is not None:
        people = list(household.members.filter(is_active=True))
    household_size, tags_of = _size_and_groups(
        [p.pk for p in people], resident.household_id if resident is not None else None
    )
    if resident is None:
        household_size = len(people)
    for person in people:
        tags = tags_of.get(person.pk, set())
        age = person.age(today)
        alone = household_size == 1
        for kind in (
            Vulnerability.Kind.DIALYSIS,
            Vulnerability.Kind.CHEMO,
            Vulnerability.Kind.PREGNANT,
        ):
            if kind in tags:
                result.raise_to(
                    Urgency.URGENT, {"code": "tag", "tag": kind.value, "name": person.name}
                )
        if age >= 80 and alone:
            result.raise_to(
                raise_one(result.urgency), {"code": "old_alone", "age": age, "name": person.name}
            )
        elif person.mobility == Resident.Mobility.BEDRIDDEN or person.ltc_level >= 5:
            result.raise_to(
                raise_one(result.urgency),
                {"code": "care", "level": person.ltc_level, "name": person.name},
            )
    return result


def explain(reason: dict[str, object]) -> str:
    """One reason in the reader's language."""
    code = reason.get("code")
    if code == "phrase":
        return _("matched “%(phrase)s”") % {"phrase": reason["phrase"]}
    if code == "tag":
        labels = dict(Vulnerability.Kind.choices)
        return _("%(name)s: %(tag)s") % {
            "name": reason["name"],
            "tag": labels.get(str(reason["tag"]), reason["tag"]),
        }
    if code == "old_alone":
        return _("%(name)s lives alone, %(age)s") % {"name": reason["name"], "age": reason["age"]}
    if code == "care":
        return _("%(name)s is bedridden or needs high care") % {"name": reason["name"]}
    if code == "category":
        return _("usual urgency of the category")
    if code == "override":
        return _("set by %(user)s: %(reason)s") % {
            "user": reason.get("user", ""),
            "reason": reason.get("reason", ""),
        }
    return str(reason)
