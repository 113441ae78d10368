"""Reading an import file: exact columns, one pydantic model per line, every error numbered.

The whole file is validated before anything is written: `read_lines` returns the parsed
lines or raises `ImportRefused` listing every problem as `line N: field: message` (line 1
is the header), so an import writes everything or nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gridconnect.errors import InvalidInput

Line = TypeVar("Line", bound=BaseModel)
MAX_PROBLEMS = 200


class ImportRefused(InvalidInput):
    """The file has problems; nothing was written. `details`: every problem, numbered."""

    code = "import_refused"

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        message = f"{len(problems)} problem(s), nothing written"
        super().__init__(message, shown + ([f"… and {more} more"] if more else []))
        self.problems = problems


def _field_problems(number: int, error: ValidationError) -> list[str]:
    out = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"]) or "line"
        out.append(f"line {number}: {where}: {item['msg']}")
    return out


def rows(text: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, raw cells) per data line; a wrong header is refused at once."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != columns:
        raise ImportRefused(
            [f"line 1: header must be exactly {','.join(columns)} (got {','.join(header or [])})"]
        )
    for number, cells in enumerate(reader, start=2):
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            yield number, {"__width__": str(len(cells))}
            continue
        yield number, {c: v.strip() for c, v in zip(columns, cells, strict=True)}


def read_lines(
    text: str,
    columns: tuple[str, ...],
    model: type[Line],
    context: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[int, Line]]:
    """Every line parsed, or ImportRefused with every problem."""
    parsed, problems = parse_lines(text, columns, model, context, progress)
    if problems:
        raise ImportRefused(problems)
    return parsed


def parse_lines(
    text: str,
    columns: tuple[str, ...],
    model: type[Line],
    context: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[tuple[int, Line]], list[str]]:
    """The lines that parse, and the problems of those that do not (checks across lines
    can then run on the good ones and report everything at once)."""
    parsed: list[tuple[int, Line]] = []
    problems: list[str] = []
    for number, cells in rows(text, columns):
        if "__width__" in cells:
            problems.append(
                f"line {number}: expected {len(columns)} columns, got {cells['__width__']}"
            )
            continue
        values = {k: (v if v != "" else None) for k, v in cells.items()}
        try:
            parsed.append((number, model.model_validate(values, context=context)))
        except ValidationError as exc:
            problems.extend(_field_problems(number, exc))
        if progress is not None and number % 1000 == 0:
            progress(1000)
    return parsed, problems
