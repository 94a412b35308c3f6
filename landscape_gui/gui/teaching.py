"""Inside one update, in the window: glyphs on the balls, the step-by-step caption, the lr in force.

- View → Glyphs on the balls: arrows along −∇J, the velocity buffer and the step taken, and boxes whose
  half-widths are each axis's effective step size, in the 3D view and on the map, their scales in the legend
  (:mod:`landscape_gui.drawing.glyph_geometry`). The vectors are the core's (:func:`core.glyphs.glyphs`),
  computed by the worker only while some glyph is shown.
- View → Step captions (C): a panel over the 3D view with the last update of the selected run (a row of the
  runs table; the first run when none is selected) in its optimizer's formulas, with the numbers
  (:func:`core.captions.step_caption`). Press Step (→) and read it.
- The lr each optimizer's schedule puts in force, under its lr slider, and as a curve in the plots dock.

``install(win)`` adds the actions and views; the main window calls :meth:`TeachingViews.view_changed`,
:meth:`restart` and :meth:`frame`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QToolBar

from landscape_gui.core.scenario.model import GLYPHS
from landscape_gui.drawing.glyph_geometry import STYLE, color_of, glyph_sets
from landscape_gui.drawing.glyph_layers import GlyphLayer3D, GlyphLayerMap
from landscape_gui.drawing.palette import optimizer_color
from landscape_gui.drawing.scene import THEMES as SCENE_THEMES
from landscape_gui.drawing.theme import THEMES

GLYPH_TEXT = {
    "gradient": "Arrows: −gradient",
    "velocity": "Arrows: velocity (momentum buffer)",
    "step": "Arrows: step taken",
    "effective_lr": "Boxes: effective step size per axis",
}
CAPTION_POINT_SIZE = 13


class StepCaptionPanel(QLabel):
    """The caption of one update, monospace and large, on a translucent panel in the 3D view's lower left."""

    MARGIN = 10

    def __init__(self, view):
        super().__init__(view)
        self.setObjectName("step_caption")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.lines: list[str] = []  # the caption's plain lines, as shown
        self.hide()
        view.installEventFilter(self)

    def show_caption(self, title: str, lines: list[str], hint: str, theme: str) -> None:
        r, g, b = SCENE_THEMES[theme]["background"]
        self.setStyleSheet(
            f"QLabel#step_caption {{ background: rgba({r}, {g}, {b}, 205); color: {THEMES[theme]['text']};"
            " border-radius: 6px; padding: 6px 10px; }"
        )
        self.lines = list(lines)
        body = "<br>".join(html.escape(line) for line in lines)
        self.setText(
            f'<div style=\'font-family:"DejaVu Sans Mono", monospace; font-size:{CAPTION_POINT_SIZE}pt;'
            f" white-space:pre'>{title}<br>{body}</div>"
            f"<div style='font-size:9pt; opacity:0.8'>{html.escape(hint)}</div>"
        )
        self.adjustSize()
        self._place()
        self.show()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        view = self.parentWidget()
        self.move(self.MARGIN, max(self.MARGIN, view.height() - self.height() - self.MARGIN))


