"""The example operations in graphql/operations/ are valid against Saleor's real schema."""

from pathlib import Path

import pytest
from graphql import parse, validate
from saleor.graphql.api import schema

OPERATIONS = sorted((Path(__file__).resolve().parents[2] / "graphql" / "operations").glob("*.graphql"))


def test_there_are_example_operations():
    assert len(OPERATIONS) >= 3


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda path: path.name)
def test_example_operation_is_valid(path):
    errors = validate(schema, parse(path.read_text()))
    assert errors == []
