"""graphql/schema.graphql is what the running schema says the plugin adds."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from saleor.graphql.api import schema

SNAPSHOT = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"


def test_schema_snapshot_matches_the_running_schema():
    out = StringIO()
    call_command("support_graphql_schema", stdout=out)
    assert SNAPSHOT.read_text() == out.getvalue(), (
        "graphql/schema.graphql is out of date: run "
        "`python manage.py support_graphql_schema > graphql/schema.graphql` in the Saleor environment"
    )


def test_snapshot_has_the_support_api():
    text = SNAPSHOT.read_text()
    for line in ("supportCases(", "supportCaseCreate(", "supportSettings:", "supportCases: [SupportCase!]!"):
        assert line in text
    assert "type SupportCase implements Node" in text
    assert schema.get_type("SupportCase") is not None
