"""`python -m kraken_doctor.mock`: the same as `kraken-doctor mock`."""

import sys

from kraken_doctor.mock.cli import main

sys.exit(main())
