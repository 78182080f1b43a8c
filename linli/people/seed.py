"""The register's part of the demo data (`linli seed`): households of Shanghai-like compounds.

The same arguments give the same rows (names, ages, rooms, ID numbers), whatever day it is run:
ages are drawn against a fixed reference date. Rows are written with bulk inserts, so 100,000
residents take well under a minute on SQLite.
"""

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import accumulate

from linli.core.models import Building, Community, Compound, Room, Unit
from linli.core.plugins import SeedRun
from linli.core.seeding import COMMUNITY_NAMES, delete_all
from linli.lib.idcard import make_id_number
from linli.people.models import (
    HealthNote,
    Household,
    Resident,
    ResidentImport,
    SurveyRound,
    SurveyVisit,
    Vulnerability,
)
from linli.people.search import fill_search_keys

REFERENCE_DATE = date(2026, 1, 1)
BATCH = 2000

# Surnames with their share of the population (per cent), after the national ranking of the 2020
# census, with the surnames that are more common in Shanghai (徐 朱 沈 陆 顾 钱 周 张 陈) raised.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("张", 7.0), ("王", 6.5), ("陈", 6.0), ("李", 5.5), ("徐", 3.4), ("朱", 3.0), ("周", 2.9),
    ("刘", 2.8), ("沈", 2.3), ("陆", 2.2), ("杨", 2.1), ("黄", 2.0), ("吴", 2.0), ("顾", 1.8),
    ("钱", 1.4), ("孙", 1.4), ("胡", 1.3), ("赵", 1.3), ("金", 1.2), ("施", 1.1), ("马", 1.0),
    ("蒋", 1.0), ("姚", 1.0), ("曹", 0.9), ("唐", 0.9), ("郑", 0.9), ("许", 0.9), ("倪", 0.8),
    ("高", 0.8), ("何", 0.8), ("林", 0.8), ("汪", 0.7), ("宋", 0.7), ("郭", 0.7), ("范", 0.6),
    ("邵", 0.6), ("谢", 0.6), ("严", 0.6), ("戴", 0.6), ("潘", 0.6), ("袁", 0.5), ("蔡", 0.5),
    ("罗", 0.5), ("丁", 0.5), ("叶", 0.5), ("俞", 0.5), ("龚", 0.5), ("孔", 0.4), ("吕", 0.4),
    ("程", 0.4), ("梁", 0.4), ("韩", 0.4), ("冯", 0.4), ("董", 0.4), ("邱", 0.4), ("薛", 0.3),
    ("秦", 0.3), ("方", 0.3), ("杜", 0.3), ("汤", 0.3), ("彭", 0.3), ("卢", 0.3), ("任", 0.3),
    ("夏", 0.3), ("姜", 0.3), ("魏", 0.3), ("石", 0.2), ("田", 0.2), ("毛", 0.2), ("葛", 0.2),
    ("苏", 0.2), ("江", 0.2), ("万", 0.2), ("曾", 0.2), ("陶", 0.2), ("贾", 0.2), ("欧阳", 0.05),
    ("司马", 0.02), ("诸葛", 0.01),
)  # fmt: skip

# Given-name characters by generation, so a 90-year-old is 桂英 and a child is 梓涵.
GIVEN: dict[tuple[str, str], str] = {
    ("old", "M"): "建国华明德福根荣宝林生发金海祥兴龙忠仁庆勇伟强平军",
    ("old", "F"): "秀英桂兰玉珍凤芳花梅琴娣妹秋月美丽华淑翠云霞凤英",
    ("mid", "M"): "伟强军杰磊涛斌勇峰刚平辉明健敏俊浩鹏志华东波超",
    ("mid", "F"): "丽敏静燕艳娟霞芳红玲婷颖慧雯洁琳倩蕾佳怡萍琼",
    ("young", "M"): "子轩浩然宇泽一诺梓睿俊熙铭昊天博文皓辰沐阳奕航",
    ("young", "F"): "梓涵欣怡诗琪雨桐可馨子墨思彤语嫣若汐一诺梦瑶佳",
}

