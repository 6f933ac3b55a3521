"""``python -m carbon_kepler_mcp`` runs the command line."""

import sys

from carbon_kepler_mcp.main import main

sys.exit(main())
