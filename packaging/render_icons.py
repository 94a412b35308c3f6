#!/usr/bin/env python3
"""Render landscape_gui/resources/icons/landscape-gui.svg to the PNG sizes desktops ask for (16 … 512 px).

The PNGs are committed (a freedesktop icon theme, Windows and macOS bundlers want bitmaps); run this after
editing the SVG, from the app's environment (Qt's own SVG renderer, in PySide6-Essentials):

    .venv/bin/python packaging/render_icons.py

They land in ``landscape_gui/resources/icons/hicolor/SIZExSIZE/apps/landscape-gui.png``, the layout of the
hicolor icon theme, so ``cp -r landscape_gui/resources/icons/hicolor ~/.local/share/icons/`` installs them. ``tests/test_packaging.py``
renders the SVG again and fails if a committed PNG no longer matches it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "landscape_gui" / "resources" / "icons"
SVG = ICONS / "landscape-gui.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / "landscape-gui.png"


def render(size: int):
    """The SVG drawn on a transparent size×size QImage (ARGB32, premultiplied)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:  # QPainter on a QImage needs no display, but fonts want an app
        QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    for size in SIZES:
        out = png_path(size)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(out), "PNG"):
            print(f"cannot write {out}", file=sys.stderr)
            return 1
        print(f"wrote {out.relative_to(ICONS.parents[2])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
