"""全国投资项目代码: however a clerk types a valid code, one hyphenated form is stored; anything
else is refused with a Chinese message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhaoluo.core import parsing
from zhaoluo.core.validators import normalise_national_project_code, validate_national_project_code

FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


# The valid space: year from 2014 (the platform's first codes), any region, industry and serial,
# 项目类型 01 审批 / 02 核准 / 03 备案.
valid_codes = st.builds(
    lambda year, region, industry, kind, serial: f"{year}-{region}-{industry}-{kind}-{serial}",
    st.integers(min_value=2014, max_value=2100),
    _digits(6),
    _digits(2),
    st.sampled_from(["01", "02", "03"]),
    _digits(6),
)


@st.composite
def typed(draw: st.DrawFn, code: str) -> str:
    """The same code as an office might type or paste it."""
    text = draw(st.sampled_from([code, code.replace("-", "")]))
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    dash = draw(st.sampled_from(["-", "－", "—", "–"]))
    text = text.replace("-", dash).replace("－", dash)
    pad = draw(st.sampled_from(["", " ", "\u3000", "\t"]))
    return f"{pad}{text}{pad}"


@given(code=valid_codes, data=st.data())
def test_every_way_a_valid_code_is_typed_reads_back_as_the_one_hyphenated_form(code: str, data: st.DataObject) -> None:
    written = data.draw(typed(code))
    assert parsing.national_project_code(written) == code
    assert normalise_national_project_code(written) == code
    validate_national_project_code(code)


@given(code=valid_codes)
def test_normalising_a_stored_code_leaves_it_as_it_is(code: str) -> None:
    assert normalise_national_project_code(code) == code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020-320506-39-04-512345", "项目类型"),
        ("2013-320506-39-03-512345", "年份"),
        ("2020-3205-39-03-512345", "24 位"),
        ("2020320506390351234", "24 位"),  # 19 digits: a digit lost, not guessed at
        ("2020-320506-39-03-51234X", "24 位"),
    ],
)
def test_a_code_outside_the_national_rule_is_refused_saying_which_part_is_wrong(value: str, message: str) -> None:
    with pytest.raises(parsing.ParseError, match=message):
        parsing.national_project_code(value)
    with pytest.raises(ValidationError):
        validate_national_project_code(normalise_national_project_code(value))


def test_a_code_excel_turned_into_a_number_is_refused_because_its_serial_is_already_lost() -> None:
    with pytest.raises(parsing.ParseError, match="文本格式"):
        parsing.national_project_code(20203205063903512345)


def test_a_blank_code_is_no_code() -> None:
    assert parsing.national_project_code("  ") is None
    assert parsing.national_project_code(None) is None
