"""Buildings full of households, door-knocking rounds and survey sheets for the survey tests."""

import io
import itertools
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from linli.core.models import Building, Community, Compound, Room, Unit, User
from linli.people.actions.survey import do_open_survey_round
from linli.people.models import Household, Resident, SurveyRound

_phones = itertools.count(13800000001)
SURVEY_HEADER = ["楼号", "单元", "室号", "结果", "日期", "备注"]


def in_english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def building(community: Community, number: str = "3", compound: str = "岐山村") -> Building:
    place = Compound.objects.get_or_create(community=community, name=compound)[0]
    return Building.objects.get_or_create(compound=place, number=number)[0]


def household(b: Building, room: str, *, unit: str = "1", phone: str = "") -> Household:
    u = Unit.objects.get_or_create(building=b, number=unit)[0]
    r = Room.objects.get_or_create(unit=u, number=room)[0]
    return Household.objects.create(community=b.compound.community, room=r, phone=phone)


def member(home: Household, name: str, *, phone: str | None = None) -> Resident:
    return Resident.objects.create(
        community=home.community,
        household=home,
        name=name,
        sex=Resident.Sex.FEMALE,
        date_of_birth=date(1950, 3, 21),
        phone=phone if phone is not None else str(next(_phones)),
    )


def households(b: Building, *rooms: str) -> list[Household]:
    """One household with one member behind each of `rooms` (unit 1)."""
    found = []
    for room in rooms:
        home = household(b, room)
        member(home, f"住户{room}")
        found.append(home)
    return found


def open_round(b: Building, actor: User, name: str = "第一轮敲门") -> SurveyRound:
    return do_open_survey_round(b, actor=actor, name=name)


def survey_sheet(
    rows: list[list[Any]], *, header: list[str] | None = None, name: str = "survey.xlsx"
) -> SimpleUploadedFile:
    """An uploaded xlsx file: the header, then `rows`."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header or SURVEY_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
