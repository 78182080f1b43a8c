from datetime import date

from linli.lib.idcard import check_char, make_id_number


def test_check_character_of_a_published_example() -> None:
    # The worked example of GB 11643-1999: 11010519491231002X.
    assert check_char("11010519491231002") == "X"


def test_made_numbers_carry_birth_date_and_sex() -> None:
    number = make_id_number("310101", date(1990, 5, 17), 42, male=True)
    assert number[:14] == "31010119900517"
    assert int(number[16]) % 2 == 1
    assert check_char(number[:17]) == number[17]
    assert int(make_id_number("310101", date(1990, 5, 17), 42, male=False)[16]) % 2 == 0
