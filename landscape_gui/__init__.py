"""landscape-gui: see why gradient descent gets stuck."""

from pathlib import Path

__version__ = "0.1.0"

APP_NAME = "Landscape GUI"


def resources_dir() -> Path:
    """The folder holding presets and icons (``resources/`` at the top of the checkout)."""
    return Path(__file__).resolve().parent.parent / "resources"
