"""The window: panels, dialogs, the controller and the simulation worker thread. Drawing lives in :mod:`landscape_gui.drawing`."""
