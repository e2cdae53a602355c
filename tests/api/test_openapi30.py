"""/schema/openapi-3.0.json: the same API as OpenAPI 3.0.3, for Salesforce External Services."""

import json

from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV30SpecValidator

from app.openapi30 import convert
from tests.conftest import shared_fixtures

app, engine, clock, client, settings = shared_fixtures()  # one app and schema per module


def test_the_30_document_is_valid_openapi_303(client):
    r = client.get("/schema/openapi-3.0.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"] == "3.0.3"
    validate(doc, cls=OpenAPIV30SpecValidator)


def test_it_describes_the_same_operations_as_the_31_document(client):
    d31 = client.get("/schema/openapi.json").json()
    d30 = client.get("/schema/openapi-3.0.json").json()
    ops = lambda d: {(p, m) for p, item in d["paths"].items() for m in item}  # noqa: E731
    assert ops(d30) == ops(d31)
    assert set(d30["components"]["schemas"]) == set(d31["components"]["schemas"])


def test_the_hook_has_no_oneof_anyof_or_type_lists(client):
    doc = client.get("/schema/openapi-3.0.json").json()
    hook = json.dumps(doc["paths"]["/api/v1/assignments"]["post"])
    shapes = json.dumps(
        [doc["components"]["schemas"][n] for n in ("AssignmentIn", "AssignmentOut")]
    )
    for text in (hook, shapes, json.dumps(doc)):
        assert "oneOf" not in text and "anyOf" not in text and '"null"' not in text
    out = doc["components"]["schemas"]["AssignmentOut"]["properties"]
    assert out["assignee"]["nullable"] is True and out["assignee"]["type"] == "object"
    assert out["external_id"] == {"type": "string", "nullable": True}
    assert out["assignee_id"]["type"] == "string" and out["assignee_id"]["nullable"] is True
    assert out["assignee_external_ids"]["type"] == "object"  # Flow reads .salesforce from it


def test_31_only_keywords_become_their_30_forms():
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "required": [],
                    "properties": {
                        "n": {"type": ["integer", "null"], "exclusiveMinimum": 0},
                        "c": {"const": "x", "examples": ["x", "y"]},
                        "e": {"oneOf": [{"type": "string", "enum": ["a"]},
                                        {"type": "string", "enum": ["b"]}]},
                    },
                }
            }
        },
    }  # fmt: skip
    a = convert(doc)["components"]["schemas"]["A"]
    assert "required" not in a
    assert a["properties"]["n"] == {
        "type": "integer", "nullable": True, "minimum": 0, "exclusiveMinimum": True
    }  # fmt: skip
    assert a["properties"]["c"] == {"enum": ["x"], "example": "x"}
    assert a["properties"]["e"] == {"type": "string", "enum": ["a", "b"]}