class TeachingViews(QObject):
    """The glyph, caption and learning-rate views of one main window (see the module docstring)."""

    def __init__(self, win):
        super().__init__(win)
        self.win = win
        self.layer3d = GlyphLayer3D(win.scene3d)
        self.layer_map = GlyphLayerMap(win.map)
        self.caption_panel = StepCaptionPanel(win.surface)
        self.sets: dict = {}
        self.legend: list[tuple[tuple, str, str]] = []  # (colour, symbol, text) of the glyphs drawn
        self._detail = (False, None)
        self.acts: dict[str, QAction] = {}
        self._build_actions()
        win.table.itemSelectionChanged.connect(self._request_detail)

    # -- actions ----------------------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        win, c = self.win, self.win.controller
        view_menu = next(
            (a.menu() for a in win.menuBar().actions() if a.text().replace("&", "") == "View" and a.menu()),
            None,
        )
        view_menu = view_menu or win.menuBar().addMenu("&View")
        view_menu.addSeparator()
        sub = view_menu.addMenu("Glyphs on the balls")
        for kind in GLYPHS:
            a = QAction(GLYPH_TEXT[kind], win, checkable=True)
            a.setStatusTip(f"Draw {STYLE[kind][2]} on every ball, in 3D and on the map (scale in the legend)")
            a.toggled.connect(lambda on, k=kind: self._toggle_glyph(k, on))
            sub.addAction(a)
            self.acts[f"glyph_{kind}"] = a
        cap = QAction("Step captions", win, checkable=True)
        cap.setShortcut(QKeySequence("C"))
        cap.setToolTip("Step captions (C): each Step shows the selected run's update with its numbers")
        cap.setStatusTip("Show the last update of the selected run (runs table) in its optimizer's formulas")
        cap.toggled.connect(lambda on: c.set_view(step_caption=bool(on)))
        view_menu.addAction(cap)
        self.acts["step_caption"] = cap
        bar = win.findChild(QToolBar, "toolbar_run")
        if bar is not None:
            bar.insertAction(win.actions["reset"], cap)

    def _toggle_glyph(self, kind: str, on: bool) -> None:
        c = self.win.controller
        shown = [k for k in GLYPHS if (k == kind and on) or (k != kind and k in c.view.get("glyphs", ()))]
        c.set_view(glyphs=tuple(shown))

    # -- state → views ----------------------------------------------------------------------------------------
    def view_changed(self, view: dict) -> None:
        glyphs = tuple(view.get("glyphs", ()))
        for kind in GLYPHS:
            a = self.acts[f"glyph_{kind}"]
            a.blockSignals(True)
            a.setChecked(kind in glyphs)
            a.blockSignals(False)
        a = self.acts["step_caption"]
        a.blockSignals(True)
        a.setChecked(bool(view.get("step_caption")))
        a.blockSignals(False)
        if not view.get("step_caption"):
            self.caption_panel.hide()
        if not glyphs:
            self._draw_glyphs({})
        self._request_detail()
        if self.win.frame is not None:
            self.frame(self.win.frame, slow=True)

    def selected_run(self) -> int:
        row = self.win.table.currentRow()
        return row if row >= 0 else 0

    def _request_detail(self) -> None:
        view = self.win.controller.view
        detail = (bool(view.get("glyphs")), self.selected_run() if view.get("step_caption") else None)
        if detail != self._detail:
            self._detail = detail
            self.win.worker.detailRequested.emit(*detail)

    def restart(self) -> None:
        """The runs restart (new landscape, starts or optimizers): no glyphs until the next frame."""
        c = self.win.controller
        self._draw_glyphs({})
        self.caption_panel.hide()
        colors = [optimizer_color(g) for g in range(len(c.optimizers))]
        self.win.plots.set_lr_curves(colors, any(not s.is_constant for s in c.schedules))

    def schedule_changed(self, *_) -> None:
        self.win.plots.show_lr(any(not s.is_constant for s in self.win.controller.schedules))

    def frame(self, frame, slow: bool) -> None:
        """Draw a worker frame's glyphs, caption and learning rates (the plot only when ``slow``)."""
        win, view = self.win, self.win.controller.view
        kinds = tuple(view.get("glyphs", ()))
        if kinds and frame.glyphs is not None and len(frame.glyphs) == len(win.controller.optimizers):
            self._draw_glyphs(
                glyph_sets(frame.glyphs, frame.positions, kinds, win.controller.landscape.domain)
            )
        elif not kinds:
            self._draw_glyphs({})
        if view.get("step_caption"):
            self._show_caption(frame)
        win.panel.optimizer_panel.show_lrs(frame.lrs)
        if slow and win.plots.lr_plot.isVisible():
            win.plots.update_lr(frame.lr_history)

    def _draw_glyphs(self, sets: dict) -> None:
        theme = self.win.controller.view.get("theme", "dark")
        self.sets = sets
        self.layer3d.update(sets, theme)
        self.layer_map.update(sets, theme)
        buffers = [g.velocity_buffer for g in (getattr(self.win.frame, "glyphs", None) or [])]
        buffer = next((b for b in buffers if b), None)
        legend = [(color_of(k, theme), STYLE[k][1], s.legend(buffer)) for k, s in sets.items()]
        if legend != self.legend:
            self.legend = legend
            self.win._update_legends()

    def legend_html(self) -> str:
        """The glyphs' rows for the 3D view's legend (empty when none is drawn)."""
        return "<br>".join(
            f"<span style='color:rgb({r},{g},{b})'>{sym}</span> {html.escape(text)}"
            for (r, g, b), sym, text in self.legend
        )

    def _show_caption(self, frame) -> None:
        win = self.win
        run = self.selected_run()
        theme = win.controller.view.get("theme", "dark")
        runs = frame.runs
        if not 0 <= run < len(runs):
            self.caption_panel.hide()
            return
        r = runs[run]
        start = ", ".join(f"{c:.3g}" for c in r.start)
        red, green, blue, _ = optimizer_color(r.group)
        swatch = f"<span style='color:rgb({red},{green},{blue})'>●</span>"
        hint = "→: next step · select another run in the Runs table · C: hide"
        if frame.caption is None or frame.caption_run != run:
            title = f"{swatch} <b>run {run + 1}</b> from ({html.escape(start)})"
            lines = ["no step yet: press Step (→) to see its first update in numbers"]
        else:
            cap = frame.caption
            title = f"{swatch} <b>{html.escape(cap.title)}</b> · run {run + 1} from ({html.escape(start)})"
            lines = cap.text_lines(digits=4)[1:]
        self.caption_panel.show_caption(title, lines, hint, theme)


def install(win) -> TeachingViews:
    """Add the glyph and caption actions and views to ``win`` (see the module docstring)."""
    win.teaching = TeachingViews(win)
    return win.teaching
