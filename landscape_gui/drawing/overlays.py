"""Text painted over exported frames with QPainter: title, legend with optimizer colours, step, losses, the
lesson's caption (title and description, wrapped in a band along the bottom) and the step caption (the last
update of one run in its optimizer's formulas, with the numbers: monospace, in the lower left).

Sizes scale with the frame height (a 720p frame gets 20 px titles), so a 4K export looks like a 720p one,
only sharper. Every block sits on a translucent panel so that it reads on any part of the surface and on
either theme.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter

from landscape_gui.core.frames.presenter import LegendRow, loss_text
from landscape_gui.drawing.caption import caption_band
from landscape_gui.drawing.theme import THEMES, text_rgb

#: The least body text height of an overlay, in pixels: a 640×360 frame still reads from the back of a room.
MIN_UNIT = 11.0


def body_unit(height: int) -> float:
    """The overlays' body text height for a frame ``height`` pixels tall: 16 px at 720p, in proportion above,
    never below :data:`MIN_UNIT`."""
    return max(MIN_UNIT, height / 720 * 16)


def frame_scale(height: int) -> float:
    """Line widths and marker sizes of a frame ``height`` pixels tall, relative to a 720p frame (a trail at
    1080p is as visible as the window's), never thinner than the window's."""
    return max(1.0, height / 720)


class OverlayPainter:
    """Paints the overlays chosen in a scenario's export settings onto a QImage of the frame."""

    def __init__(self, size: tuple[int, int], theme: str, overlays: tuple[str, ...]):
        self.w, self.h = size
        self.overlays = set(overlays)
        self.unit = body_unit(self.h)  # body text height in px
        self.theme = theme
        self.fg = QColor(*text_rgb(theme))
        self.panel = QColor(*THEMES[theme]["panel"])
        self.body = QFont("DejaVu Sans")
        self.body.setPixelSize(round(self.unit))
        self.bold = QFont(self.body)
        self.bold.setPixelSize(round(self.unit * 1.35))
        self.bold.setBold(True)
        self.mono = QFont("DejaVu Sans Mono")
        self.mono.setPixelSize(round(self.unit))
        self.caption_font = QFont("DejaVu Sans Mono")
        self.caption_font.setPixelSize(round(self.unit * 1.05))
        self.caption_bold = QFont(self.caption_font)
        self.caption_bold.setBold(True)

    def paint(
        self,
        image: QImage,
        *,
        title: str,
        rows: list[LegendRow],
        step: int,
        steps: int,
        description: str = "",
        step_caption: list[str] | None = None,
        area: QRectF | None = None,
        legend_area: QRectF | None = None,
    ) -> None:
        """Paint the overlays; ``step_caption`` is a caption's lines, its title first (the "step_caption"
        overlay). The title (top left), the legend (top right), the step counter and the step caption (bottom
        left) sit inside ``area`` (default: the whole frame; a map's plotting area, so they never cover its
        axes); the lesson caption is a band along the frame's bottom. With ``legend_area`` (a composite's legend
        column) the legend sits there instead, shrunk to fit when it has more rows than the column has room."""
        p = QPainter(image)
        p.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        area = QRectF(0, 0, self.w, self.h) if area is None else area
        try:
            margin = self.unit * 1.2
            left, top = area.left() + margin, area.top() + margin
            bottom = area.bottom() - margin
            if "caption" in self.overlays and (title or description):
                # the title is on the frame already when the "title" overlay is on: the band tells the rest
                heading = "" if "title" in self.overlays else title
                band = caption_band(p, (self.w, self.h), self.unit, self.theme, heading, description)
                bottom = min(bottom, band - margin * 0.5)
            if "title" in self.overlays and title:
                self._text_block(p, left, top, [(title, self.bold)], align_right=False)
            if "legend" in self.overlays and rows and legend_area is not None:
                self._legend(
                    p,
                    rows,
                    legend_area.right() - margin,
                    legend_area.top() + margin * 0.5,
                    fit=legend_area.adjusted(margin * 0.5, margin * 0.5, -margin, -margin * 0.5),
                )
            elif "legend" in self.overlays and rows:
                self._legend(p, rows, area.right() - margin, top)
            if "step" in self.overlays:
                text = f"step {step:,} / {steps:,}"
                self._text_block(p, left, bottom, [(text, self.mono)], align_right=False, bottom=True)
                bottom -= QFontMetricsF(self.mono).height() + self.unit * 1.5
            if "step_caption" in self.overlays and step_caption:
                lines = [(step_caption[0], self.caption_bold)]
                lines += [(text, self.caption_font) for text in step_caption[1:]]
                self._text_block(p, left, bottom, lines, align_right=False, bottom=True, right=area.right())
        finally:
            p.end()

    def _text_block(self, p, x, y, lines, *, align_right, bottom=False, right=None) -> None:
        pad = self.unit * 0.5
        metrics = [QFontMetricsF(font) for _, font in lines]
        width = max(m.horizontalAdvance(t) for (t, _), m in zip(lines, metrics, strict=True))
        limit = (self.w if right is None else right) - x - 2 * pad - (x if right is None else self.unit)
        width = min(width, limit)
        height = sum(m.height() for m in metrics)
        left = x - width - 2 * pad if align_right else x
        top = y - height - 2 * pad if bottom else y
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.panel)
        p.drawRoundedRect(QRectF(left, top, width + 2 * pad, height + 2 * pad), pad, pad)
        p.setPen(self.fg)
        cy = top + pad
        for (text, font), m in zip(lines, metrics, strict=True):
            p.setFont(font)
            elided = m.elidedText(text, Qt.TextElideMode.ElideRight, width)
            p.drawText(QRectF(left + pad, cy, width, m.height()), Qt.AlignmentFlag.AlignLeft, elided)
            cy += m.height()

    def _legend(self, p, rows: list[LegendRow], right: float, top: float, fit: QRectF | None = None) -> None:
        show_loss = "loss" in self.overlays
        m_body, m_mono = QFontMetricsF(self.body), QFontMetricsF(self.mono)
        pad, swatch = self.unit * 0.5, self.unit * 0.9
        line_h = max(m_body.height(), m_mono.height()) * 1.1
        name_w = max(m_body.horizontalAdvance(r.text) for r in rows)
        name_w = min(name_w, self.w * 0.3)
        loss_w = max(
            (m_mono.horizontalAdvance(loss_text(r.loss)) for r in rows if r.loss is not None), default=0
        )
        gap = self.unit * 0.8
        width = swatch + gap * 0.6 + name_w + ((gap + loss_w) if show_loss and loss_w else 0)
        height = line_h * len(rows) + (line_h if show_loss and loss_w else 0)
        if fit is not None:  # shrunk about its top-right corner to fit, never grown
            k = min(1.0, fit.width() / (width + 2 * pad), fit.height() / (height + 2 * pad))
            p.save()
            p.translate(right, top)
            p.scale(k, k)
            p.translate(-right, -top)
            try:
                self._legend(p, rows, right, top)
            finally:
                p.restore()
            return
        left = right - width - 2 * pad
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.panel)
        p.drawRoundedRect(QRectF(left, top, width + 2 * pad, height + 2 * pad), pad, pad)
        y = top + pad
        if show_loss and loss_w:
            p.setPen(self.fg)
            p.setFont(self.body)
            head = QRectF(left + pad, y, width, line_h)
            p.drawText(head, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "loss")
            y += line_h
        for r in rows:
            color = QColor(*r.color)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            cy = y + line_h / 2
            if r.symbol:
                p.setPen(color)
                p.setFont(self.bold)
                box = QRectF(left + pad - swatch * 0.3, y, swatch * 1.6, line_h)
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, r.symbol)
            else:
                p.drawEllipse(QRectF(left + pad, cy - swatch / 2, swatch, swatch))
            if r.highlight:
                p.setBrush(Qt.BrushStyle.NoBrush)
                ring = QColor(self.fg)
                p.setPen(ring)
                p.drawEllipse(QRectF(left + pad - 2, cy - swatch / 2 - 2, swatch + 4, swatch + 4))
            font = QFont(self.body)
            font.setBold(r.highlight)
            p.setFont(font)
            p.setPen(self.fg)
            x = left + pad + swatch + gap * 0.6
            text = QFontMetricsF(font).elidedText(r.text, Qt.TextElideMode.ElideRight, name_w)
            p.drawText(QRectF(x, y, name_w + gap, line_h), Qt.AlignmentFlag.AlignVCenter, text)
            if show_loss and r.loss is not None:
                p.setFont(self.mono)
                box = QRectF(left + pad, y, width, line_h)
                p.drawText(
                    box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, loss_text(r.loss)
                )
            y += line_h