# Foreign residents by nationality: languages, weight, family names, given names, and whether the
# family name is written first.
FOREIGN: tuple[tuple[str, tuple[str, ...], float, tuple[str, ...], tuple[str, ...], bool], ...] = (
    ("JP", ("ja",), 3.0, ("Tanaka", "Sato", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto"),
     ("Yuki", "Haruto", "Aoi", "Ren", "Sota", "Hina", "Yui", "Kenji", "Naoko"), True),
    ("KR", ("ko",), 2.5, ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Yoon"),
     ("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-a", "Ji-woo", "Eun-ji"), True),
    ("US", ("en",), 1.5, ("Miller", "Davis", "Brown", "Wilson", "Johnson", "Garcia", "Clark"),
     ("John", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel", "Grace"), False),
    ("FR", ("fr",), 1.0, ("Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Simon"),
     ("Louis", "Camille", "Hugo", "Léa", "Jules", "Chloé", "Manon", "Thomas"), False),
    ("DE", ("de",), 1.0, ("Müller", "Schmidt", "Weber", "Fischer", "Wagner", "Becker"),
     ("Lukas", "Anna", "Felix", "Mia", "Jonas", "Lena", "Paul", "Hannah"), False),
    ("GB", ("en",), 0.8, ("Smith", "Jones", "Taylor", "Evans", "Brown", "Walker"),
     ("Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Emily"), False),
    ("IT", ("it",), 0.5, ("Rossi", "Bianchi", "Romano", "Ricci", "Greco"),
     ("Marco", "Giulia", "Luca", "Sofia", "Matteo", "Chiara"), False),
    ("ES", ("es",), 0.5, ("García", "Martínez", "López", "Ruiz", "Sánchez"),
     ("Pablo", "Lucía", "Diego", "Carmen", "Javier", "Elena"), False),
    ("RU", ("ru",), 0.4, ("Petrov", "Ivanov", "Sokolov", "Volkov", "Smirnov"),
     ("Ivan", "Anna", "Dmitri", "Olga", "Sergei", "Natalia"), False),
    ("SG", ("en", "zh"), 0.6, ("Tan", "Lim", "Ng", "Goh", "Lee", "Wong"),
     ("Wei Ming", "Mei Ling", "Jun Hao", "Hui Min", "Jia Hui", "Zhi Wei"), True),
)  # fmt: skip

# Household shapes: weight, then (min age, max age, sex or "") for each member. Tuned so that a
# third of residents are over 60, as in Shanghai's central districts.
SHAPES: tuple[tuple[float, tuple[tuple[int, int, str], ...]], ...] = (
    (10, ((62, 98, ""),)),  # elderly living alone
    (19, ((60, 95, "M"), (58, 93, "F"))),  # elderly couple
    (9, ((20, 59, ""),)),  # single adult
    (10, ((24, 40, "M"), (23, 39, "F"))),  # young couple
    (16, ((30, 50, "M"), (29, 48, "F"), (0, 17, ""))),  # parents and a child
    (6, ((32, 50, "M"), (30, 48, "F"), (0, 17, ""), (0, 17, ""))),  # parents and two children
    (11, ((60, 85, "M"), (58, 83, "F"), (30, 45, "M"), (29, 43, "F"), (0, 12, ""))),  # three generations
    (7, ((55, 90, ""), (25, 60, ""))),  # old parent with grown child
    (3, ((20, 35, ""), (20, 35, ""), (20, 35, ""))),  # group rental
)  # fmt: skip

MOBILE_PREFIXES = (
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "186",
    "187",
    "188",
    "189",
    "177",
    "180",
    "181",
    "133",
    "153",
    "199",
    "130",
    "131",
    "156",
)
SHANGHAI_REGIONS = (
    "310101",
    "310104",
    "310105",
    "310106",
    "310107",
    "310109",
    "310110",
    "310112",
    "310113",
    "310115",
)
OTHER_REGIONS = (
    "320102",
    "320582",
    "330106",
    "340104",
    "360102",
    "410105",
    "420106",
    "430104",
    "510107",
    "370102",
)
COMPOUND_NAMES = ("新村", "公寓", "花园", "小区", "里", "坊", "苑", "大厦")
# Conditions and medicines as a committee's roster writes them (shown as they are).
CHRONIC = (
    ("高血压", "苯磺酸氨氯地平"),
    ("糖尿病", "二甲双胍"),
    ("冠心病", "阿司匹林"),
    ("慢阻肺", "噻托溴铵"),
)
DISABILITIES = ("肢体", "视力", "听力", "智力")  # the categories of a 残疾人证
HOSPITALS = ("华山医院", "瑞金医院", "中山医院", "仁济医院", "第六人民医院", "长宁区中心医院")


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(accumulate(weights))


class Generator:
    def __init__(self, seed: int, foreign_share: float) -> None:
        self.rng = random.Random(seed)
        self.foreign_share = foreign_share
        self.surnames = [s for s, _w in SURNAMES]
        self.surname_cum = _cumulative([w for _s, w in SURNAMES])
        self.shape_cum = _cumulative([w for w, _m in SHAPES])
        self.foreign_cum = _cumulative([f[2] for f in FOREIGN])
        self.id_seq = 0
        self.issued: set[str] = set()

    def birth_date(self, lo: int, hi: int) -> date:
        # Old age bands thin out with age (few reach 95), so draw them skewed to their young end.
        mode = lo + (hi - lo) * 0.2 if lo >= 55 else (lo + hi) / 2
        age_days = int(self.rng.triangular(lo, hi + 1, mode) * 365.25)
        return REFERENCE_DATE - timedelta(days=age_days)

    def chinese_name(self, sex: str, born: date) -> str:
        age = REFERENCE_DATE.year - born.year
        generation = "old" if age >= 60 else "mid" if age >= 25 else "young"
        pool = GIVEN[(generation, sex)]
        surname = self.rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        size = 1 if self.rng.random() < 0.3 else 2
        return surname + "".join(self.rng.choice(pool) for _ in range(size))

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def id_number(self, born: date, male: bool) -> str:
        local = self.rng.random() < 0.75
        region = self.rng.choice(SHANGHAI_REGIONS if local else OTHER_REGIONS)
        # Same region and birthday share 500 sequence numbers per sex: step until one is free.
        while True:
            self.id_seq += 1
            number = make_id_number(region, born, self.id_seq, male)
            if number not in self.issued:
                self.issued.add(number)
                return number

    def household_members(self) -> list[tuple[date, str]]:
        shape = self.rng.choices(SHAPES, cum_weights=self.shape_cum)[0][1]
        members = []
        for lo, hi, sex in shape:
            members.append((self.birth_date(lo, hi), sex or self.rng.choice("MF")))
        return members


def _rooms_for(
    gen: Generator, community: Community, households_needed: int, compound_no: Iterator[int]
) -> list[Room]:
    """Build compounds, buildings, units and rooms until there are enough occupied rooms."""
    rng = gen.rng
    occupied: list[Room] = []
    while len(occupied) < households_needed:
        n = next(compound_no)
        name = f"{rng.choice(COMMUNITY_NAMES)}{rng.choice(COMPOUND_NAMES)}"
        compound = Compound.objects.create(
            community=community, name=f"{name}{n}", address=f"{rng.randint(1, 999)}弄"
        )
        high_rise = rng.random() < 0.4
        buildings = Building.objects.bulk_create(
            Building(
                compound=compound,
                number=str(b),
                floors=rng.randint(11, 24) if high_rise else rng.choice((5, 6, 7)),
            )
            for b in range(1, rng.randint(8, 24) + 1)
        )
        units = Unit.objects.bulk_create(
            Unit(building=b, number=str(u))
            for b in buildings
            for u in range(1, (2 if high_rise else rng.randint(2, 5)) + 1)
        )
        by_building = {b.pk: b for b in buildings}
        rooms: list[Room] = []
        for unit in units:
            floors = by_building[unit.building_id].floors
            per_floor = rng.randint(2, 4) if high_rise else 2
            for floor in range(1, floors + 1):
                for r in range(1, per_floor + 1):
                    roll = rng.random()
                    occupancy = (
                        Room.Occupancy.VACANT
                        if roll < 0.07
                        else Room.Occupancy.GROUP
                        if roll < 0.09
                        else Room.Occupancy.RENTED
                        if roll < 0.28
                        else Room.Occupancy.OWNER
                    )
                    rooms.append(
                        Room(unit=unit, number=f"{floor}{r:02d}", floor=floor, occupancy=occupancy)
                    )
        Room.objects.bulk_create(rooms, batch_size=BATCH)
        occupied.extend(r for r in rooms if r.occupancy != Room.Occupancy.VACANT)
    # Rooms the households did not fill are empty flats, as in any real compound: spread over
    # every building, not the last buildings of the last compound left empty.
    rng.shuffle(occupied)
    spare = occupied[households_needed:]
    Room.objects.filter(pk__in=[r.pk for r in spare]).update(occupancy=Room.Occupancy.VACANT)
    return occupied[:households_needed]


def _vulnerabilities(
    gen: Generator, resident: Resident, alone: bool, hardship: bool
) -> list[Vulnerability]:
    """Tags at rates close to a Shanghai community's (per person, by age and sex)."""
    rng = gen.rng
    age = resident.age(REFERENCE_DATE) or 0  # the demo gives everyone a birth date
    since = REFERENCE_DATE - timedelta(days=rng.randint(30, 3000))
    tags: list[tuple[Vulnerability.Kind, dict[str, object]]] = []
    if alone and age >= 60:
        tags.append((Vulnerability.Kind.LIVES_ALONE, {}))
    if (resident.ltc_level or 0) >= 5:
        tags.append((Vulnerability.Kind.LTC_HIGH, {"level": resident.ltc_level}))
    if rng.random() < 0.03:
        tags.append(
            (
                Vulnerability.Kind.DISABLED,
                {
                    "kind": rng.choice(DISABILITIES),
                    "grade": rng.randint(1, 4),
                },
            )
        )
    if resident.sex == "F" and 22 <= age <= 40 and rng.random() < 0.04:
        due = REFERENCE_DATE + timedelta(days=rng.randint(7, 270))
        tags.append(
            (
                Vulnerability.Kind.PREGNANT,
                {"due": due.isoformat(), "hospital": rng.choice(HOSPITALS)},
            )
        )
    if age < 3:
        tags.append((Vulnerability.Kind.INFANT, {}))
    if rng.random() < (0.004 if age >= 50 else 0.0005):
        days = rng.choice((("Mon", "Wed", "Fri"), ("Tue", "Thu", "Sat")))
        tags.append(
            (
                Vulnerability.Kind.DIALYSIS,
                {"weekdays": list(days), "time": "08:00", "hospital": rng.choice(HOSPITALS)},
            )
        )
    if rng.random() < (0.006 if age >= 45 else 0.001):
        tags.append((Vulnerability.Kind.CHEMO, {"hospital": rng.choice(HOSPITALS)}))
    chronic_rate = 0.45 if age >= 60 else 0.1 if age >= 40 else 0.01
    if rng.random() < chronic_rate:
        condition, medicine = rng.choice(CHRONIC)
        tags.append(
            (Vulnerability.Kind.CHRONIC, {"conditions": [condition], "medicines": [medicine]})
        )
    if rng.random() < (0.02 if age >= 75 else 0.003):
        tags.append((Vulnerability.Kind.SEVERE, {}))
    if hardship:
        tags.append((Vulnerability.Kind.HARDSHIP, {}))
    if rng.random() < 0.004:
        tags.append((Vulnerability.Kind.DIET, {"diet": "halal"}))
    if resident.nationality != "CN" and rng.random() < 0.7:
        tags.append((Vulnerability.Kind.LANGUAGE, {"languages": resident.languages}))
    return [
        Vulnerability(
            community=resident.community, resident=resident, kind=k, details=d, since=since
        )
        for k, d in tags
    ]


def _populate(gen: Generator, community: Community, n_residents: int, compounds: Iterator[int]) -> None:  # fmt: skip
    """Households and residents of one community, `n_residents` people in all."""
    rng = gen.rng
    plans: list[list[tuple[date, str]]] = []
    total = 0
    while total < n_residents:
        members = gen.household_members()[: n_residents - total]
        plans.append(members)
        total += len(members)
    rooms = _rooms_for(gen, community, len(plans), compounds)
    households = [Household(community=community, room=room) for room in rooms]
    Household.objects.bulk_create(households, batch_size=BATCH)

    residents: list[Resident] = []
    household_flags: list[tuple[bool, bool]] = []
    for household, members in zip(households, plans, strict=True):
        foreign = rng.random() < gen.foreign_share
        nationality, languages = "CN", ["zh"]
        if foreign:
            nationality, langs, _w, families, givens, family_first = rng.choices(
                FOREIGN, cum_weights=gen.foreign_cum
            )[0]
            languages, family = list(langs), rng.choice(families)
        for born, sex in members:
            age = REFERENCE_DATE.year - born.year
            has_phone = age >= 12 and (age < 85 or rng.random() < 0.5)
            ltc = 0
            if age >= 60:
                # About one in twenty over-80s, and few younger, are assessed at level 5 or 6.
                roll = rng.random() * (1.04 if age >= 80 else 1)
                ltc = (
                    6
                    if roll > 1.01
                    else 5
                    if roll > 0.99
                    else rng.randint(1, 4)
                    if roll > 0.85
                    else 0
                )
            mobility = (
                Resident.Mobility.BEDRIDDEN
                if ltc == 6
                else Resident.Mobility.LIMITED
                if ltc >= 4 or (age >= 85 and rng.random() < 0.5)
                else Resident.Mobility.INDEPENDENT
            )
            if foreign:
                given = rng.choice(givens)
                name = f"{family} {given}" if family_first else f"{given} {family}"
                id_type, id_number = (
                    Resident.IdType.PASSPORT,
                    f"{nationality}{rng.randrange(10**8):08d}",
                )
            else:
                name = gen.chinese_name(sex, born)
                id_type, id_number = Resident.IdType.PRC_ID, gen.id_number(born, sex == "M")
            residents.append(
                Resident(
                    community=community,
                    household=household,
                    name=name,
                    sex=sex,
                    date_of_birth=born,
                    id_type=id_type,
                    id_number=id_number,
                    phone=gen.mobile() if has_phone else "",
                    nationality=nationality,
                    languages=languages,
                    mobility=mobility,
                    ltc_level=ltc or None,  # not assessed: unknown, not level 0
                )
            )
            household_flags.append((len(members) == 1, rng.random() < 0.015))
        phones = [r.phone for r in residents[-len(members) :] if r.phone]
        household.phone = phones[0] if phones else f"021{rng.randrange(10**8):08d}"
    Household.objects.bulk_update(households, ["phone"], batch_size=BATCH)
    for resident in residents:
        fill_search_keys(resident)  # bulk_create does not call save()
    Resident.objects.bulk_create(residents, batch_size=BATCH)
    tags: list[Vulnerability] = []
    for resident, (alone, hardship) in zip(residents, household_flags, strict=True):
        tags.extend(_vulnerabilities(gen, resident, alone, hardship))
        if len(tags) >= BATCH:
            Vulnerability.objects.bulk_create(tags)
            tags = []
    Vulnerability.objects.bulk_create(tags)


class RegisterSeed:
    """Households, residents and their vulnerability tags, community by community."""

    def __init__(self, run: SeedRun) -> None:
        self.run = run
        self.gen = Generator(run.seed, run.foreign_share)
        self.compound_no = iter(range(1, 10**9))

    def community(self, community: Community, residents: int) -> None:
        _populate(self.gen, community, residents, self.compound_no)

    def finish(self) -> None:
        self.run.counts.update(
            households=Household.objects.count(),
            residents=Resident.objects.count(),
            vulnerabilities=Vulnerability.objects.count(),
        )

    @staticmethod
    def reset() -> None:
        history = [m.history.model for m in (HealthNote, Vulnerability, Resident, Household)]
        delete_all(
            *history, SurveyVisit, SurveyRound, HealthNote, Vulnerability, Resident,
            ResidentImport, Household,
        )  # fmt: skip
