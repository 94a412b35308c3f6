"""The text layer of a formula: its characters (Unicode signs read as ASCII), parentheses, implicit
multiplication and syntax errors, each reported at the user's own column (:class:`FormulaError`).

>>> Source("2·x").parsed
'2*x'
"""

from __future__ import annotations

import ast
import keyword
import re

from landscape_gui.core.landscapes.formula_functions import FUNCTIONS

__all__ = [
    "MAX_DEPTH",
    "FormulaError",
    "Source",
    "check_adjacent_operands",
    "check_parentheses",
    "syntax_error",
]

#: Deepest nesting of parentheses and function calls.
MAX_DEPTH = 40


class FormulaError(ValueError):
    """A formula that cannot be used; ``str(err)`` is one line saying what and where (``column``, 1-based)."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


#: Non-ASCII characters a formula may contain, and what they are read as.
_UNICODE = {"θ": "θ", "π": "π", "\u2212": "-", "×": "*", "·": "*", "\u22c5": "*"}

_TOKEN_RE = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
           |(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)
      | (?P<name>[^\W\d]\w*)
      | (?P<other>\*\*|.)""",
    re.VERBOSE,
)
_TRAILING_OPERATORS = ("**", "+", "-", "*", "/", "^", ",")


class Source:
    """The user's text, the text given to ast.parse, and the map between their columns."""

    def __init__(self, text: str) -> None:
        self.lead = len(text) - len(text.lstrip())
        # what the user wrote, without surrounding blanks, on one line (so that messages are one line)
        self.text = re.sub(r"[\t\n\r]", " ", text.strip())
        parsed: list[str] = []
        origin: list[int] = []  # index in self.text of each character of the parsed text
        for i, ch in enumerate(self.text):
            if ch in "\t\n\r":
                ch = " "
            elif ch == "#":  # a comment would silently drop the rest of the formula
                raise FormulaError(f"unexpected character '#' at column {self.column(i)}", self.column(i))
            elif ch == "^":
                ch = "**"
            elif ch in _UNICODE:
                ch = _UNICODE[ch]
            elif not (" " <= ch <= "~"):
                shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
                raise FormulaError(f"unexpected character {shown} at column {self.column(i)}", self.column(i))
            parsed.append(ch)
            origin.extend([i] * len(ch))
        self.parsed = "".join(parsed)
        self.origin = origin + [len(self.text)]
        # ast gives UTF-8 byte offsets; map them to indexes in self.parsed
        self.byte_to_index: dict[int, int] = {}
        offset = 0
        for i, ch in enumerate(self.parsed):
            self.byte_to_index[offset] = i
            offset += len(ch.encode("utf-8"))
        self.byte_to_index[offset] = len(self.parsed)

    def column(self, index: int) -> int:
        """1-based column in the user's text of index ``index`` of self.text."""
        return self.lead + index + 1

    def node_span(self, node: ast.expr | ast.keyword) -> tuple[int, int]:
        """(start, end) indexes in self.text of an ast node."""
        start = self.origin[self.byte_to_index.get(node.col_offset, 0)]
        end_byte = getattr(node, "end_col_offset", None)
        end_index = (
            self.byte_to_index.get(end_byte, len(self.parsed)) if end_byte is not None else len(self.parsed)
        )
        end = self.origin[end_index - 1] + 1 if end_index > 0 else 0
        return start, max(end, start)

    def node_column(self, node: ast.expr | ast.keyword) -> int:
        return self.column(self.node_span(node)[0])

    def segment(self, node: ast.expr | ast.keyword) -> str:
        """The user's text of a node, shortened for messages."""
        start, end = self.node_span(node)
        text = self.text[start:end]
        return text if len(text) <= 40 else text[:37] + "..."

    def error(self, message: str, node: ast.expr | ast.keyword) -> FormulaError:
        """A FormulaError at ``node``; the last ``{col}`` in ``message`` becomes its column.

        (Not str.format: the message may quote the user's text, braces included.)
        """
        column = self.node_column(node)
        head, _, tail = message.rpartition("{col}")
        return FormulaError(f"{head}{column}{tail}", column)


def check_parentheses(src: Source) -> None:
    open_at: list[int] = []
    for i, ch in enumerate(src.text):
        if ch == "(":
            open_at.append(i)
            if len(open_at) > MAX_DEPTH:
                col = src.column(i)
                raise FormulaError(
                    f"formula is nested too deeply at column {col} (at most {MAX_DEPTH} levels)", col
                )
        elif ch == ")":
            if not open_at:
                col = src.column(i)
                raise FormulaError(f"unexpected ')' at column {col}", col)
            open_at.pop()
    if open_at:
        col = src.column(open_at[-1])
        raise FormulaError(f"unbalanced parenthesis at column {col}", col)


def check_adjacent_operands(src: Source) -> None:
    """Refuse implicit multiplication (``2x``, ``x y``, ``2(x+1)``, ``(x)(y)``) with a hint."""
    previous: tuple[str | None, str] | None = None  # (kind, text) of the previous significant token
    for match in _TOKEN_RE.finditer(src.text):
        kind, tok = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "name" and keyword.iskeyword(tok):
            kind = "other"
        ends = previous is not None and (previous[0] in ("number", "name") or previous[1] == ")")
        starts = kind in ("number", "name") or tok == "("
        if ends and starts and previous is not None and not (previous[0] == "name" and tok == "("):
            a, b = previous[1], tok
            col = src.column(match.start())
            if previous[0] == "name" and a in FUNCTIONS:
                hint = f"write {a}({b})" if kind != "other" else f"write {a}(...)"
                raise FormulaError(f"missing parentheses after '{a}' at column {col} ({hint})", col)
            shown_a = "(...)" if a == ")" else a
            shown_b = "(...)" if b == "(" else b
            raise FormulaError(
                f"missing operator between '{a}' and '{b}' at column {col} (write {shown_a}*{shown_b})", col
            )
        previous = (kind, tok)


def syntax_error(src: Source, err: SyntaxError) -> FormulaError:
    stripped = src.text.rstrip()
    for op in _TRAILING_OPERATORS:
        if stripped.endswith(op):
            return FormulaError(f"incomplete formula: ends after '{op}'", src.column(len(stripped)))
    if err.offset is None or err.offset < 1 or err.offset > len(src.parsed):
        return FormulaError("invalid formula", None)
    i = src.origin[err.offset - 1]
    ch = src.text[i]
    col = src.column(i)
    if ch.isalnum() or ch in "_θπ.":
        match = _TOKEN_RE.match(src.text, i)
        tok = match.group() if match else ch
        return FormulaError(f"unexpected '{tok}' at column {col}", col)
    if ch in "+-*/^(),\u2212×·":
        return FormulaError(f"unexpected '{ch}' at column {col}", col)
    return FormulaError(f"unexpected character '{ch}' at column {col}", col)
