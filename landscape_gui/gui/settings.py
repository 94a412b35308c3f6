"""What the window remembers between runs, where, and how to forget it.

QSettings in Qt's native format: on Linux ``$XDG_CONFIG_HOME/landscape-gui/landscape-gui.conf`` (by default
``~/.config/landscape-gui/landscape-gui.conf``), on macOS a plist in ``~/Library/Preferences``, on Windows the
registry under ``HKEY_CURRENT_USER\\Software\\landscape-gui``. It holds the window geometry and dock layout,
the recent scenario files, and the last session **as a scenario document** (the TOML a File → Save writes):
restoring it goes through the same reader and declarations as opening a file, so a saved value out of range,
a colormap that is not one, a camera at infinity or a hand-edited text is refused with a message and the
session starts afresh (nothing saved is trusted). The file itself is read only when it is a regular file of at
most :data:`MAX_SETTINGS_BYTES` (a FIFO there would hang every start, a link to ``/dev/zero`` fill the memory):
anything else is removed (a link, never its target) and the app starts afresh, saying why
(:func:`take_discarded`). With nothing saved the app starts as on its first run (:data:`FIRST_RUN_PRESET`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from landscape_gui.core.scenario.files import MAX_FILE_BYTES, ScenarioError, dumps_scenario, loads_scenario
from landscape_gui.core.scenario.model import Scenario

ORGANIZATION = APPLICATION = "landscape-gui"
#: The lecture preset a first run opens on: the lecture's main point, local vs global minimum.
FIRST_RUN_PRESET = "local-vs-global"
FIRST_RUN_HINT = "Click the surface or the map to place start points, tick optimizers on the left, then press Space to run."
#: Keys of the settings file.
SESSION, GEOMETRY, LAYOUT = "session", "geometry", "windowState"
#: What earlier versions kept (a dict of the window's state): forgotten when seen.
OLD_KEYS = ("controller", "camera")
#: Largest settings file read: the session (a scenario document, at most MAX_FILE_BYTES), the layout and the
#: recent files take far less than this.
MAX_SETTINGS_BYTES = 4 * MAX_FILE_BYTES
_discarded: list[str] = []


def _settings_file() -> Path | None:
    """The settings file :func:`open_settings` reads, found without reading it; None where the settings are
    not a file (the Windows registry, a macOS plist)."""
    probe = QSettings(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, ORGANIZATION, f"{APPLICATION}-probe"
    )
    name = probe.fileName()  # a file nobody writes: constructing it reads nothing of ours
    return Path(name).with_name(f"{APPLICATION}.conf") if name.endswith(".conf") else None


def _discard_untrusted_file() -> None:
    """Remove a settings file that is not a regular file of bounded size (see the module docstring)."""
    path = _settings_file()
    if path is None:
        return
    try:
        st = path.stat()  # a link is judged by what it points to
    except FileNotFoundError:
        if not path.is_symlink():
            return
        why = "a link to nothing"
    except OSError as e:
        why = f"unreadable ({e.strerror})"
    else:
        if stat.S_ISREG(st.st_mode) and st.st_size <= MAX_SETTINGS_BYTES:
            return
        why = (
            "not a regular file"
            if not stat.S_ISREG(st.st_mode)
            else f"larger than {MAX_SETTINGS_BYTES} bytes"
        )
    try:
        if path.is_dir() and not path.is_symlink():
            path.rmdir()  # only an empty one
        else:
            os.unlink(path)  # the file or the link itself, never a link's target
        done = "removed; starting afresh"
    except OSError as e:
        done = f"not removed ({e.strerror}); settings will not be kept"
    _discarded.append(f"settings file {path} ignored: {why}; {done}")


def open_settings() -> QSettings:
    """The user's settings (see the module docstring for where they live and what is read)."""
    _discard_untrusted_file()
    return QSettings(ORGANIZATION, APPLICATION)


def take_discarded() -> list[str]:
    """What :func:`open_settings` discarded since the last call, one line each (said once)."""
    out = list(_discarded)
    _discarded.clear()
    return out


def settings_path() -> str:
    """The settings file (or, on Windows, registry key) in use."""
    return open_settings().fileName()


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


class SessionStore:
    """The last session and the window's layout in a QSettings (see the module docstring)."""

    def __init__(self, settings: QSettings):
        self.settings = settings

    def is_first_run(self) -> bool:
        return not self.settings.contains(SESSION)

    def load(self) -> tuple[Scenario | None, str | None]:
        """The saved session, or ``(None, why it was discarded)``; ``(None, None)`` when none was saved."""
        for key in OLD_KEYS:
            self.settings.remove(key)
        text = self.settings.value(SESSION)
        if text is None:
            return None, None
        try:
            if not isinstance(text, str):
                raise ScenarioError(f"expected a scenario document, got {type(text).__name__}")
            if len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
                raise ScenarioError(f"larger than a scenario may be ({MAX_FILE_BYTES} bytes)")
            return loads_scenario(text, "saved session"), None
        except ScenarioError as e:
            self.settings.remove(SESSION)
            return None, f"previous session's settings ignored: {e}"

    def save(self, scenario: Scenario, window) -> None:
        self.settings.setValue(GEOMETRY, window.saveGeometry())
        self.settings.setValue(LAYOUT, window.saveState())
        self.settings.setValue(SESSION, dumps_scenario(scenario))
        self.settings.sync()

    def restore_layout(self, window) -> bool:
        """The window's geometry and docks as they were; whether there was a layout to restore."""
        geometry, layout = self.settings.value(GEOMETRY), self.settings.value(LAYOUT)
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        return isinstance(layout, QByteArray) and window.restoreState(layout)

    def forget(self) -> None:
        """Help → Reset to first-run state: nothing saved any more (recent files included)."""
        self.settings.clear()
        self.settings.sync()
