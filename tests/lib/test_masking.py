import pytest

from linli.lib.masking import mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("02155551234", "021****1234"),
        ("5551234", "***1234"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_phone(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("310101199001011234", "310***********1234"), ("JP12345678", "JP1***5678"), ("1234", "****")],
)
def test_mask_id_number(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked
