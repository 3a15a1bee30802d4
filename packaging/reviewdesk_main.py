"""Entry script of the PyInstaller bundle: the same as the `reviewdesk` console script."""

import multiprocessing

from ui.launcher import main

if __name__ == "__main__":
    # The window's worker process (ui.worker_process) is this executable started again.
    multiprocessing.freeze_support()
    raise SystemExit(main())
