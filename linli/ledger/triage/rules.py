"""Findings that stand, figures and the register, combined into clinical signs.

Each sign is a rule of a dispatch protocol's kind: "chest pain now" is an emergency whoever
says it; "breathless" is urgent, and an emergency for someone on dialysis; "fever" is urgent,
and an emergency for an infant of three months or less, for someone on chemotherapy, or with
confusion or mottled skin. A finding that stands only weakened (yesterday, resolved, narrowly
missed) makes at most an urgent request.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from linli.ledger.triage import medicines
from linli.ledger.triage.context import SET_ASIDE, STANDS, WEAKER
from linli.ledger.triage.text import Measure

EMERGENCY, URGENT = "emergency", "urgent"


@dataclass(frozen=True)
class Found:
    code: str
    words: str
    state: str
    cue: str
    clause: str  # the finding's whole clause, for the few rules that read around it
    start: int


@dataclass(frozen=True)
class Person:
    """What the register knows of someone the request may be about."""

    name: str
    age: int | None  # None: the register has no birth date
    age_days: int | None
    tags: frozenset[str]
    due_in_days: int | None = None
    alone: bool = False
    high_care: bool = False  # bedridden, or long-term-care level 5 or more
    care_level: int = 0


@dataclass
class Hit:
    sign: str
    level: str
    words: list[str]
    who: list[str] = field(default_factory=list)  # register facts that counted
    context: str = ""  # why an emergency's words stood only weakened


class Facts:
    def __init__(
        self,
        found: list[Found],
        measures: list[Measure],
        people: list[Person],
        category: str,
        text: str = "",
    ) -> None:
        self.found = found
        self.measures = measures
        self.people = people
        self.category = category
        self.text = text  # normalised: the few rules that read the whole of it

    def stands(self, *codes: str) -> list[Found]:
        return [
            f for f in self.found if f.code in codes and (f.state == STANDS or f.state in WEAKER)
        ]

    def known(self, *codes: str) -> list[Found]:
        """Standing, or a standing condition: "透析病人" tells that someone is on dialysis."""
        return [
            f for f in self.found if f.code in codes and f.state in (STANDS, *WEAKER, "condition")
        ]

    def set_aside(self) -> list[Found]:
        return [f for f in self.found if f.state in SET_ASIDE]

    def values(self, kind: str) -> list[Measure]:
        return [m for m in self.measures if m.kind == kind]

    def tagged(self, tag: str) -> list[Person]:
        return [p for p in self.people if tag in p.tags]


def _words(found: Iterable[Found]) -> list[str]:
    seen: list[str] = []
    for f in found:
        if f.words and f.words not in seen:  # a key question's answer has no words
            seen.append(f.words)
    return seen


def _level(triggers: list[Found], full: str = EMERGENCY) -> tuple[str, str]:
    """`full` when a trigger stands as said, urgent when every one stood only weakened."""
    if not triggers or any(f.state == STANDS for f in triggers):
        return full, ""
    return URGENT, triggers[0].state


# "游戏中毒太深", "刷短视频中毒了": hooked, not poisoned.
POISON_FIGURE = re.compile(r"游戏|视频|手机|网络|上网|追剧|刷|抖音|小说|歌|听|洗脑|中毒\S{0,2}深")
# A deficit the stroke left ("左边一直没劲"), not a new one.
LASTING = re.compile(r"一直|总是|从那以后|留下|后遗症|always|ever since|since then")
SUDDEN = re.compile(r"突然|今天|刚才|刚刚|现在|又|suddenly|today|just now|again|this morning")
# "快吃完了", "还剩三天": a medicine that runs out soon, not today.
SOON = re.compile(
    r"快(?:要)?|就快|差不多|还剩|还有|下周|过几天|没几天"
    r"|soon|running low|almost|nearly|next week|few days"
)
TODAY = re.compile(
    r"今儿个|今儿|今天|今晚|今早|明天|已经|早就|昨天|today|tonight|tomorrow|already|yesterday|since"
)
SERVICES = re.compile(
    r"快递|外卖|物业|客服|司机|居委|社区|热线|商店|超市|医院|courier|delivery|driver|office|hotline|shop|store|pharmacy|landlord"
)


def signs(x: Facts) -> list[Hit]:
    hits: list[Hit] = []
    if not x.found and not x.measures:
        return hits  # every rule below needs a finding or a figure (most requests: "买菜")

    def hit(
        sign: str,
        triggers: list[Found],
        support: Iterable[Found] = (),
        *,
        level: str = EMERGENCY,
        who: Iterable[str] = (),
        extra: Iterable[str] = (),
    ) -> None:
        lvl, context = _level(triggers, level) if level == EMERGENCY else (level, "")
        hits.append(Hit(sign, lvl, [*_words([*triggers, *support]), *extra], list(who), context))

    elderly = (
        bool(x.known("elderly"))
        or any(m.value >= 65 for m in x.values("age_years"))
        or any(p.age is not None and p.age >= 65 for p in x.people)
    )
    infant_days = [m.value for m in x.values("infant_days")] + [
        p.age_days for p in x.people if p.age_days is not None and p.age_days <= 365
    ]
    temps = x.values("temperature")
    feverish = x.stands("fever") + [
        Found("fever", m.words, STANDS, "", "", 0) for m in temps if m.value >= 38
    ]
    breath = x.stands("breath_severe", "breath_mild")

    # Chest pain and the heart.
    heart_before = [f for f in x.found if f.code == "heart_event"]
    if heart_before and (again := x.stands("pain_again")):
        hit("chest", again, heart_before)
    if chest := x.stands("chest_pain", "heart_event"):
        hit("chest", chest, x.stands("sweating", "radiating", "breath_severe", "breath_mild"))
    if (palp := x.stands("palpitations")) and x.stands("fainted", "dizzy"):
        hit("chest", palp, x.stands("fainted", "dizzy"))
    elif palp:
        hit("chest", palp, level=URGENT)
    if slow := x.stands("slow_pulse"):
        if faint := x.stands("dizzy", "fainted", "confusion"):
            hit("chest", slow, faint)
        else:
            hit("chest", slow, level=URGENT)
    for m in x.values("pulse"):
        if m.value < 40 or m.value > 150:
            hit("chest", [], extra=[m.words])
    # Breathing.
    if severe := x.stands("breath_severe"):
        hit("breathing", severe)
    for m in x.values("spo2"):
        if 40 <= m.value < 90:
            hit("breathing", [], extra=[m.words])
        elif 90 <= m.value <= 93:
            hit("breathing", [], level=URGENT, extra=[m.words])
    if (oxygen := x.stands("oxygen_down")) and breath:
        hit("oxygen", oxygen, breath)
    elif oxygen:
        hit("oxygen", oxygen, level=URGENT)
    if ventilator := x.stands("ventilator_down"):
        hit("oxygen", ventilator)
    if mild := x.stands("breath_mild"):
        hit("breathing", mild, level=URGENT)
    # Stroke.
    old_stroke = [
        f for f in x.found if f.code == "stroke_name" and f.state in ("past", "condition")
    ]
    stroke = [
        f
        for f in x.stands("stroke_sign", "stroke_name")
        if not (old_stroke and LASTING.search(f.clause) and not SUDDEN.search(f.clause))
    ]
    if stroke:
        hit("stroke", stroke)
    # Unconscious, not breathing, collapse; found down and not moving.
    if out := x.stands("unresponsive", "not_breathing", "fainted", "found_down"):
        hit("unconscious", out)
    if (still := x.stands("motionless")) and (
        down := x.stands("fall", "cant_get_up", "cold_exposure", "unwell", "help_cry")
    ):
        hit("unconscious", still, down)
    if cry := x.stands("help_cry"):
        hit("help", cry)
    # Bleeding.
    if heavy := x.stands("bleed_heavy"):
        hit("bleeding", heavy)
    if gi := x.stands("bleed_gi"):
        if faint := x.stands("dizzy", "fainted", "weak", "cant_get_up", "confusion"):
            hit("bleeding", gi, faint)
        else:
            hit("bleeding", gi, level=URGENT)
    # Convulsions.
    if fits := x.stands("seizure"):
        hit("seizure", fits)
    # Pregnancy.
    pregnant = x.known("pregnant", "labour")
    pregnant_people = x.tagged("pregnant")
    who = [p.name for p in pregnant_people]
    if labour := x.stands("labour"):
        hit("pregnancy", labour, who=who)
    if pregnant or pregnant_people or x.category == "prenatal":
        sbp = [m for m in x.values("systolic") if m.value >= 140] + [
            m for m in x.values("diastolic") if m.value >= 90
        ]
        danger = x.stands("bleed_any", "abdominal_pain", "headache_severe", "vision")
        if danger:
            hit("pregnancy", danger, pregnant, who=who)
        elif (ache := x.stands("headache")) and sbp:
            hit("pregnancy", ache, pregnant, who=who, extra=[m.words for m in sbp])
        elif any(m.value >= 160 for m in x.values("systolic")):
            hit("pregnancy", [], pregnant, who=who, extra=[m.words for m in x.values("systolic")])
    # Diabetes.
    if hypo := x.stands("hypo"):
        hit("diabetic", hypo)
    for m in x.values("glucose"):
        if 0 < m.value < 3.9 or m.value >= 27.8:
            hit("diabetic", [], extra=[m.words])
        elif m.value >= 16.7:
            if ill := x.stands("vomiting", "confusion", "breath_severe", "breath_mild"):
                hit("diabetic", ill, extra=[m.words])
            else:
                hit("diabetic", [], level=URGENT, extra=[m.words])
    diabetic = x.known("diabetic")
    hypo_signs = ("confusion", "weak", "palpitations", "dizzy", "rigors", "tremble")
    if diabetic and ((x.stands("sweating") and x.stands(*hypo_signs)) or x.stands("confusion")):
        hit("diabetic", x.stands("sweating", *hypo_signs), diabetic)
    if diabetic:
        for m in x.values("reading"):
            if 0 < m.value < 3.9:
                hit("diabetic", [], diabetic, extra=[m.words])
    if hyper := x.stands("hyper"):
        if ill := x.stands("vomiting", "confusion", "breath_severe", "breath_mild"):
            hit("diabetic", hyper, ill)
        else:
            hit("diabetic", hyper, level=URGENT)
    # Poisoning and overdose.
    if poison := x.stands("overdose", "poison"):
        hit("poisoning", poison)
    if (source := x.known("toxic_source", "cold_gas_source")) and (
        unwell := x.stands("headache", "vomiting", "dizzy", "confusion", "unresponsive",
                           "cant_get_up", "weak", "fainted", "toxic_signs", "breath_severe")
    ):  # fmt: skip
        hit("poisoning", unwell, source)
    if poisoned := [f for f in x.stands("poisoned") if not POISON_FIGURE.search(f.clause)]:
        hit("poisoning", poisoned)
    if food := x.stands("food_poisoning"):
        hit("poisoning", food, level=URGENT)
    # Gas and fire.
    if gas := x.stands("gas", "fire"):
        hit("gas", gas)
    # Falls.
    if fall := x.stands("fall"):
        serious = x.stands("cant_get_up", "fall_injury", "height", "bleed_heavy")
        fine = x.stands("ok_after", "minor")
        after_head = x.stands("headache", "confusion", "vomiting", "unresponsive")
        if serious:
            hit("fall", serious, fall)
        elif after_head and elderly:
            hit("fall", fall, after_head)
        elif elderly or not x.known("child"):
            hit("fall", fall, fine, level=URGENT)
    elif (injury := x.stands("fall_injury")) and elderly:
        hit("fall", injury, level=URGENT)
    # Suicidal talk.
    if talk := x.stands("suicidal"):
        hit("suicide", talk)
    # Violence against a person.
    if violence := x.stands("violence"):
        hit("violence", violence)
    # The environment: cold, heat, water, electricity.
    cold = x.stands("cold_exposure")
    failing = x.stands(
        "confusion", "unresponsive", "motionless", "weak", "fall", "cant_get_up", "fainted",
        "seizure", "vomiting", "dizzy", "breath_severe", "breath_mild", "rigors", "unwell",
    ) + x.known("dementia")  # fmt: skip
    if cold and failing:
        hit("hypothermia", cold, failing)
    elif cold:
        hit("hypothermia", cold, level=URGENT)
    heat = x.stands("heat_illness")
    if heat and (failing or feverish):
        hit("heatstroke", heat, failing + feverish)
    elif heat:
        hit("heatstroke", heat, level=URGENT)
    if (dry := x.stands("dehydrated")) and (
        worse := x.stands("confusion", "unresponsive", "fainted", "weak", "dizzy", "motionless")
    ):
        hit("dehydration", worse, dry)  # "almost no pee" is the finding, the confusion the sign
    elif dry and (elderly or infant_days):
        hit("dehydration", dry, level=URGENT)
    if trapped := x.stands("trapped_water"):
        hit("drowning", trapped)
    if peeling := x.stands("skin_peeling"):
        hit("allergy", peeling)
    if (alone_home := x.stands("home_alone")) and x.known("child", "infant"):
        hit("needs", alone_home, x.known("child"), level=URGENT)
    if drowned := x.stands("drowning"):
        hit("drowning", drowned)
    if shock := x.stands("electrocution"):
        hit("electrocution", shock)
    # The acute abdomen.
    belly = x.stands("abdominal_pain")
    if alarm := x.stands("abdomen_red"):
        hit("abdomen", alarm, belly)
    elif (
        belly
        and x.stands("severe_pain")
        and (unwell_belly := x.stands("vomiting", "sweating", "dizzy", "fever", "fainted"))
    ):
        hit("abdomen", belly, x.stands("severe_pain") + unwell_belly)
    elif (
        belly
        and (worse_belly := x.stands("abdomen_worse"))
        and (sick := x.stands("vomiting", "fever", "sweating", "fainted"))
    ):
        hit("abdomen", worse_belly, belly + sick)
    if (testicle := x.stands("testicle")) and x.stands(
        "severe_pain", "swelling", "vomiting", "abdominal_pain", "headache_severe"
    ) + [f for f in testicle if re.search(r"pain|疼|痛", f.clause)]:
        hit("testicle", testicle)
    # A stiff neck with a headache or a fever: meningitis or a bleed.
    if (neck := x.stands("stiff_neck")) and (
        feverish or x.stands("headache", "headache_severe", "headache_sudden")
    ):
        hit(
            "stroke" if not feverish else "sepsis",
            neck,
            feverish + x.stands("headache", "headache_severe"),
        )
    # A sudden, worst-ever headache; a headache that hates the light and vomits.
    if sudden_head := x.stands("headache_sudden"):
        hit("stroke", sudden_head)
    elif (ache := x.stands("headache", "headache_severe")) and (light := x.stands("photophobia")):
        hit("stroke", ache, light + x.stands("vomiting", "sepsis_skin"))
    # Allergy.
    allergy = x.known("allergy") + x.stands("exposure")
    if anaphylaxis := [f for f in x.stands("airway_swelling") if _is_anaphylaxis(f.words)]:
        hit("allergy", anaphylaxis)
    if allergy:
        rash = x.stands("rash_all")
        # A sting, a drug or a food, then dizziness: the allergy is systemic.
        exposed = x.stands("exposure") + [
            f for f in allergy if re.search(r"蛰|蜇|叮|sting|stung", f.words)
        ]
        if severe_allergy := x.stands("airway_swelling", "breath_severe", "breath_mild", "fainted"):
            hit("allergy", severe_allergy + rash + exposed, allergy)
        elif (rash or exposed) and (dizzy := x.stands("dizzy", "vomiting")):
            hit("allergy", rash + exposed, allergy + dizzy)
        elif rash:
            hit("allergy", rash, allergy, level=URGENT)
    elif closing := [
        f
        for f in x.stands("airway_swelling")
        if re.search(r"shut|clos|掐|勒|卡住|锁住|关上|堵", f.words)
    ]:
        hit("allergy", closing)  # a throat closing is an emergency, allergy said or not
    elif swelling := x.stands("airway_swelling"):
        hit("allergy", swelling, level=URGENT)
    # Burns.
    if burn := x.stands("burn"):
        electric = [
            f
            for f in burn
            if re.search(r"触电|电击|被电|电打|插座|电线|电门|烧黑|烧焦|electr", f.words)
        ]
        severe_burn = x.stands("burn_severe", "fire") + electric
        child = bool(x.known("child", "infant")) or any(
            p.age is not None and p.age < 12 for p in x.people
        )
        minor = x.stands("minor")
        if severe_burn and (electric or not minor):
            hit("burn", severe_burn, burn)
        elif severe_burn:
            hit("burn", severe_burn, burn, level=URGENT)
        elif child and not minor:
            hit("burn", burn, x.known("child", "infant"))
        elif not minor or child:
            hit("burn", burn, level=URGENT)
    # Fever: the infant's, sepsis, chemotherapy.
    if feverish:
        hot = [m for m in temps if m.value >= 38]
        no_figure = not temps
        young = [d for d in infant_days if d <= 92]
        if young and (hot or no_figure):
            infants = [p.name for p in x.people if p.age_days is not None and p.age_days <= 92]
            hit("infant_fever", feverish, x.known("infant", "child"), who=infants,
                extra=[m.words for m in x.values("infant_days") if m.value <= 92])  # fmt: skip
        chemo = x.known("chemo")
        chemo_people = x.tagged("chemo")
        if chemo or chemo_people:
            hit("sepsis", feverish, chemo, who=[p.name for p in chemo_people])
        if any(m.value >= 41 for m in temps):
            hit("sepsis", feverish)
        hit("fever", feverish, level=URGENT)
    # Sepsis: an infection with a sign that the body is failing.
    infection = feverish + x.stands("rigors", "infection")
    septic = x.stands("confusion", "sepsis_skin", "unresponsive", "low_bp")
    if not septic and x.stands("rigors") and x.stands("weak"):
        septic = x.stands("weak")
    low_bp = [m for m in x.values("systolic") if m.value < 90]
    fast = [f for f in x.stands("breath_severe") if re.search(r"快|急|fast|rapid", f.words)]
    if infection and (septic or low_bp or fast):
        hit("sepsis", septic + fast or infection, infection, extra=[m.words for m in low_bp])
    elif skin := x.stands("sepsis_skin"):
        hit("sepsis", skin, level=URGENT)
    # Dialysis.
    missed = x.stands("missed_dialysis")
    on_dialysis = x.known("dialysis", "missed_dialysis")
    dialysis_people = x.tagged("dialysis")
    if missed or on_dialysis or dialysis_people or x.category == "dialysis":
        symptoms = x.stands(
            "breath_severe", "breath_mild", "swelling", "chest_pain", "palpitations", "weak",
            "confusion", "vomiting",
        )  # fmt: skip
        if symptoms:
            hit("dialysis", symptoms, missed + on_dialysis, who=[p.name for p in dialysis_people])
        elif missed:
            hit("dialysis", missed, level=URGENT)
    # Blood pressure.
    for m in x.values("systolic"):
        if m.value >= 180 or 40 <= m.value < 80:
            hit("blood_pressure", [], extra=[m.words])
    for m in x.values("diastolic"):
        if m.value >= 120:
            hit("blood_pressure", [], extra=[m.words])
    # Amber flags: urgent.
    vital = [f for f in x.found if f.code == "vital_medicine"]
    # A medicine that must not stop, said with today, tonight or tomorrow, or as the last dose.
    if vital and VITAL_SOON.search(x.text) and not VITAL_LATER.search(x.text):
        classes = dict.fromkeys(c for v in vital if (c := medicines.vital_class(v.words)))
        hit("medicine_out", vital, level=URGENT, extra=[medicines.label(c) for c in classes])
    for f in x.stands("medicine_out"):
        if not MEDICINE.search(f.clause) and not vital:
            continue  # "明天就没了" of a discount, not of a medicine
        before = f.clause[: f.clause.find(f.words)] if f.words in f.clause else f.clause
        soon = SOON.search(before + f.words)
        today = TODAY.search(f.clause)
        if not soon or today:
            classes = dict.fromkeys(c for v in vital if (c := medicines.vital_class(v.words)))
            hit("medicine_out", [f], vital, level=URGENT,
                extra=[medicines.label(c) for c in classes])  # fmt: skip
    # Needs: someone who cannot fend for themselves, without food, water, power or care.
    vulnerable = x.known("alone", "elderly", "child", "infant", "dementia")
    frail = any(
        p.alone or p.high_care or (p.age is not None and (p.age >= 80 or p.age < 14))
        for p in x.people
    ) or any(m.value >= 80 for m in x.values("age_years"))
    if (without := x.stands("no_food", "no_water", "no_power")) and (vulnerable or frail):
        hit("needs", without, vulnerable, level=URGENT)
    if (machine := x.known("medical_power")) and (off := x.stands("no_power")):
        hit("oxygen", off, machine, level=URGENT)
    if alone_child := x.stands("child_alone"):
        hit("needs", alone_child, level=URGENT)
    if (formula := x.stands("formula")) and FORMULA_OUT.search(x.text):
        hit("needs", formula, level=URGENT)
    if (dementia := x.known("dementia")) and (out := x.stands("wandering")):
        hit("needs", out, dementia, level=URGENT)
    for f in x.stands("unreachable"):
        if not SERVICES.search(f.clause):
            hit("unreachable", [f], x.known("alone", "elderly"), level=URGENT)
    if pain := x.stands("severe_pain", "headache_severe"):
        hit("pain", pain, level=URGENT)
    if confused := x.stands("confusion"):
        if sudden := [f for f in confused if re.search(r"突然|suddenly|all of a sudden", f.clause)]:
            hit("stroke", sudden)
        hit("confusion", confused, level=URGENT)
    if (vomit := x.stands("vomiting", "diarrhoea")) and (elderly or infant_days):
        hit("vomiting", vomit, level=URGENT)
    if clot := x.stands("leg_clot"):
        hit("leg_clot", clot, level=URGENT)
    groups = x.known("pregnant", "infant", "dialysis", "chemo") + [
        f for f in x.known("diabetic") if re.search(r"胰岛素|insulin", f.words)
    ]
    babies = [m.words for m in x.values("infant_days") if m.value <= 365]
    if groups or babies:
        hit("group", groups, level=URGENT, extra=babies)
    return hits


MEDICINE = re.compile(
    medicines.NAMES
    + r"|药|针|胰岛素|喷雾|喷剂|吸入剂|氧气|激素"
    + r"|medicine|medication|\bmeds\b|pills?|tablets?|insulin|inhaler|doses?"
)
VITAL_SOON = re.compile(
    r"今天|今儿|今晚|今早|今日|明天|明儿|明早|明晚|听日|最后一|只够|只剩|就剩|得返|断(?:了|药|顿)|吃完|用完|没了|没有了|冇得|莫得"
    r"|\btoday\b|\btonight\b|\btomorrow\b|this morning|only enough|last (?:dose|pill|tablet|one)"
    r"|(?:ran|run|runs|running) out|finish(?:es|ed)?\b|none left|\bleft\b"
)
VITAL_LATER = re.compile(
    r"下周|下个?月|下礼拜|(?:十|十来|一两|两|三|四|五|六|七|八|九)(?:个)?(?:天|星期|周)(?:以后|后|的量)?"
    r"|一周|半个月|还(?:能|够|有)(?:吃|用)"
    r"|next (?:week|month)|in (?:a|one|two|\d+|ten|a few) (?:weeks?|days?)|\d+ days|ten days"
    r"|a week|few days|enough for (?:a|two|\d+) (?:weeks?|days)"
)
FORMULA_OUT = re.compile(
    r"喝完|没了|断了|只剩|不够|今晚|明天|买不到"
    r"|ran out|run out|finished|left|tonight|tomorrow|cannot find|cant find"
)


def _is_anaphylaxis(words: str) -> bool:
    return bool(re.search(r"过敏性休克|严重过敏|anaphyla|epi-?pen", words))
