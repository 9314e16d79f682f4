import json

from newsletter_pdf.input.schema import schemas
from support.paths import ROOT


def test_committed_schemas_are_current():
    for name, text in schemas().items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is out of date: run `newsletter-pdf schema schema`"


def test_every_field_describes_itself():
    def walk(node, path):
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                assert prop.get("description"), f"{path}.{name} has no description"
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    for name, text in schemas().items():
        walk(json.loads(text), name)


def test_sample_files_point_editors_at_the_schemas():
    first = (ROOT / "issues" / "newsletter.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/newsletter.schema.json"
    first = (ROOT / "issues" / "2025-11" / "issue.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/issue.schema.json"


def test_schemas_forbid_unknown_fields():
    issue = json.loads(schemas()["issue.schema.json"])
    assert issue["additionalProperties"] is False
    assert issue["$defs"]["Article"]["additionalProperties"] is False
