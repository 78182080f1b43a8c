"""PRC resident identity numbers (GB 11643-1999): 6-digit region, birth date, sequence, check."""

from datetime import date
from operator import mul

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    if len(first17) != len(WEIGHTS):
        raise ValueError("the check character covers exactly 17 digits")
    total = sum(map(mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def make_id_number(region: str, born: date, sequence: int, male: bool) -> str:
    """An identity number whose sequence parity encodes sex (odd = male), as the standard says."""
    seq = sequence % 1000
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
