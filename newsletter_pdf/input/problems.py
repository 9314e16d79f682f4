"""Pydantic's validation errors as located, plain-English problems (texts from messages.yaml)."""

from __future__ import annotations

import calendar
import difflib
import re
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from newsletter_pdf.errors import Problem
from newsletter_pdf.input.yaml_source import Locator, field_path
from newsletter_pdf.messages import messages, show

# Fields that belong in the other file: the publication's in newsletter.yaml, the in issue.yaml.
_HOME_FILES = {"newsletter.yaml": "Publication", "issue.yaml": "IssueFile"}
_EMPTY_KINDS = {"string_type", "int_type", "list_type", "model_type", "dict_type", "date_type", "model_attributes_type"}
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that holds the last part of loc, for did-you-mean suggestions."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        fields = {info.alias or name: info for name, info in current.model_fields.items()}
        if part not in fields:
            return None
        current = _inner_model(fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def problems_from(exc: ValidationError, model: type[BaseModel], locator: Locator) -> list[Problem]:
    """Every Pydantic error as a located, plain-English problem."""
    catalogue = messages()
    known = _field_names(model)
    found: list[Problem] = []
    seen: set[tuple] = set()
    for error in exc.errors(include_url=False):
        kind, loc = error["type"], tuple(error["loc"])
        location, _ = locator.locate(loc)
        # Drop the tags Pydantic adds for union members ('Image', 'function-after[...]').
        parts = [p for p in loc if isinstance(p, int) or p in known]
        if kind == "extra_forbidden":
            parts = [*[p for p in loc[:-1] if isinstance(p, int) or p in known], loc[-1]]
        names = [p for p in parts if isinstance(p, str)]
        name = names[-1] if names else "this file"
        ctx = dict(error.get("ctx") or {})
        did_you_mean = ". Remove it, or check its spelling."
        if kind == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            close = difflib.get_close_matches(name, list(parent.model_fields), n=1, cutoff=0.6) if parent else []
            home = _home_file(name, parent)
            if home:
                kind, ctx["file"] = "wrong_file", home
            elif close:
                did_you_mean = f": did you mean '{close[0]}'?"
        if kind == "value_error":
            ctx["reason"] = str(ctx.get("error", error["msg"]))
        if kind in _EMPTY_KINDS and error.get("input") is None:
            kind = "empty"  # `body:` with nothing after it: not "got None"
        if kind.startswith("date_") and isinstance(error.get("input"), str):
            kind = _date_kind(error["input"], ctx) or kind
        template = catalogue["fields"].get(name, {}).get(kind) or catalogue["types"].get(kind)
        shown = None if kind == "missing" else show(error.get("input"))
        try:
            message = template.format(field=name, value=shown, did_you_mean=did_you_mean, **ctx)
        except (AttributeError, KeyError, IndexError):  # no template, or one needing other context
            message = f"{name}: {error['msg']}; got {shown}."
        path = field_path(parts)
        key = (str(location), path)
        if key in seen:  # a union reports one error per member: keep the first
            continue
        seen.add(key)
        found.append(Problem(location, message, path, shown))
    return found


def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of a model and the models inside it."""
    names: set[str] = set()
    stack: list[Any] = [model]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            for fname, info in current.model_fields.items():
                if fname not in names:
                    names.update({fname, info.alias or fname})  # `from` is written for the field `sender`
                    stack.append(_inner_model(info.annotation))
    return names


def _home_file(name: str, parent: type[BaseModel] | None) -> str | None:
    """The other file a top-level field belongs in ('volume' in newsletter.yaml: issue.yaml), else None."""
    from newsletter_pdf.input import models

    if parent is None or parent.__name__ not in ("Publication", "IssueFile", "Issue", "Article", "ArticleFields"):
        return None
    if parent.__name__ in ("Issue", "IssueFile") and name in models.Article.model_fields:
        return "an article, under 'articles:'"
    for file, model_name in _HOME_FILES.items():
        home = getattr(models, model_name)
        if name in home.model_fields and name not in parent.model_fields:
            in_article = issubclass(parent, models.ArticleFields) and file == "issue.yaml"
            return f"{file}, at the top level" if in_article else file
    return None


def _date_kind(value: str, ctx: dict) -> str | None:
    """'2023-02-29' -> 'no_such_day' (February 2023 has 28 days), with the words in ctx."""
    match = _DAY.match(value.strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    ctx["raw"] = value.strip()
    if not 1 <= month <= 12:
        return "no_such_month"
    days = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if 1 <= day <= days:
        return None
    ctx.update(month_name=calendar.month_name[month], year=year, days=days, raw=value.strip())
    return "no_such_day"
