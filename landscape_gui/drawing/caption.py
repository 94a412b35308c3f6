"""The lesson caption: a scenario's title and description, wrapped in a band along the bottom of a frame.

The text is sized to the frame (its body height is ``unit``, 16 px on a 720p frame, so a 4K export reads as
the 720p one) and shrinks, down to 70 %, only when the description would otherwise take more than
:data:`MAX_SHARE` of the frame's height; past that its last line is cut with an ellipsis. The band is
opaque, the theme's ``band`` colour, and its text the theme's text colour: a contrast of about 14 : 1 on dark and
17 : 1 on light (WCAG asks 4.5 : 1), so it reads on a projector whatever the surface behind it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTextLayout, QTextOption

from landscape_gui.drawing.theme import THEMES, text_rgb

#: Most of the frame's height the caption band may cover.
MAX_SHARE = 0.34


def _lines(text: str, font: QFont, width: float) -> list[str]:
    """``text`` broken into lines that fit ``width`` (at word boundaries, as QTextLayout wraps)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        layout = QTextLayout(paragraph, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            out.append(paragraph[line.textStart() : line.textStart() + line.textLength()].rstrip())
        layout.endLayout()
    return out


def _layout(size: tuple[int, int], unit: float, title: str, description: str):
    """The band's fonts, lines and height for a frame of ``size`` (see the module docstring)."""
    w, h = size
    margin, pad = unit * 1.2, unit * 0.7
    inner = w - 2 * margin - 2 * pad
    text = " ".join(description.split())  # the file's line breaks are not the frame's
    scale = 1.0
    while True:
        body = QFont("DejaVu Sans")
        body.setPixelSize(max(6, round(unit * 1.05 * scale)))
        head = QFont(body)
        head.setPixelSize(max(6, round(unit * 1.3 * scale)))
        head.setBold(True)
        mb, mh = QFontMetricsF(body), QFontMetricsF(head)
        heads = _lines(title, head, inner) if title else []
        lines = _lines(text, body, inner) if text else []
        height = len(heads) * mh.height() + len(lines) * mb.lineSpacing() + 2 * pad
        if height <= MAX_SHARE * h or scale <= 0.7:
            break
        scale -= 0.1
    room = int((MAX_SHARE * h - 2 * pad - len(heads) * mh.height()) // mb.lineSpacing())
    if len(lines) > max(room, 1):  # still too long at the smallest size: cut, and say so with an ellipsis
        lines = lines[: max(room, 1)]
        lines[-1] = mb.elidedText(lines[-1] + " …", Qt.TextElideMode.ElideRight, inner)
        height = len(heads) * mh.height() + len(lines) * mb.lineSpacing() + 2 * pad
    return (head, mh, heads), (body, mb, lines), height, margin, pad, inner


def caption_height(size: tuple[int, int], unit: float, title: str, description: str) -> float:
    """The height the band takes at the bottom of a frame of ``size``, its margin included (a layout that
    keeps a band of its own leaves this much free)."""
    _, _, height, margin, _, _ = _layout(size, unit, title, description)
    return height + 1.5 * margin


def caption_band(
    p: QPainter, size: tuple[int, int], unit: float, theme: str, title: str, description: str
) -> float:
    """Paint the band (title in bold, then the wrapped description) and return the y of its top edge."""
    w, h = size
    (head, mh, heads), (body, mb, lines), height, margin, pad, inner = _layout(size, unit, title, description)
    fg, panel = QColor(*text_rgb(theme)), QColor(*THEMES[theme]["band"])
    top = h - margin - height
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(panel)
    p.drawRoundedRect(QRectF(margin, top, w - 2 * margin, height), pad, pad)
    p.setPen(fg)
    y = top + pad
    for font, metrics, rows, step in ((head, mh, heads, mh.height()), (body, mb, lines, mb.lineSpacing())):
        p.setFont(font)
        for row in rows:
            p.drawText(QRectF(margin + pad, y, inner, metrics.height()), Qt.AlignmentFlag.AlignLeft, row)
            y += step
    return top
