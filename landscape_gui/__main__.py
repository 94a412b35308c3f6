import sys

try:
    from landscape_gui.cli import main
except KeyboardInterrupt:  # Ctrl+C while starting up
    print("landscape-gui: interrupted", file=sys.stderr)
    sys.exit(130)

sys.exit(main())
