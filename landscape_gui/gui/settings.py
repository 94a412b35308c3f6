"""Where the window keeps what it remembers between runs, and how to forget it.

QSettings in Qt's native format: on Linux ``$XDG_CONFIG_HOME/landscape-gui/landscape-gui.conf`` (by default
``~/.config/landscape-gui/landscape-gui.conf``), on macOS a plist in ``~/Library/Preferences``, on Windows the
registry under ``HKEY_CURRENT_USER\\Software\\landscape-gui``. It holds the window geometry and dock layout,
the camera, the last session (landscape, start points, optimizers, view) and the recent scenario files.
With nothing saved the app starts as on its first run (:data:`FIRST_RUN_PRESET`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = APPLICATION = "landscape-gui"
#: The lecture preset a first run opens on: the lecture's main point, local vs global minimum.
FIRST_RUN_PRESET = "local-vs-global"
FIRST_RUN_HINT = "Click the surface or the map to place start points, tick optimizers on the left, then press Space to run."


def open_settings() -> QSettings:
    """The user's settings (see the module docstring for where they live)."""
    return QSettings(ORGANIZATION, APPLICATION)


def settings_path() -> str:
    """The settings file (or, on Windows, registry key) in use."""
    return open_settings().fileName()


def is_first_run(settings: QSettings) -> bool:
    """True when no previous session was saved."""
    return not settings.contains("controller")


def reset_settings() -> str | None:
    """Forget everything saved; returns the file removed, or ``None`` when nothing was saved."""
    s = open_settings()
    path = s.fileName()
    existed = Path(path).is_file() or bool(s.allKeys())
    s.clear()
    s.sync()
    if Path(path).is_file():
        Path(path).unlink()
    return path if existed else None
