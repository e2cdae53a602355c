"""Reps' ids in other systems: names, ids, the People page's text and the lookup syntax."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import external_ids as x
from app.domain.inputs import Invalid

systems = st.from_regex(x.SYSTEM, fullmatch=True)
ids = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=64
).filter(lambda v: v == v.strip() and v.isprintable() and v)


@given(st.dictionaries(systems, ids, max_size=8))
def test_the_page_rows_read_back_as_the_same_ids(found):
    assert x.from_rows(x.rows(found)) == found
    assert x.from_rows([("", ""), *x.rows(found), (" ", " ")]) == found


@given(systems, ids)
def test_a_lookup_reads_the_system_and_the_whole_id_colons_included(system, value):
    assert x.lookup(f"{system}:{value}") == (system, value)


@pytest.mark.parametrize("name", ["", "HubSpot", "1crm", "a-b", "x" * 33, "pbx "])
def test_bad_system_names_are_refused_naming_the_field(name):
    with pytest.raises(Invalid) as err:
        x.check({name: "1"})
    assert err.value.field == "external_ids"


@pytest.mark.parametrize("value", ["", "x" * 65, "a\nb", "tab\there", 12, None])
def test_bad_ids_are_refused(value):
    with pytest.raises(Invalid):
        x.check({"hubspot": value})


def test_limits_are_inclusive():
    assert x.check({"a" + "b" * 31: "y" * 64}) == {"a" + "b" * 31: "y" * 64}


@pytest.mark.parametrize("text", ["hubspot123", ":123", "hubspot:"])
def test_a_lookup_needs_system_colon_id(text):
    with pytest.raises(Invalid) as err:
        x.lookup(text)
    assert err.value.field == "external_id"


def test_the_page_rows_refuse_a_system_twice_and_an_id_without_a_system_and_drop_blank_ids():
    with pytest.raises(Invalid, match="twice"):
        x.from_rows([("pbx", "1"), ("pbx", "2")])
    with pytest.raises(Invalid, match="Name the system"):
        x.from_rows([("", "123")])
    assert x.from_rows([("pbx", ""), ("crm", " ")]) == {}  # a blank id removes the row
    assert x.from_rows([(" pbx ", "  PJSIP/1001 ")]) == {"pbx": "PJSIP/1001"}
