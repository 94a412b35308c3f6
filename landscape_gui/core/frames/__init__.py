"""What a frame shows, decided once for the window and the export: snapshots of the runs, the presenter that turns
a snapshot and the scenario into a frame description, and the colours, glyph scales and captions it uses."""
