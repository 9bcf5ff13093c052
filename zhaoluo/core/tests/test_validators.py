import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from zhaoluo.core.validators import validate_national_project_code, validate_uscc


def _with_check(body: str) -> str:
    return body + stdnum_uscc.calc_check_digit(body)


@pytest.mark.parametrize("head", ["N2", "Y1", "A1", "91", "52"])
def test_a_uscc_whose_first_two_characters_are_letters_or_digits_is_accepted_with_a_right_check(head: str) -> None:
    validate_uscc(_with_check(f"{head}320506MA1X2Y3W4"))


def test_a_letter_headed_uscc_with_a_wrong_check_character_is_refused() -> None:
    good = _with_check("N2320506MA1X2Y3W4")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        validate_uscc(wrong)


@pytest.mark.parametrize("code", ["I1320506MA1X2Y3W40", "NN32050AMA1X2Y3W40", "N2320506MA1X2Y3O40"])
def test_a_uscc_with_letters_the_standard_does_not_allow_is_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_uscc(code)


def test_a_national_project_code_is_24_characters_with_its_four_hyphens() -> None:
    validate_national_project_code("2020-320506-39-03-512345")
    for wrong in ("202032050639035123450000", "2020-320506-39-03-51234", "2020—320506-39-03-512345"):
        with pytest.raises(ValidationError, match="24 位"):
            validate_national_project_code(wrong)
