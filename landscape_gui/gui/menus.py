"""The window's actions, menus and tool bar, built in one place: :class:`Actions` holds every action by name.

The view settings' toggles are generated from their declarations (label, help: :mod:`~landscape_gui.gui.setting_widgets`);
Help → Keyboard shortcuts lists the actions' own shortcuts, so the list cannot leave one out. Nothing here is
connected to the session: the main window connects the actions in one visible place.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QToolBar

from landscape_gui.core.scenario.declarations import setting_of
from landscape_gui.core.scenario.model import COLORMAPS, GLYPHS, THEMES, Scenario, ViewSettings
from landscape_gui.gui.setting_widgets import setting_action

#: The view settings with a checkable action each, in menu order (declared once in the core).
VIEW_TOGGLES = ("log_height", "contours", "critical_points", "trails", "step_caption", "batch_surface",
                "map_equal_aspect", "log_loss", "distance_plot")  # fmt: skip
GLYPH_TEXT = {
    "gradient": "Arrows: −gradient",
    "velocity": "Arrows: velocity (momentum buffer)",
    "step": "Arrows: step taken",
    "effective_lr": "Boxes: effective step size per axis",
}
THEME_TEXT = {"dark": "Dark theme", "light": "Light theme (projectors)"}
#: The words on the tool bar's buttons, where the menu's are long.
TOOL_WORDS = {"step_caption": "Captions", "clear": "Clear", "camera": "Camera", "basins": "Basins",
              "inspect": "Inspect", "stage": "Stage", "critical_points": "Markers"}  # fmt: skip
#: What the mouse does (the keys come from the actions and the menus themselves).
MOUSE = (
    ("Left click (map)", "Add a start point exactly there"),
    ("Left click (3D)", "Add a start point where the ray meets the surface"),
    ("Drag / wheel (3D)", "Orbit / zoom the camera; Ctrl+drag pans"),
)


class Actions:
    """Every action of the window by name (``acts["play"]``); see the module docstring."""

    def __init__(self, win: QMainWindow):
        self.win = win
        self.acts: dict[str, QAction] = {}
        self._build()

    def __getitem__(self, name: str) -> QAction:
        return self.acts[name]

    def get(self, name: str) -> QAction | None:
        return self.acts.get(name)

    def add(self, name, text, tip, shortcut=None, *, checkable=False, shortcuts=()) -> QAction:
        a = QAction(text, self.win)
        keys = [QKeySequence(s) for s in ((shortcut,) if shortcut else ()) + tuple(shortcuts)]
        if keys:
            a.setShortcuts(keys)
        a.setToolTip(f"{tip} ({keys[0].toString()})" if keys else tip)
        a.setStatusTip(tip)
        a.setCheckable(checkable)
        self.acts[name] = a
        return a

    def _build(self) -> None:
        add = self.add
        add("open", "Open scenario…", "Open a scenario file (.toml)", "Ctrl+O")
        add("save", "Save scenario", "Save the session to its scenario file", "Ctrl+S")
        add("save_as", "Save scenario as…", "Save the session to a new scenario file", "Ctrl+Shift+S")
        add("export_anim", "Export animation…", "MP4, GIF, WebM or PNG frames of this scenario", "Ctrl+E")
        add("export_image", "Export image…", "A PNG of the current view at any resolution", "Ctrl+Shift+E")
        add("quit", "Quit", "Quit Landscape GUI", "Ctrl+Q")
        add("play", "Play", "Play or pause the runs", "Space", checkable=True)
        add("step", "Step", "Advance every run by one step", "Right")
        add("reset", "Reset", "Put every run back at its start point", "R")
        add("clear", "Clear start points", "Remove every start point", "Delete")
        add("restarts", "Random restarts…",
            "Replace the start points by N random ones over the domain and sum up where the runs end", "Ctrl+R")  # fmt: skip
        for name in VIEW_TOGGLES:
            a = setting_action(setting_of(ViewSettings, name), self.win)
            self.acts[name] = a
        self.acts["step_caption"].setShortcut(QKeySequence("C"))
        self.acts["highlight_best"] = setting_action(setting_of(Scenario, "highlight_best"), self.win)
        for kind in GLYPHS:
            add(f"glyph_{kind}", GLYPH_TEXT[kind],
                "Draw glyphs on every ball, in 3D and on the map (their scale in the legend)", checkable=True)  # fmt: skip
        for name in COLORMAPS:
            add(f"cmap_{name}", name, f"Colour the heights with {name}", checkable=True)
        for name in THEMES:
            add(f"theme_{name}", THEME_TEXT[name], setting_of(ViewSettings, "theme").help, checkable=True)
        add("basins", "Basins of attraction",
            "Colour the map (and the surface) by the critical point a run from each point ends at, for the "
            "chosen optimizer and its hyperparameters", "B", checkable=True)  # fmt: skip
        add("inspect", "Inspect Hessian",
            "Hover over the map or the surface: J, ∇J, the Hessian, its eigenvalues and eigenvector directions "
            "(blue: curves up, red: curves down)", "I", checkable=True)  # fmt: skip
        add("eigen_critical", "Eigen-directions at critical points",
            "Draw the Hessian's eigenvector directions at every critical point", checkable=True)  # fmt: skip
        add("presentation", "Presentation mode", "Large text, thick lines and big balls for a projector",
            "F5", checkable=True, shortcuts=("Ctrl+Shift+P",))  # fmt: skip
        add("stage", "Stage layout",
            "Give the room to the 3D view and the map: the controls, runs and plots fold away (again: back)",
            "F6", checkable=True)  # fmt: skip
        add("camera", "Reset camera", "Back to the default 3D view", "Home")
        add("fullscreen", "Full screen", "Toggle full screen", "F11", checkable=True)
        add("shortcuts", "Keyboard shortcuts", "Every key and what it does")
        add("reset_settings", "&Reset to first-run state…",
            "Forget the saved layout, last session and recent files, and open the first-run demo")  # fmt: skip
        add("about", "About", "About Landscape GUI")
        for group in (COLORMAPS, THEMES):
            exclusive = QActionGroup(self.win)
            for name in group:
                exclusive.addAction(self.acts[f"cmap_{name}" if group is COLORMAPS else f"theme_{name}"])

    # -- menus --------------------------------------------------------------------------------------------
    def build_menus(self, docks, presentation_scales) -> dict[str, QMenu]:
        """The menu bar and the tool bar; ``docks`` (title order) get a show/hide entry in View."""
        a, bar = self.acts, self.win.menuBar()
        menus = {}
        m = menus["file"] = bar.addMenu("&File")
        for key in ("open", "save", "save_as"):
            m.addAction(a[key])
        menus["recent"] = m.addMenu("Recent scenarios")
        m.addSeparator()
        m.addAction(a["export_anim"])
        m.addAction(a["export_image"])
        m.addSeparator()
        m.addAction(a["quit"])
        m = menus["run"] = bar.addMenu("&Run")
        for key in ("play", "step", "reset", "clear"):
            m.addAction(a[key])
        m.addSeparator()
        m.addAction(a["restarts"])
        m = menus["view"] = bar.addMenu("&View")
        cmaps = m.addMenu("Colormap")
        for name in COLORMAPS:
            cmaps.addAction(a[f"cmap_{name}"])
        for key in ("log_height", "contours", "critical_points", "trails", "highlight_best"):
            m.addAction(a[key])
        m.addSeparator()
        for key in ("basins", "inspect", "eigen_critical"):
            m.addAction(a[key])
        glyphs = m.addMenu("Glyphs on the balls")
        for kind in GLYPHS:
            glyphs.addAction(a[f"glyph_{kind}"])
        m.addAction(a["step_caption"])
        m.addAction(a["batch_surface"])
        plots = m.addMenu("Plots and map")
        for key in ("log_loss", "distance_plot", "map_equal_aspect"):
            plots.addAction(a[key])
        m.addSeparator()
        m.addAction(a["stage"])
        m.addAction(a["presentation"])
        scales = m.addMenu("Presentation scale")
        group = QActionGroup(self.win)
        for scale in presentation_scales:
            s = self.add(f"presentation_{round(scale * 100)}", f"{round(scale * 100)} %",
                         "Text and lines in presentation mode", checkable=True)  # fmt: skip
            group.addAction(s)
            scales.addAction(s)
        for name in THEMES:
            m.addAction(a[f"theme_{name}"])
        m.addSeparator()
        for dock in docks:
            m.addAction(dock.toggleViewAction())
        m.addAction(a["camera"])
        m.addAction(a["fullscreen"])
        menus["presets"] = bar.addMenu("&Lecture presets")
        m = menus["help"] = bar.addMenu("&Help")
        m.addAction(a["shortcuts"])
        m.addAction(a["about"])
        m.addSeparator()
        m.addAction(a["reset_settings"])
        # short words on the buttons (the menus say it in full): at 150 % (presentation) one row of the old words
        # no longer fitted 1280 pixels and Qt hid Basins and Inspect Hessian; the view's toggles have a row of
        # their own, which the stage layout folds away with the docks
        for key, word in TOOL_WORDS.items():
            a[key].setIconText(word)
        tools = QToolBar("Run", self.win)
        tools.setObjectName("toolbar_run")
        self.win.addToolBar(tools)
        for key in ("play", "step", "step_caption", "reset", "clear", "camera", "basins", "inspect", "stage"):
            tools.addAction(a[key])
        view = QToolBar("View", self.win)
        view.setObjectName("toolbar_view")
        self.win.addToolBar(view)
        for key in ("log_height", "contours", "critical_points", "trails"):
            view.addAction(a[key])
        self.toolbars = (tools, view)
        return menus

    def sync_view(self, scenario: Scenario, log_height: bool, batch_surface: bool) -> None:
        """Tick the view's actions as the session has them (``log_height``, ``batch_surface``: in effect; the
        basins: on when the session has a ``[basins]`` section, e.g. from a preset)."""
        view = scenario.view
        values = {name: getattr(view, name) for name in VIEW_TOGGLES}
        values.update(
            log_height=log_height, batch_surface=batch_surface, highlight_best=scenario.highlight_best,
            basins=scenario.basins is not None,
        )  # fmt: skip
        values.update({f"glyph_{k}": k in view.glyphs for k in GLYPHS})
        values.update({f"cmap_{c}": c == view.colormap for c in COLORMAPS})
        for name, value in values.items():
            _check(self.acts[name], bool(value))

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """Every action with a shortcut (key, what it does), the menus' Alt keys, then the mouse."""
        rows = []
        for a in self.acts.values():
            keys = " or ".join(k.toString() for k in a.shortcuts())
            if keys:
                rows.append((keys, a.statusTip() or a.text().replace("&", "")))
        for menu in self.win.menuBar().actions():
            title = menu.text()
            if "&" in title[:-1]:
                rows.append(
                    (f"Alt+{title[title.index('&') + 1].upper()}", f"Open the {title.replace('&', '')} menu")
                )
        return rows + list(MOUSE)

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in self.shortcut_rows()
        )
        QMessageBox.information(self.win, "Keyboard shortcuts", f"<table>{rows}</table>")

    def show_about(self) -> None:
        QMessageBox.about(
            self.win,
            "About Landscape GUI",
            "<b>Landscape GUI</b><br>See why gradient descent gets stuck: cost landscapes with minima, saddles "
            "and plateaus, and optimizers racing across them in real time.<br><br>Qt (PySide6), pyqtgraph, "
            "numpy, sympy.",
        )


def _check(action: QAction, on: bool) -> None:
    """Tick an action without triggering what it does."""
    if action.isChecked() != on:
        action.blockSignals(True)
        action.setChecked(on)
        action.blockSignals(False)
