"""The critical points of the landscape the window shows, searched in the background.

The search starts once the landscape's first frame is drawn (:meth:`CriticalSearch.frame_drawn`), so that it does
not compete with building and showing the window; a timer starts it anyway when no frame comes. For a data
landscape it runs in the surface child (its search costs seconds of interpreter time that would stall the
painting). A new landscape cancels the search in flight: its points are never drawn on another landscape.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from landscape_gui.core.analysis.critical import critical_points, remember_critical_points
from landscape_gui.core.data.surface_process import can_compute
from landscape_gui.gui.jobs import Cancelled, Job

#: When no frame of a new landscape comes (paused, or nothing to run), the search starts after this long.
START_ANYWAY_MS = 1000


def _critical(landscape, process, *, cancelled, progress):
    """``(landscape, critical points)``: in the surface child for a data landscape, else here."""
    if process.available and can_compute(landscape.id):
        try:
            points = process.critical_points(landscape.id, landscape.domain)
            remember_critical_points(landscape, points)  # the runs' statuses use them too
            return landscape, points
        except RuntimeError:
            if cancelled():
                raise Cancelled from None  # the child was closed with the window: nothing to search here
            # no child: searched here
    return landscape, critical_points(landscape)


class CriticalSearch(QObject):
    """The search (see the module docstring); ``found`` when the points of the landscape shown are in."""

    found = Signal()

    def __init__(self, process, parent=None):
        super().__init__(parent)
        self.process = process  # the surface child (DataViews.process)
        self.points: list = []  # the points of the landscape shown (none until found)
        self.landscape = None  # the landscape they are searched for
        self._pending = None
        self.job = Job("critical points", self)
        self.job.finished.connect(self._found)
        self._timer = QTimer(self, singleShot=True, interval=START_ANYWAY_MS)
        self._timer.timeout.connect(self._request)

    def restart(self, landscape) -> None:
        """Search ``landscape``'s points (the old ones are dropped now)."""
        self.points, self.landscape = [], landscape
        self.job.cancel()
        self._pending = landscape
        self._timer.start()

    def frame_drawn(self) -> None:
        """A frame is on screen: a pending search starts after it is painted."""
        if self._pending is not None:
            QTimer.singleShot(0, self._request)

    @property
    def busy(self) -> bool:
        return self._pending is not None or self.job.running

    def _request(self) -> None:
        if self._pending is None:
            return
        landscape, self._pending = self._pending, None
        self._timer.stop()
        self.job.request(_critical, landscape, self.process)

    def _found(self, result) -> None:
        landscape, points = result
        if landscape is not self.landscape:
            return
        self.points = list(points)
        self.found.emit()

    def shutdown(self) -> None:
        self._pending = None
        self._timer.stop()
        self.job.shutdown()
