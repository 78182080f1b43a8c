"""Triage as a clinical safety net: never miss an emergency, however the caller says it.

The caller's words are read for findings by clinical sign (`lexicon`), each finding's context
decides whether it stands (`context`: negated, past, a standing condition, a figure of speech,
a worry …), red-flag figures are read (`text`: SpO₂, glucose, blood pressure, an infant's
fever), and `rules` combines what stands with the register (age, pregnancy and due date,
dialysis, chemotherapy, living alone) and the category into signs and an urgency.

The result carries its reasons, so the operator sees why ("matched 胸口痛 + 出冷汗: chest pain;
84, bedridden") and can override with a reason of their own. Rules only ever raise urgency.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.ledger.models import URGENCY_RANK, Category, Urgency
from linli.ledger.taxonomy import category_by_code
from linli.ledger.triage import questions
from linli.ledger.triage.context import STANDS, status
from linli.ledger.triage.gate import pieces
from linli.ledger.triage.lexicon import DANGER_CUES, FINDINGS
from linli.ledger.triage.rules import EMERGENCY, URGENT, Facts, Found, Hit, Person, signs
from linli.ledger.triage.text import clauses, measures, normalise
from linli.people.models import Household, Resident, Vulnerability
from linli.people.selectors import groups_of

SIGNS: dict[str, Promise] = {
    "chest": gettext_lazy("chest pain or a heart problem"),
    "breathing": gettext_lazy("difficulty breathing"),
    "stroke": gettext_lazy("signs of a stroke"),
    "unconscious": gettext_lazy("unconscious, collapsed or not breathing"),
    "help": gettext_lazy("someone calling for help"),
    "bleeding": gettext_lazy("severe bleeding"),
    "seizure": gettext_lazy("convulsions"),
    "pregnancy": gettext_lazy("pregnancy: labour, bleeding or danger signs"),
    "diabetic": gettext_lazy("diabetic emergency"),
    "poisoning": gettext_lazy("poisoning or overdose"),
    "gas": gettext_lazy("gas leak or fire"),
    "fall": gettext_lazy("a fall with injury or unable to get up"),
    "suicide": gettext_lazy("suicidal talk"),
    "allergy": gettext_lazy("severe allergic reaction"),
    "burn": gettext_lazy("burns"),
    "infant_fever": gettext_lazy("fever in an infant of three months or less"),
    "dialysis": gettext_lazy("dialysis patient with symptoms"),
    "sepsis": gettext_lazy("signs of sepsis"),
    "blood_pressure": gettext_lazy("blood pressure dangerously high or low"),
    "oxygen": gettext_lazy("oxygen supply at risk"),
    "medicine_out": gettext_lazy("medicine running out today"),
    "unreachable": gettext_lazy("someone who cannot be reached"),
    "pain": gettext_lazy("severe pain"),
    "confusion": gettext_lazy("confusion"),
    "vomiting": gettext_lazy("vomiting or diarrhoea"),
    "leg_clot": gettext_lazy("a painful swollen leg: a clot?"),
    "fever": gettext_lazy("fever"),
    "group": gettext_lazy("a vulnerable group is mentioned"),
    "violence": gettext_lazy("violence against a person"),
    "hypothermia": gettext_lazy("cold exposure: hypothermia"),
    "heatstroke": gettext_lazy("heat illness: heat stroke"),
    "drowning": gettext_lazy("drowning or near-drowning"),
    "electrocution": gettext_lazy("electric shock"),
    "abdomen": gettext_lazy("an acute abdomen"),
    "dehydration": gettext_lazy("severe dehydration"),
    "testicle": gettext_lazy("sudden pain in a testicle: torsion?"),
    "needs": gettext_lazy(
        "someone who cannot fend for themselves without food, water, power or care"
    ),
    "asked_awake": gettext_lazy("asked: not awake or not answering"),
    "asked_breathing": gettext_lazy("asked: not breathing normally"),
}
STATES: dict[str, Promise] = {
    "negated": gettext_lazy("negated"),
    "past": gettext_lazy("in the past"),
    "cleared": gettext_lazy("checked by a doctor since"),
    "condition": gettext_lazy("a standing condition or its medicine"),
    "figure": gettext_lazy("a figure of speech"),
    "hypothetical": gettext_lazy("a worry or a hypothetical"),
    "topic": gettext_lazy("a topic, not an event"),
    "recent": gettext_lazy("not today"),
    "resolved": gettext_lazy("since resolved"),
    "near": gettext_lazy("narrowly avoided"),
    "thing": gettext_lazy("said of a thing, not a person"),
}
# What the operator tells the caller, beyond "ring 120", for the signs that need it.
ADVICE: dict[str, Promise] = {
    "gas": gettext_lazy(
        "Gas or fire: everyone out, no switches or flames, ring 119 (gas: the gas company) "
        "from outside."
    ),
    "suicide": gettext_lazy(
        "Suicidal talk: keep the caller talking, ring 110 or 120, do not leave the person alone."
    ),
    "poisoning": gettext_lazy("Poisoning: ring 120 now and keep the bottle or packet."),
    "violence": gettext_lazy(
        "Violence: ring 110 and 120; the caller keeps themselves safe, away from the attacker."
    ),
    "drowning": gettext_lazy(
        "Drowning: ring 120 even if they seem well now; if not breathing, start rescue breaths."
    ),
    "electrocution": gettext_lazy(
        "Electric shock: switch off the power before touching them, then ring 120."
    ),
    "hypothermia": gettext_lazy(
        "Cold: ring 120, move them somewhere warm, handle them gently, cover them."
    ),
    "heatstroke": gettext_lazy(
        "Heat stroke: ring 120, move them into shade, cool them with water and a fan."
    ),
    "unconscious": gettext_lazy(
        "Not breathing normally: ring 120, who will guide chest compressions on the phone."
    ),
    "asked_breathing": gettext_lazy(
        "Not breathing normally: ring 120 now; they will guide chest compressions on the phone."
    ),
    "asked_awake": gettext_lazy(
        "Not awake: ring 120 now; if they breathe, turn them on their side and stay with them."
    ),
}
# Findings whose setting aside the operator should see (not the supporting ones).
TRIGGERS = frozenset(
    {
        "chest_pain", "heart_event", "breath_severe", "stroke_sign", "stroke_name",
        "unresponsive", "not_breathing", "fainted", "bleed_heavy", "seizure", "labour", "hypo",
        "overdose", "poison", "gas", "fire", "fall", "suicidal", "burn", "fever",
        "missed_dialysis", "medicine_out", "unreachable", "oxygen_down",
    }
)  # fmt: skip
# Signs of a need rather than of someone's state: the key questions are not asked for them.
NOT_ASKED = frozenset({"medicine_out", "unreachable", "group", "gas", "needs"})
MAX_TEXT = 4000  # the longest description the API takes; the rest is not read


@dataclass
class Triage:
    urgency: str
    reasons: list[dict[str, object]] = field(default_factory=list)
    # About a person's health: the desk asks the key questions.
    asks: bool = False

    def raise_to(self, level: str, reason: dict[str, object]) -> None:
        self.reasons.append(reason)
        if URGENCY_RANK[Urgency(level)] < URGENCY_RANK[Urgency(self.urgency)]:
            self.urgency = level

    @property
    def emergency_signs(self) -> list[str]:
        return [
            str(r["sign"])
            for r in self.reasons
            if r.get("code") == "sign" and r.get("level") == EMERGENCY
        ]

    def explained(self) -> list[str]:
        """The reasons in the reader's language, the category's usual urgency left out."""
        return [explain(r) for r in self.reasons if r.get("code") != "category"]


def raise_one(level: str) -> str:
    order = [Urgency.LOW, Urgency.NORMAL, Urgency.URGENT, Urgency.CALL_BACK, Urgency.EMERGENCY]
    index = order.index(Urgency(level))
    return order[min(index + 1, 2 if index < 2 else index)]  # rules raise to urgent at most


def read_findings(text: str, chars: set[str] | None = None, *, gated: bool = True) -> list[Found]:
    """Every finding in normalised `text` (whose characters are `chars`), with what its context
    makes of it. `gated=False` searches every pattern, for the test that gating changes nothing."""
    bounds = clauses(text)
    chars = pieces(text) if chars is None else chars
    found: list[Found] = []
    for finding in FINDINGS:
        if gated and finding.gate is not None and chars.isdisjoint(finding.gate):
            continue
        for m in finding.pattern.finditer(text):
            if m.end() == m.start():
                continue
            index = next(
                (i for i, (a, b) in enumerate(bounds) if a <= m.start() < b), len(bounds) - 1
            )
            clause = bounds[index]
            following = bounds[index + 1] if index + 1 < len(bounds) else (len(text), len(text))
            preceding = bounds[index - 1] if index > 0 else (0, 0)
            said = status(
                finding.code,
                finding.disease,
                finding.worry_counts,
                text,
                (m.start(), m.end()),
                clause,
                text[following[0] : following[1]],
                text[preceding[0] : preceding[1]],
            )
            found.append(
                Found(
                    finding.code,
                    m.group(0).strip(),
                    said.state,
                    said.cue,
                    text[clause[0] : clause[1]],
                    m.start(),
                )
            )
    return found


def _due_in(details: dict[str, object], today: date) -> int | None:
    try:
        return (date.fromisoformat(str(details["due"])) - today).days
    except (KeyError, ValueError):
        return None


def triage(
    description: str,
    category: Category,
    *,
    resident: Resident | None,
    household: Household | None,
    today: date,
    answers: dict[str, str] | None = None,
) -> Triage:
    """Triage a request about `resident` (or someone of `household`) against the register, with
    the key questions' `answers` when they were asked (`questions.cleaned`)."""
    # What the register says about the caller, in two queries however large the household.
    people: list[Resident] = []
    if resident is not None:
        people = [resident]
    elif household is not None:
        people = list(household.members.filter(is_active=True))
    household_size, tags_of = groups_of(
        people, resident.household_id if resident is not None else None
    )
    if resident is None:
        household_size = len(people)
    facts = _facts(people, household_size, tags_of, today)
    return assess(description, category.code, category.default_urgency, facts, answers)


