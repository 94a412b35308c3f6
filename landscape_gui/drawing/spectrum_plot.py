"""The network's Hessian spectrum: every eigenvalue of the full Hessian at θ*, ascending, one dot per
parameter, the largest two (the plane of ``mlp_slice_eigen``) ringed, and a line of numbers above."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

TIP = (
    "Every eigenvalue of the network's full Hessian at the trained θ* (one per parameter), ascending.<br>"
    "Most are near 0: the loss is flat along most directions; a few are large: the sharp directions that "
    "bound the learning rate (full-batch gradient descent is stable at θ* only below 2/λmax).<br>"
    "Ringed: the two largest, whose eigenvectors span the plane of mlp_slice_eigen."
)


class SpectrumPlot(pg.PlotWidget):
    """See the module docstring."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip(TIP)
        self.setLabel("left", "λ")
        self.setLabel("bottom", "eigenvalue index (ascending)")
        self.showGrid(x=True, y=True, alpha=0.15)
        self.dots = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(80, 160, 255))
        self.top = pg.ScatterPlotItem(size=11, pen=pg.mkPen(255, 170, 0, width=2), brush=None)
        self.zero = pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen(128, 128, 128, width=1))
        for item in (self.zero, self.dots, self.top):
            self.addItem(item)

    def show_spectrum(self, eigenvalues, title: str) -> None:
        """Draw ``eigenvalues`` (ascending) under ``title``."""
        ev = np.asarray(eigenvalues, dtype=np.float64)
        index = np.arange(len(ev), dtype=np.float64)
        self.dots.setData(index, ev)
        self.top.setData(index[-2:], ev[-2:])
        self.setTitle(title, size="9pt")
