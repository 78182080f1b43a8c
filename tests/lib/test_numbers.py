import pytest

from linli.lib.numbers import MAX_ID, whole_number


@pytest.mark.parametrize(
    ("raw", "number"),
    [("42", 42), (" 007 ", 7), ("0", 0), (str(MAX_ID), MAX_ID), ("", None), ("-1", None),
     ("²", None), ("１２", None), ("4.0", None), (str(MAX_ID + 1), None), ("9" * 5000, None)],
)  # fmt: skip
def test_only_digits_0_to_9_within_the_databases_integers_are_a_number(
    raw: str, number: int | None
) -> None:
    assert whole_number(raw) == number
