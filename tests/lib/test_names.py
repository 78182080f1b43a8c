from django.utils import translation

from linli.lib.names import country_name, language_name, pii_field_names


def test_countries_and_languages_are_named_in_the_readers_language() -> None:
    with translation.override("en"):
        assert (country_name("jp"), language_name("ja"), language_name("zh")) == (
            "Japan",
            "Japanese",
            "Chinese",
        )
    with translation.override("zh-hans"):
        assert (country_name("JP"), language_name("ja"), language_name("zh")) == (
            "日本",
            "日语",
            "中文",
        )


def test_unknown_codes_are_shown_as_stored() -> None:
    assert (country_name("ZZ"), language_name("tlh")) == ("ZZ", "tlh")


def test_what_a_look_at_personal_data_saw_is_named() -> None:
    with translation.override("en"):
        assert pii_field_names("export:register,phone,id_number") == (
            "register export, phone, identity number"
        )
    with translation.override("zh-hans"):
        assert pii_field_names("phone,id_number") == "电话, 证件号码"
