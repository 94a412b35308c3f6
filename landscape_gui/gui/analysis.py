"""Where runs end, in the window: the basins view, random restarts and the Hessian inspector, with their
actions (View → Basins of attraction (B), Inspect Hessian (I), Eigen-directions at critical points;
Run → Random restarts…) and toolbar toggles, and the scenario sections that open them ([basins], [restarts]).

``install(win)`` sets ``win.analysis`` (this :class:`Analysis`) and appends :meth:`Analysis.scenario_opened`
to ``win.scenario_opened``, which the scenario actions call after a scenario is applied.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from landscape_gui.gui.basins import BasinsView
from landscape_gui.gui.inspector import Inspector
from landscape_gui.gui.restarts import RestartsView


class Analysis:
    """The three instruments of one main window and their actions."""

    def __init__(self, win):
        self.win = win
        self.basins = BasinsView(win)
        self.restarts = RestartsView(win)
        self.inspector = Inspector(win)
        acts = win.actions

        def act(name, text, shortcut, tip, slot, checkable=True) -> QAction:
            a = QAction(text, win)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
            a.setStatusTip(tip)
            a.setCheckable(checkable)
            (a.toggled if checkable else a.triggered).connect(slot)
            acts[name] = a
            return a

        act("basins", "Basins of attraction", "B",
            "Colour the map (and the surface) by the critical point a run from each point ends at, for the "
            "chosen optimizer and its hyperparameters", self.basins.set_enabled)  # fmt: skip
        act("inspect", "Inspect Hessian", "I",
            "Hover over the map or the surface: J, ∇J, the Hessian, its eigenvalues and eigenvector directions "
            "(blue: curves up, red: curves down)", self.inspector.set_enabled)  # fmt: skip
        act("eigen_critical", "Eigen-directions at critical points", None,
            "Draw the Hessian's eigenvector directions at every critical point", self.inspector.set_at_critical)  # fmt: skip
        act("restarts", "Random restarts…", "Ctrl+R",
            "Replace the start points by N random ones over the domain and sum up where the runs end",
            lambda _=None: self.restarts.open_dialog(), checkable=False)  # fmt: skip

        view_menu = run_menu = None
        for a in win.menuBar().actions():
            name = a.text().replace("&", "")
            if a.menu() is not None and name == "View":
                view_menu = a.menu()
            elif a.menu() is not None and name == "Run":
                run_menu = a.menu()
        if view_menu is not None:
            first = next((a for a in view_menu.actions() if a.isSeparator()), None)
            for key in ("basins", "inspect", "eigen_critical"):
                view_menu.insertAction(first, acts[key])
        if run_menu is not None:
            run_menu.addSeparator()
            run_menu.addAction(acts["restarts"])
        bar = win.findChild(QToolBar, "toolbar_run")
        if bar is not None:
            bar.addSeparator()
            for key in ("basins", "inspect"):
                bar.addAction(acts[key])
        win.scenario_opened = [*getattr(win, "scenario_opened", []), self.scenario_opened]

    def scenario_opened(self, scenario) -> None:
        """A scenario was opened: its [basins] and [restarts] sections turn those on (their absence, off)."""
        b, r = scenario.basins, scenario.restarts
        if b is not None:
            self.basins.configure(grid=b.grid, tol=b.tol)
        self.basins.set_enabled(b is not None)
        if r is not None:
            self.restarts.start(r.n, scenario.seed, tol=r.tol, max_k=r.max_k)
        elif self.restarts.active is not None:
            self.restarts.stop()

    def scenario_sections(self) -> dict:
        """The [basins] and [restarts] sections of the window's session (None: off), for saving."""
        from landscape_gui.core.scenario.model import BasinSettings, RestartSettings

        a = self.restarts.active
        return {
            "basins": BasinSettings(self.basins.grid, self.basins.tol) if self.basins.enabled else None,
            "restarts": RestartSettings(a["n"], a["tol"], a["max_k"]) if a else None,
        }

    def shutdown(self) -> None:
        self.basins.shutdown()
        self.restarts.shutdown()


def install(win) -> Analysis:
    win.analysis = Analysis(win)
    return win.analysis
