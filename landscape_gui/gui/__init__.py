"""Qt views of the landscape: they subscribe to the state in :mod:`landscape_gui.gui.controller` and render."""
