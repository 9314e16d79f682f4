"""Options every command shares (-q, -v, --debug), defined once."""

from __future__ import annotations

from typing import Annotated

import typer

Verbose = Annotated[int, typer.Option("--verbose", "-v", count=True, help="Say more about each step.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the paths written, and problems.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show a traceback for internal errors.", hidden=True)]
