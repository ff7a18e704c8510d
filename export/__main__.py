"""`python -m export deck ...`: see export/cli.py."""
import sys

from export.cli import main

sys.exit(main())
