"""m̂ and v̂ keep their hats in the window's text (issue 24: the adam lesson drew them a line higher, over the
previous line's words, or not at all)."""

import numpy as np


def ink(label) -> int:
    from PySide6.QtWidgets import QApplication

    label.adjustSize()
    label.show()
    QApplication.processEvents()
    image = label.grab().toImage()
    pixels = np.array(
        [[image.pixelColor(x, y).lightness() for x in range(image.width())] for y in range(image.height())]
    )
    label.close()
    return int((pixels < 128).sum())


def test_a_letter_with_a_hat_is_drawn_with_its_hat():
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QLabel

    from landscape_gui.drawing.qt_app import ensure_app
    from landscape_gui.drawing.rich_text import marks_html
    from landscape_gui.gui.lesson_panel import LessonPanel

    ensure_app()
    font = QFont("DejaVu Sans")
    font.setPointSize(24)

    def label(text):
        q = QLabel(text)
        q.setTextFormat(Qt.TextFormat.RichText)
        q.setStyleSheet("background: white; color: black")
        q.setFont(font)
        return q

    bare = ink(label(marks_html("m\u0302").replace("m\u0302", "m")))  # the same face, no hat
    hatted = ink(label(marks_html("m\u0302")))
    assert hatted > bare * 1.05, (bare, hatted)  # the hat is there, on its letter's line
    panel = LessonPanel()
    panel.set_lesson("t", "mean m\u0302 by \u221av\u0302")
    assert panel.body.text() == marks_html("mean m\u0302 by \u221av\u0302")