def triage_households(
    entries: list[tuple[str, Category, Household | None]], today: date
) -> list[Triage]:
    """`triage` of many requests about households at once (a day of planned services): the
    register read in two queries for all of them, then each assessed as `triage` would."""
    ids = {household.pk for _d, _c, household in entries if household is not None}
    members: dict[int, list[Resident]] = {}
    for person in Resident.objects.filter(household_id__in=ids, is_active=True).order_by("pk"):
        members.setdefault(person.household_id, []).append(person)
    tags_of: dict[int, dict[str, dict[str, object]]] = {}
    in_force = Vulnerability.objects.filter(
        resident__household_id__in=ids, until__isnull=True
    ).values_list("resident_id", "kind", "details")
    for resident_id, kind, details in in_force:
        tags_of.setdefault(resident_id, {})[kind] = details or {}
    found = []
    for description, category, household in entries:
        people = members.get(household.pk, []) if household is not None else []
        facts = _facts(people, len(people), tags_of, today)
        found.append(assess(description, category.code, category.default_urgency, facts))
    return found


def _facts(
    people: list[Resident],
    household_size: int,
    tags_of: dict[int, dict[str, dict[str, object]]],
    today: date,
) -> list[Person]:
    return [
        Person(
            name=p.name,
            age=p.age(today),
            age_days=(today - p.date_of_birth).days if p.date_of_birth else None,
            tags=frozenset(tags_of.get(p.pk, {})),
            due_in_days=_due_in(tags_of.get(p.pk, {}).get(Vulnerability.Kind.PREGNANT, {}), today),
            alone=household_size == 1,
            high_care=p.mobility == Resident.Mobility.BEDRIDDEN or (p.ltc_level or 0) >= 5,
            care_level=p.ltc_level or 0,
        )
        for p in people
    ]


