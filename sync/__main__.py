import sys

from sync.commands.cli import main

sys.exit(main())
