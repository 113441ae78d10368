"""Find the line a value of a TOML text sits on, for error messages.

tomllib returns plain values without positions, so problems are located by scanning the
text for the literal (a date, a key, a table header), ignoring comments.
"""

from __future__ import annotations

import re


def _strip_comment(line: str) -> str:
    """The line without its `# comment`, leaving `#` inside quoted strings alone."""
    quote: str | None = None
    escaped = False
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif quote is not None:
            if char == "\\" and quote == '"':
                escaped = True
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


class LineFinder:
    """Answers "on which line is the n-th occurrence of X" for one TOML text."""

    def __init__(self, text: str) -> None:
        self._lines = [_strip_comment(line) for line in text.splitlines()]

    @property
    def last_line(self) -> int:
        return max(len(self._lines), 1)

    def literal(self, needle: str, nth: int = 1, default: int = 1) -> int:
        """Line of the n-th occurrence (1-based) of a literal such as `2026-01-04`."""
        pattern = re.compile(r"(?<![\w-])" + re.escape(needle) + r"(?![\w-])")
        return self._find(pattern, nth, default)

    def key(self, name: str, nth: int = 1, default: int = 1) -> int:
        """Line of the n-th `name = ...` assignment."""
        pattern = re.compile(r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*=")
        return self._find(pattern, nth, default)

    def table(self, name: str, nth: int = 1, default: int = 1) -> int:
        """Line of the n-th `[name]` or `[[name]]` header."""
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(name) + r"\s*\]\]?")
        return self._find(pattern, nth, default)

    def _find(self, pattern: re.Pattern[str], nth: int, default: int) -> int:
        seen = 0
        for number, line in enumerate(self._lines, start=1):
            seen += len(pattern.findall(line))
            if seen >= nth:
                return number
        return default