def assess(
    description: str,
    category: str,
    usual: str,
    people: list[Person],
    answers: dict[str, str] | None = None,
) -> Triage:
    """Triage `description` in `category` (whose usual urgency is `usual`) about `people`, as
    the register knows them, with the key questions' `answers`: no database, so the desk can
    ask it at every keystroke."""
    answers = answers or {}
    result = Triage(urgency=usual)
    result.reasons.append({"code": "category", "category": category})
    for question, sign in questions.LIFE_QUESTIONS.items():
        if answers.get(question) in (questions.NO, questions.UNKNOWN):
            reason: dict[str, object] = {
                "code": "sign", "sign": sign, "level": EMERGENCY, "answer": answers[question]
            }  # fmt: skip
            result.raise_to(EMERGENCY, reason)
    text = normalise(description[:MAX_TEXT])
    chars = pieces(text)
    found = read_findings(text, chars)
    problem = answers.get("problem")
    if problem in questions.PROBLEMS:
        # What the operator was told is the main problem stands as a finding said now.
        asked = [Found(code, "", STANDS, "", "", -1) for code in questions.PROBLEMS[problem][1]]
        found = [*found, *asked]
        level = URGENT if problem != "other" else usual
        result.raise_to(level, {"code": "asked", "question": "problem", "answer": problem})
    hits = signs(Facts(found, measures(text, chars), people, category, text))
    for hit in _merged(hits):
        result.raise_to(hit.level, _sign_reason(hit))
    shown = {w for h in hits for w in h.words}
    for f in found:
        if (
            f.code in TRIGGERS
            and f.state != STANDS
            and f.words not in shown
            and f.state in STATES
            and not any(h.context == f.state for h in hits)
        ):
            result.reasons.append(
                {"code": "set_aside", "words": f.words, "state": f.state, "cue": f.cue}
            )
            shown.add(f.words)
    for person in people:
        for kind in (
            Vulnerability.Kind.DIALYSIS,
            Vulnerability.Kind.CHEMO,
            Vulnerability.Kind.PREGNANT,
        ):
            if kind in person.tags:
                result.raise_to(
                    Urgency.URGENT, {"code": "tag", "tag": kind.value, "name": person.name}
                )
        if person.age is not None and person.age >= 80 and person.alone:
            result.raise_to(
                raise_one(result.urgency),
                {"code": "old_alone", "age": person.age, "name": person.name},
            )
        elif person.high_care:
            result.raise_to(
                raise_one(result.urgency),
                {"code": "care", "level": person.care_level, "name": person.name},
            )
    result.asks = bool(answers) or any(h.sign not in NOT_ASKED for h in hits)
    # The safety net: a danger half-named (someone unwell, a cue no rule decided) is never left
    # in the ordinary queue unless the key questions were asked and both answered yes.
    decided = any(URGENCY_RANK[Urgency(h.level)] <= URGENCY_RANK[Urgency.URGENT] for h in hits)
    if not decided and not questions.reassured(answers):
        cues = [f.words for f in found if f.code in DANGER_CUES and f.state == STANDS]
        if cues:
            result.raise_to(Urgency.CALL_BACK, {"code": "call_back", "words": cues[:4]})
            result.asks = True
    return result


