"""``python -m snmp_component``: the net-snmp style command line (see :mod:`.cli`)."""

import sys

from .cli import main

sys.exit(main())
