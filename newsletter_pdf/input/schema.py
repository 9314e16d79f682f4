"""JSON Schemas of the editor's files, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path

from newsletter_pdf.files import write_atomically
from newsletter_pdf.input.models import ArticleFields, IssueFile, Publication

SCHEMAS = {
    "newsletter.schema.json": (Publication, "newsletter.yaml: the publication every issue belongs to"),
    "issue.schema.json": (IssueFile, "issue.yaml: one issue and its articles"),
    "article.schema.json": (
        ArticleFields,
        "The YAML front matter of an article file (the Markdown below it is the body)",
    ),
}


def schemas() -> dict[str, str]:
    """File name -> schema text, exactly as committed in schema/."""
    texts = {}
    for name, (model, title) in SCHEMAS.items():
        schema = model.model_json_schema()  # type: ignore[attr-defined]
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}
        schema.pop("description", None)
        schema["description"] = (model.__doc__ or "").strip()
        texts[name] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def write_schemas(folder: Path) -> list[Path]:
    return [write_atomically(folder / name, text) for name, text in schemas().items()]
