"""Plain text as Qt rich text that draws its accents where they belong.

A letter with a combining mark (Adam's m̂ and v̂: ``m`` + U+0302) is drawn by Qt in DejaVu Sans, the usual Linux
sans-serif, with the mark a line too high (over the previous line's words); DejaVu Sans Mono places it on its
letter, so each such letter is set in the monospace face, as formulas are anyway.
"""

from __future__ import annotations

import html
import re

__all__ = ["MARKED", "marks_html"]

#: A letter followed by one or more combining diacritical marks.
MARKED = re.compile(r"\w[\u0300-\u036f]+")


def marks_html(text: str, mono: str = "DejaVu Sans Mono") -> str:
    """``text`` HTML-escaped, each letter with a combining mark in the ``mono`` face.

    >>> print(marks_html("m\u0302 < 1 & v"))
    <span style='font-family:"DejaVu Sans Mono", monospace'>m̂</span> &lt; 1 &amp; v
    """
    out, last = [], 0
    for m in MARKED.finditer(text):
        out.append(html.escape(text[last : m.start()], quote=False))
        out.append(
            f"<span style='font-family:\"{mono}\", monospace'>{html.escape(m.group(), quote=False)}</span>"
        )
        last = m.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)
