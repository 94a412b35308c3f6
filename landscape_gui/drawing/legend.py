"""A frame's legend rows (:class:`~landscape_gui.core.frames.presenter.LegendRow`) as rich text, for the window's
3D legend panel and the map's tooltip; the exporter paints the same rows (:mod:`~landscape_gui.drawing.overlays`).

>>> from landscape_gui.core.frames.presenter import LegendRow
>>> legend_html([LegendRow((230, 159, 0, 255), "GD (lr 0.1)", 0.25)], "dark")
"<table cellspacing='0' cellpadding='1'><tr><td><span style='color:rgb(230,159,0)'>●</span></td><td>GD (lr 0.1)</td><td align='right'>&nbsp;&nbsp;0.25</td></tr></table>"
"""

from __future__ import annotations

import html

from landscape_gui.core.frames.presenter import loss_text


def legend_html(rows, theme: str) -> str:
    """One table row per legend row: the swatch (or symbol) in the row's colour, the text, the loss."""
    out = []
    for r in rows:
        red, green, blue, alpha = r.color
        mark = r.symbol or "●"
        swatch = (
            "" if alpha == 0 else f"<span style='color:rgb({red},{green},{blue})'>{html.escape(mark)}</span>"
        )
        text = html.escape(r.text)
        text = f"<b>{text}</b>" if r.highlight else text
        loss = f"&nbsp;&nbsp;{loss_text(r.loss)}" if r.loss is not None else ""
        out.append(f"<tr><td>{swatch}</td><td>{text}</td><td align='right'>{loss}</td></tr>")
    return f"<table cellspacing='0' cellpadding='1'>{''.join(out)}</table>" if out else ""
