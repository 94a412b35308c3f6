"""landscape-gui: see why gradient descent gets stuck."""

from importlib.resources import files
from pathlib import Path

__version__ = "0.1.0"

APP_NAME = "Landscape GUI"


def resources_dir() -> Path:
    """The folder of the lecture presets, the icons and the desktop files: ``landscape_gui/resources/``,
    shipped inside the package (the wheel's package data, a PyInstaller bundle's data), found through
    :mod:`importlib.resources` wherever the package is installed.

    >>> (resources_dir() / "presets" / "local-vs-global.toml").is_file()
    True
    """
    # a package installed as files (pip, pipx, an editable install, a bundle) gives a pathlib.Path here
    return Path(str(files(__name__) / "resources"))
