"""`python -m reviewdesk`: the headless command line (the window is started by `reviewdesk`)."""

from reviewdesk.cli.main import main

raise SystemExit(main())
