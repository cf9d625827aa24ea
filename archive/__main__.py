"""``python -m archive`` runs the newsarchive command line."""

import sys

from archive.cli import main

sys.exit(main())
