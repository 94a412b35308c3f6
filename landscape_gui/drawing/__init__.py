"""Drawing a landscape and its runs: used by the window and by the exporter alike."""
