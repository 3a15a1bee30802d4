"""Entry script of the PyInstaller bundle: the same as the `reviewdesk` console script."""

from ui.launcher import main

if __name__ == "__main__":
    raise SystemExit(main())
