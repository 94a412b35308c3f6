import multiprocessing
import sys

# The bundle (packaging/build-bundle, PyInstaller) starts its multiprocessing children, the spawn children of
# core/data/surface_process.py and core/landscapes/formula_worker.py and multiprocessing's resource tracker,
# by running this very executable with their arguments: freeze_support() runs such a child and exits before
# the command line would read those arguments as a command. Outside a frozen app it does nothing.
multiprocessing.freeze_support()

try:
    from landscape_gui.cli import main
except KeyboardInterrupt:  # Ctrl+C while starting up
    print("landscape-gui: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