def _merged(hits: list[Hit]) -> list[Hit]:
    """One hit per sign, at its highest level, emergencies first."""
    best: dict[str, Hit] = {}
    for h in hits:
        kept = best.get(h.sign)
        if kept is None or URGENCY_RANK[Urgency(h.level)] < URGENCY_RANK[Urgency(kept.level)]:
            best[h.sign] = Hit(h.sign, h.level, list(h.words), list(h.who), h.context)
        elif h.level == kept.level:
            kept.words += [w for w in h.words if w not in kept.words]
            kept.who += [w for w in h.who if w not in kept.who]
    return sorted(best.values(), key=lambda h: URGENCY_RANK[Urgency(h.level)])


def _sign_reason(hit: Hit) -> dict[str, object]:
    reason: dict[str, object] = {
        "code": "sign",
        "sign": hit.sign,
        "level": hit.level,
        "words": hit.words[:6],
    }
    if hit.who:
        reason["who"] = hit.who
    if hit.context:
        reason["context"] = hit.context
    return reason


def implied_category(result: Triage) -> Category | None:
    """The category a request's triage implies whatever the operator chose: 急症 for an
    emergency; None otherwise (the words alone do not say which kind of help is wanted)."""
    return category_by_code("emergency") if result.urgency == EMERGENCY else None


def advice(result: Triage) -> list[str]:
    """What to tell the caller beyond ringing 120, for the emergency signs found."""
    return advice_for(result.reasons)


def advice_for(reasons: list[dict[str, object]]) -> list[str]:
    signs = [
        str(r["sign"]) for r in reasons if r.get("code") == "sign" and r.get("level") == EMERGENCY
    ]
    return [str(ADVICE[s]) for s in dict.fromkeys(signs) if s in ADVICE]


def explain(reason: dict[str, object]) -> str:
    """One reason in the reader's language."""
    code = reason.get("code")
    if code == "sign":
        sign = str(reason.get("sign", ""))
        label = str(SIGNS.get(sign, sign))
        words = [str(w) for w in reason.get("words", []) or []]  # type: ignore[attr-defined]
        text = (
            _("matched %(words)s: %(sign)s") % {"words": " + ".join(words), "sign": label}
            if words
            else label
        )
        if reason.get("who"):
            text += "; " + _("register: %(who)s") % {
                "who": ", ".join(str(w) for w in reason["who"])  # type: ignore[attr-defined]
            }
        if reason.get("answer") == questions.UNKNOWN:
            text += " (" + str(questions.ANSWERS[questions.UNKNOWN]) + ")"
        if reason.get("context"):
            state = str(reason["context"])
            text += " (" + _("urgent only: %(why)s") % {"why": STATES.get(state, state)} + ")"
        return text
    if code == "asked":
        return _("asked, the main problem: %(problem)s") % {
            "problem": questions.problem_label(str(reason.get("answer")))
        }
    if code == "call_back":
        cues = " + ".join(str(w) for w in reason.get("words", []) or [])  # type: ignore[attr-defined]
        return _(
            "“%(words)s” may be a danger no rule decided: call the caller back now and ask "
            "the key questions"
        ) % {"words": cues}
    if code == "set_aside":
        state = str(reason.get("state", ""))
        return _("“%(words)s” not counted: %(why)s") % {
            "words": reason.get("words", ""),
            "why": STATES.get(state, state),
        }
    if code == "phrase":  # requests triaged before the signs existed
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
