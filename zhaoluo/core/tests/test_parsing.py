"""The value parsers against every example of shared/LEDGERS.md "Values", plus properties.

The contract's table is the spec: each accepted example is parsed to the value a clerk means,
each rejected one raises ParseError with a Chinese message. Hypothesis then writes the same
value every way an office might and checks that it always reads back the same.
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from zhaoluo.core import parsing as p

D = dt.date
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def full_width(value: str) -> str:
    return value.translate(FULL_WIDTH)


def rejected(parse, value) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(p.ParseError) as caught:
        parse(value)
    assert caught.value.message, "a rejection must say why"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message), "messages are Chinese"
    return caught.value.message


# Amounts (万元) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("15000", "15000"),
        ("15,000", "15000"),
        ("15000.5", "15000.5"),
        ("1.5亿", "15000"),
        ("1.5亿元", "15000"),
        ("15000万", "15000"),
        ("15000万元", "15000"),
        ("１５０００", "15000"),
        ("１．５亿元", "15000"),
        ("１５，０００", "15000"),
        (" 12,000 ", "12000"),
        ("\u300015000万元\u3000", "15000"),
        ("0", "0"),
        ("0.01", "0.01"),
        (15000, "15000"),
        (15000.5, "15000.5"),
        (0.1 + 0.2, "0.3"),  # a float cell's binary noise is what the clerk does not see
    ],
)
def test_amounts_of_the_contract_parse_to_wan_yuan(written: object, expected: str) -> None:
    assert p.amount(written) == Decimal(expected)


@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000"])
def test_a_blank_amount_is_none_and_the_engine_decides_whether_it_was_required(blank: object) -> None:
    assert p.amount(blank) is None


@pytest.mark.parametrize(
    "written",
    [
        "-15000",
        "-1.5亿元",
        "－15000",
        -1,
        -0.5,
        "abc",
        "十五万",
        "15000美元",
        "1e9",
        "1E3",
        "NaN",
        "nan",
        "inf",
        float("nan"),
        float("inf"),
        "15.000.0",
        "1,5000",
        "15000.123",
        "1000000000000",
        1e13,
        True,
        "1.5 亿 元 x",
    ],
)
def test_amounts_the_contract_rejects_raise_a_parse_error(written: object) -> None:
    rejected(p.amount, written)


def test_a_negative_amount_says_it_is_negative() -> None:
    assert "负数" in rejected(p.amount, "-15000")


CENTS = st.integers(min_value=0, max_value=10**14 - 1).map(lambda c: Decimal(c).scaleb(-2))


def amount_forms(value: Decimal) -> list[str]:
    plain = format(value, "f")
    forms = [plain, f"{value:,f}", f"{plain}万", f"{plain}万元", full_width(plain), full_width(f"{value:,f}")]
    yi = value / 10000
    if yi * 10000 == value:
        forms += [f"{format(yi, 'f')}亿", f"{format(yi, 'f')}亿元", full_width(f"{format(yi, 'f')}亿元")]
    return forms


@settings(max_examples=300)
@given(CENTS)
def test_any_amount_written_any_accepted_way_reads_back_the_same(value: Decimal) -> None:
    for form in amount_forms(value):
        assert p.amount(form) == value, form


@settings(max_examples=200)
@given(CENTS)
def test_an_amount_in_a_number_cell_reads_back_the_same(value: Decimal) -> None:
    assert p.amount(float(value)) == value
    if value == value.to_integral_value():
        assert p.amount(int(value)) == value


@settings(max_examples=200)
@given(CENTS.filter(lambda v: v > 0))
def test_any_negative_amount_is_rejected_in_every_form(value: Decimal) -> None:
    for form in amount_forms(value):
        rejected(p.amount, "-" + form)
    rejected(p.amount, -float(value))


@settings(max_examples=200)
@given(st.integers(min_value=10**14, max_value=10**20).map(lambda c: Decimal(c).scaleb(-2)))
def test_amounts_from_ten_to_the_twelve_wan_yuan_up_are_rejected(value: Decimal) -> None:
    rejected(p.amount, format(value, "f"))
    rejected(p.amount, f"{value:,f}")
    rejected(p.amount, float(value))


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=12))
def test_scientific_notation_is_not_an_amount(mantissa: int, exponent: int) -> None:
    rejected(p.amount, f"{mantissa}e{exponent}")
    rejected(p.amount, f"{mantissa}E+{exponent}")


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "2020-03-14",
        "2020/3/14",
        "2020.3.14",
        "2020年3月14日",
        "2020/03/14",
        " 2020-3-14 ",
        "２０２０年３月１４日",
        "2020 年 3 月 14 日",
        D(2020, 3, 14),
        dt.datetime(2020, 3, 14),
        dt.datetime(2020, 3, 14, 0, 0),
    ],
)
def test_the_date_forms_of_the_contract_parse(written: object) -> None:
    assert p.date(written) == D(2020, 3, 14)


@pytest.mark.parametrize(
    "written",
    [
        "2020-02-30",
        "2021-02-29",
        "2020-13-01",
        "2020-00-10",
        "2020-04-31",
        "2020年2月30日",
        "2020/3-14",
        "14/3/2020",
        "20200314",
        "2020-3",
        "2020年3月",
        "三月十四日",
        "明年",
        43904,  # an Excel serial shown as a number is not a date cell
        43904.0,
        True,
    ],
)
def test_impossible_and_unknown_dates_are_rejected(written: object) -> None:
    rejected(p.date, written)


def test_an_impossible_date_names_itself() -> None:
    assert "2020-02-30" in rejected(p.date, "2020-02-30")


# The plausible window (core/dates.py: 2000 to today + 30 years); dates outside it are refused,
# see test_plausible_dates.py.
DATES = st.dates(min_value=D(2000, 1, 1), max_value=D(2055, 12, 31))


def date_forms(day: dt.date) -> list[object]:
    y, m, d = day.year, day.month, day.day
    return [
        day.isoformat(),
        f"{y}/{m}/{d}",
        f"{y}.{m}.{d}",
        f"{y}年{m}月{d}日",
        f"{y}/{m:02d}/{d:02d}",
        full_width(f"{y}年{m}月{d}日"),
        day,
        dt.datetime(y, m, d),
    ]


@settings(max_examples=300)
@given(DATES)
def test_any_date_in_any_accepted_form_reads_back_the_same(day: dt.date) -> None:
    for form in date_forms(day):
        assert p.date(form) == day, form


@st.composite
def impossible_dates(draw: st.DrawFn) -> tuple[int, int, int]:
    year = draw(st.integers(min_value=1900, max_value=2999))
    month = draw(st.integers(min_value=1, max_value=12))
    last = (D(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    day = draw(st.integers(min_value=last + 1, max_value=99))
    return year, month, day


@settings(max_examples=200)
@given(impossible_dates())
def test_any_day_past_the_end_of_its_month_is_rejected_in_every_form(ymd: tuple[int, int, int]) -> None:
    y, m, d = ymd
    for form in (f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}", f"{y}.{m}.{d}", f"{y}年{m}月{d}日"):
        rejected(p.date, form)


@given(st.integers(min_value=1900, max_value=2999), st.integers(min_value=13, max_value=99))
def test_a_month_past_december_is_not_a_date(year: int, month: int) -> None:
    rejected(p.date, f"{year}-{month}-01")


# Months, years ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["2020-03", "2020/3", "2020年3月", "2020-3", "２０２０年３月", D(2020, 3, 14), dt.datetime(2020, 3, 31, 8, 0)],
)
def test_the_month_forms_of_the_contract_parse_to_the_first_of_the_month(written: object) -> None:
    assert p.month(written) == D(2020, 3, 1)


@pytest.mark.parametrize(
    "written", ["2020-13", "2020年0月", "2020.3", "2020-03-14", "202003", "3月", "2020", 202003, "三月"]
)
def test_anything_else_is_not_a_month(written: object) -> None:
    rejected(p.month, written)


@given(st.integers(min_value=2000, max_value=2055), st.integers(min_value=1, max_value=12))
def test_any_month_in_any_accepted_form_reads_back_the_same(year: int, month: int) -> None:
    for form in (f"{year}-{month:02d}", f"{year}/{month}", f"{year}年{month}月", D(year, month, 28)):
        assert p.month(form) == D(year, month, 1)


@pytest.mark.parametrize("written", ["2020", "2020年", " 2020 ", "２０２０年", 2020, 2020.0])
def test_the_year_forms_of_the_contract_parse(written: object) -> None:
    assert p.year(written) == 2020


@pytest.mark.parametrize("written", ["20", "2020年度", "二〇二〇", "2020-01", 2020.5, 99999])
def test_anything_else_is_not_a_year(written: object) -> None:
    rejected(p.year, written)


# Yes/no ------------------------------------------------------------------------------------

YES = ["是", "Y", "y", "yes", "Yes", "YES", "true", "True", "TRUE", "1", "√", "１", "Ｙ", 1, 1.0, True]
NO = ["否", "N", "n", "no", "No", "NO", "false", "False", "FALSE", "0", "×", 0, 0.0, False]


@pytest.mark.parametrize("written", YES)
def test_yes_words_of_the_contract_read_as_yes(written: object) -> None:
    assert p.yes_no(written) is True


@pytest.mark.parametrize("written", NO)
def test_no_words_of_the_contract_read_as_no(written: object) -> None:
    assert p.yes_no(written) is False


@pytest.mark.parametrize("written", [None, "", "  ", "\u3000"])
def test_a_blank_yes_no_cell_is_no(written: object) -> None:
    assert p.yes_no(written) is False


@pytest.mark.parametrize("written", ["对", "有", "x", "ok", "2", 2, "yes please", "是的", "T", "F", "-1"])
def test_other_words_are_not_yes_or_no(written: object) -> None:
    rejected(p.yes_no, written)


@given(st.sampled_from(["是", "y", "yes", "true", "√", "否", "n", "no", "false", "×"]), st.data())
def test_yes_no_words_are_read_in_any_letter_case(word: str, data: st.DataObject) -> None:
    mixed = "".join(data.draw(st.sampled_from([ch.lower(), ch.upper()])) for ch in word)
    assert p.yes_no(mixed) is (word in {"是", "y", "yes", "true", "√"})


# USCC --------------------------------------------------------------------------------------


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    head = draw(st.text(alphabet=string.digits, min_size=8, max_size=8))
    body = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    return head + body + stdnum_uscc.calc_check_digit(head + body)


VALID = "91110000600037341L"  # python-stdnum's documented example of a valid code


def test_the_worked_example_code_is_valid() -> None:
    assert stdnum_uscc.calc_check_digit(VALID[:17]) == VALID[17]
    assert p.uscc(VALID) == VALID


@pytest.mark.parametrize(
    "written",
    [VALID, VALID.lower(), "".join(chr(ord(c) + 0xFEE0) for c in VALID), f" {VALID} ", "\u3000" + VALID],
)
def test_a_valid_code_is_accepted_in_lower_case_and_full_width(written: str) -> None:
    assert p.uscc(written) == VALID


@pytest.mark.parametrize(
    ("written", "why"),
    [
        (VALID[:17], "18"),
        (VALID + "0", "18"),
        (VALID[:16] + "I" + VALID[17], "字符"),
        (VALID[:16] + "!" + VALID[17], "字符"),
        ("I" + VALID[1:], "字符"),  # I, O, S, V, Z are in no position of GB 32100's alphabet
        ("A" + VALID[1:], "校验"),  # A may lead (registration authority); the check character then differs
        (VALID[:17] + ("0" if VALID[17] != "0" else "1"), "校验"),
    ],
)
def test_codes_of_the_wrong_length_characters_or_check_character_are_rejected(written: str, why: str) -> None:
    assert why in rejected(p.uscc, written)


@pytest.mark.parametrize("cell", [914206071234567890, 9.14206071234568e17, 124206070000000000])
def test_a_code_that_excel_turned_into_a_number_is_refused_with_the_reason(cell: object) -> None:
    assert "Excel 存成了数字" in rejected(p.uscc, cell)


@settings(max_examples=300)
@given(valid_usccs())
def test_any_valid_code_is_accepted_also_in_lower_case_and_full_width(code: str) -> None:
    assert p.uscc(code) == code
    assert p.uscc(code.lower()) == code
    assert p.uscc("".join(chr(ord(c) + 0xFEE0) for c in code)) == code


@settings(max_examples=40)
@given(valid_usccs())
def test_every_single_character_change_of_a_valid_code_is_rejected(code: str) -> None:
    for position in range(18):
        for replacement in string.digits + string.ascii_uppercase:
            if replacement == code[position]:
                continue
            rejected(p.uscc, code[:position] + replacement + code[position + 1 :])


@given(valid_usccs(), st.integers(min_value=0, max_value=17))
def test_a_code_with_a_character_dropped_or_doubled_is_rejected(code: str, position: int) -> None:
    rejected(p.uscc, code[:position] + code[position + 1 :])
    rejected(p.uscc, code[:position] + code[position] + code[position:])


@given(valid_usccs(), st.integers(min_value=0, max_value=16))
def test_swapping_two_different_neighbours_is_rejected(code: str, position: int) -> None:
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    rejected(p.uscc, swapped)


# Lists and text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "张三、李四、王五",
        "张三，李四，王五",
        "张三,李四,王五",
        "张三；李四；王五",
        "张三;李四;王五",
        "张三、 李四，王五;",
    ],
)
def test_lists_split_on_every_separator_of_the_contract(written: str) -> None:
    assert p.items(written) == ["张三", "李四", "王五"]


@pytest.mark.parametrize("written", [None, "", "  ", "、，;"])
def test_an_empty_list_has_no_items(written: object) -> None:
    assert p.items(written) == []


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("  襄阳盼盼食品  ", "襄阳盼盼食品"),
        ("\u3000襄阳盼盼食品\u3000", "襄阳盼盼食品"),
        ("\u3000 襄阳 盼盼 \u3000", "襄阳 盼盼"),
        (None, ""),
        (12345, "12345"),
        (12345.0, "12345"),
    ],
)
def test_text_is_trimmed_of_spaces_of_either_width(written: object, expected: str) -> None:
    assert p.text(written) == expected


def test_no_model_keeps_a_number_as_float() -> None:
    """Checklist G6: money (万元) and indicator values are Decimal end to end, never binary floats."""
    from django.apps import apps
    from django.db import models

    floats = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField)
    ]
    assert floats == []
