import sys

from landscape_gui.cli import main

sys.exit(main())
