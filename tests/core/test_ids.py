"""Ids read from URLs, forms and query strings (ASCII digits) or held already (ints): within a signed
64-bit column, or nothing."""

import pytest

from openhouse.core.ids import parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("383262395255051866", 383262395255051866),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),  # does not fit the column
        ("12345678901234567890", None),  # too many digits
        ("²", None),  # a digit to str.isdigit, not to int()
        ("١٢", None),  # Arabic-Indic digits: not what our URLs carry
        ("-1", None),
        (" 1", None),
        ("", None),
        (None, None),
        (12, 12),  # an id a caller already holds
        (2**63, None),
        (-1, None),
        (True, None),
        (1.0, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_parse_id_caps_the_number_of_digits():
    assert parse_id("9999", max_digits=4) == 9999 and parse_id("10000", max_digits=4) is None
