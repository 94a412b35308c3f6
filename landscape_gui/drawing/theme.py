"""Dark (default) and light (for projectors) themes, defined once for every view: the window (Fusion style, a
palette, a few style rules), the 2-D plots, the 3D scene, and the panels drawn over the 3D view and the
exported frames."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEMES: dict[str, dict[str, Any]] = {  # colours: "#rrggbb" text or byte/float tuples
    "dark": {
        "window": "#1f2228", "base": "#16181d", "alt": "#23262d", "text": "#dfe2e8", "button": "#2a2e36",
        "highlight": "#2f6ac8", "hint": "#9aa1ad", "error": "#ff6b6b", "ok": "#5fd38d", "plot_bg": "#16181d",
        "plot_fg": "#c8ccd4", "scene_bg": (22, 24, 29), "scene_axis": (0.75, 0.77, 0.82, 1.0),
        "panel": (10, 11, 14, 150), "band": (14, 15, 19),
    },
    "light": {
        "window": "#f3f4f6", "base": "#ffffff", "alt": "#eef0f3", "text": "#15171a", "button": "#e6e8ec",
        "highlight": "#2563c9", "hint": "#555b66", "error": "#c62828", "ok": "#176b32", "plot_bg": "#ffffff",
        "plot_fg": "#2a2d33", "scene_bg": (255, 255, 255), "scene_axis": (0.25, 0.25, 0.3, 1.0),
        "panel": (255, 255, 255, 185), "band": (250, 250, 247),
    },
}  # fmt: skip


def text_rgb(name: str) -> tuple[int, int, int]:
    """The theme's text colour as bytes (labels in the 3D scene, text over the 3D view and the frames)."""
    h = THEMES[name]["text"].lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def apply_theme(app: QApplication, name: str) -> dict[str, Any]:
    """Style, palette, style sheet, font and pyqtgraph colours of theme ``name`` for the whole application.

    Applying the theme the application already has does nothing (re-polishing every widget is not free).
    """
    t = THEMES[name]
    if app.property("landscape_theme") == name:
        return t
    app.setStyle("Fusion")
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: t["window"], QPalette.ColorRole.WindowText: t["text"],
        QPalette.ColorRole.Base: t["base"], QPalette.ColorRole.AlternateBase: t["alt"],
        QPalette.ColorRole.Text: t["text"], QPalette.ColorRole.Button: t["button"],
        QPalette.ColorRole.ButtonText: t["text"], QPalette.ColorRole.Highlight: t["highlight"],
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: t["alt"],
        QPalette.ColorRole.ToolTipText: t["text"], QPalette.ColorRole.PlaceholderText: t["hint"],
    }  # fmt: skip
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(t["hint"]))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(t["hint"]))
    app.setPalette(pal)
    app.setStyleSheet(
        f"QLabel#hint {{ color: {t['hint']}; }} QLabel#error {{ color: {t['error']}; }}"
        f" QLabel#ok {{ color: {t['ok']}; }}"
        " QGroupBox { font-weight: 600; margin-top: 14px; padding-top: 4px; }"
        " QGroupBox::title { subcontrol-origin: margin; left: 6px; }"
        " QDockWidget::title { padding: 4px; font-weight: 600; }"
        f" QFrame#lesson {{ background: {t['alt']}; border-bottom: 1px solid {t['button']}; }}"
    )
    font = QFont(app.font())
    font.setPointSize(max(10, font.pointSize()))
    app.setFont(font)
    pg.setConfigOptions(background=t["plot_bg"], foreground=t["plot_fg"], antialias=True)
    app.setProperty("landscape_theme", name)
    return t


def style_plot(widget, name: str) -> None:
    """Re-colour an existing pyqtgraph PlotWidget for a theme switch."""
    t = THEMES[name]
    widget.setBackground(t["plot_bg"])
    item = widget.getPlotItem()
    for axis in ("left", "bottom"):
        ax = item.getAxis(axis)
        ax.setPen(t["plot_fg"])
        ax.setTextPen(t["plot_fg"])
        if ax.labelText:  # the axis title keeps the colour it was given when set: give it the theme's
            ax.setLabel(ax.labelText, units=ax.labelUnits, **{**ax.labelStyle, "color": t["plot_fg"]})
    if item.legend is not None:
        item.legend.setLabelTextColor(t["plot_fg"])
        item.legend.setBrush(
            pg.mkBrush(QColor(t["base"]).red(), QColor(t["base"]).green(), QColor(t["base"]).blue(), 200)
        )
