"""``python -m helpers`` is the same as the ``gem-reports`` command."""

from helpers.cli import main

raise SystemExit(main())
