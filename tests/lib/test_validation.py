import random
from datetime import date

import phonenumbers
import pytest

from linli.lib.validation import Invalid, normalize_phone, parse_date, validate_prc_id

TODAY = date(2026, 11, 23)
pytestmark = pytest.mark.usefixtures("english")


def test_valid_id_gives_birth_date_and_sex() -> None:
    assert validate_prc_id("11010519491231002x", TODAY) == (
        "11010519491231002X",
        date(1949, 12, 31),
        "F",
    )


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "18 characters"),
        ("11010519491231002Y", "18 characters"),
        ("91010519491231002X", "region"),
        ("110105194902300021", "not a real date"),
        ("110105203001010021", "impossible"),
        ("110105194912310021", "check digit"),
    ],
)
def test_invalid_id_numbers_say_why(number: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        validate_prc_id(number, TODAY)


@pytest.mark.parametrize(
    "text", ["1950-03-21", "1950/3/21", "19500321", "1950.3.21", "1950年3月21日"]
)
def test_dates_in_the_usual_forms(text: str) -> None:
    assert parse_date(text, TODAY) == date(1950, 3, 21)


def test_future_birth_date_is_impossible() -> None:
    with pytest.raises(Invalid, match="impossible"):
        parse_date("2030-01-01", TODAY)


@pytest.mark.parametrize(
    "value",
    [
        16138,  # an xlsx number cell formatted General
        "16138",  # the same cell in the csv Excel saves
        16138.75,  # a date with its time of day
    ],
)
def test_an_excel_date_serial_is_excel_s_date(value: object) -> None:
    assert parse_date(value, TODAY) == date(1944, 3, 7)


def test_serials_are_read_from_above_this_year_s_number_to_today() -> None:
    # 2026 may be a year and 46350 is tomorrow: neither is read as a serial.
    assert parse_date(2027, TODAY) == date(1905, 7, 19)
    assert parse_date(46349, TODAY) == TODAY
    for value in (2026, "2026", 85, 60, 46350, True):
        with pytest.raises(Invalid, match="not a date"):
            parse_date(value, TODAY)


def test_an_eight_digit_number_is_year_month_day_not_a_serial() -> None:
    assert parse_date(19500321, TODAY) == date(1950, 3, 21)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("138 1234 5678", "13812345678"),
        ("021-6234 5678", "02162345678"),
        (13812345678.0, "13812345678"),
        ("+1 415 555 2671", "+14155552671"),
    ],
)
def test_phone_numbers_are_normalised(raw: object, clean: str) -> None:
    assert normalize_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12345", "10012345678", "abc", "1381234567"])
def test_non_phones_are_refused(raw: str) -> None:
    with pytest.raises(Invalid, match="not a phone"):
        normalize_phone(raw)


def test_mobile_fast_path_agrees_with_libphonenumber() -> None:
    """The per-prefix cache must decide exactly as libphonenumber does on whole numbers."""
    rng = random.Random(5)
    for _ in range(3000):
        number = "1" + "".join(rng.choice("0123456789") for _ in range(10))
        expected = phonenumbers.is_valid_number(phonenumbers.parse(number, "CN"))
        try:
            normalize_phone(number)
            ours = True
        except Invalid:
            ours = False
        assert ours == expected, number
