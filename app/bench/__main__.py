"""`python -m app.bench [WORKLOAD...]`, as `scripts/bench` runs it."""

import sys

from app.bench import main

sys.exit(main())
