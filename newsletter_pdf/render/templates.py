"""Templates run in Jinja's sandbox, are read only from inside the layout folders, and fail at a file and line.

Every template, ours and an editor's own (layout_dir), is rendered in a SandboxedEnvironment: a
template can show the values it is given but cannot reach Python's internals (`__globals__`,
`__subclasses__`, `os`) or call anything unsafe, nor read a file through a path it is given. The loader refuses a template that is a link to a
file outside the folders it searches, so a template cannot print /etc/passwd into the PDF.
"""

from __future__ import annotations

import functools
from pathlib import Path, PurePath
from types import TracebackType

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from newsletter_pdf.errors import Location, NewsletterError, Problem, ValidationProblems
from newsletter_pdf.messages import say
from newsletter_pdf.resources import layouts_dir


class TemplateOutside(jinja2.TemplateError):
    """A template whose real file lies outside the folders templates may come from."""

    def __init__(self, path: str, target: Path) -> None:
        super().__init__(f"{path} -> {target}")
        self.path, self.target = path, target


class ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads a template only when its real path (links followed) is inside a root."""

    def __init__(self, search_path: tuple[str, ...], roots: tuple[Path, ...]) -> None:
        super().__init__(list(search_path), followlinks=False)
        self.roots = roots

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(root) for root in self.roots):
            raise TemplateOutside(filename, real)
        return source, filename, uptodate


# What a template may read of a path it is given: its name, never its contents or its neighbours
# (`face.path.parent.joinpath('/etc/passwd').read_text()` would pass Jinja's own sandbox).
PATH_ATTRIBUTES = frozenset({"name", "stem", "suffix"})


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, also closed to the file system: no method or attribute of a path but its name."""

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, PurePath) and attr not in PATH_ATTRIBUTES:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj) -> bool:
        if isinstance(getattr(obj, "__self__", None), PurePath):
            return False
        return super().is_safe_callable(obj)


@functools.cache
def sandboxed_environment(search_path: tuple[str, ...]) -> Sandbox:
    """A sandboxed Jinja2 environment over the layout's search path (own folder, layout, base)."""
    roots = tuple(dict.fromkeys([layouts_dir().resolve(), *(Path(p).resolve() for p in search_path)]))
    return Sandbox(
        loader=ContainedLoader(search_path, roots),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(env: jinja2.Environment, name: str, **context) -> str:
    """Render a template; a mistake in any template it uses becomes a problem at that template's file and line."""
    try:
        return env.get_template(name).render(**context)
    except NewsletterError:
        raise
    except TemplateOutside as exc:
        where = _template_frame(exc.__traceback__, env)
        problem = Problem(
            Location(Path(exc.path)),
            say("template_outside", path=exc.path, target=exc.target)
            + (f" (included from {where[0]}, line {where[1]})" if where else ""),
        )
        raise ValidationProblems([problem]) from None
    except jinja2.TemplateSyntaxError as exc:
        location = Location(Path(exc.filename or name), exc.lineno)
        raise ValidationProblems([Problem(location, say("template_syntax", reason=exc.message))]) from None
    except Exception as exc:  # an undefined value, an unsafe attribute, a failing filter ...
        where = _template_frame(exc.__traceback__, env)
        if where is None:  # not a template's mistake: a bug, reported as one
            raise
        reason = (str(exc) or type(exc).__name__).rstrip(".")
        problem = Problem(Location(Path(where[0]), where[1]), say("template_error", reason=reason))
        raise ValidationProblems([problem]) from None


def _template_frame(tb: TracebackType | None, env: jinja2.Environment) -> tuple[str, int] | None:
    """The innermost frame of a template (Jinja gives template frames the template's file and line)."""
    loader = env.loader
    folders = [Path(p).resolve() for p in getattr(loader, "searchpath", [])]
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and any(Path(filename).resolve().is_relative_to(f) for f in folders):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
