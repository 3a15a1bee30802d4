"""Where things live: bundled resources and the user's data folder.

Resources are found in the same way from a checkout (`resources/` at the top level), from an
installed wheel (the package `reviewdesk_resources`) and from a PyInstaller bundle
(`sys._MEIPASS/resources`).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import platformdirs

APP_NAME = "reviewdesk"
#: Reverse-DNS application id: the Linux desktop file, icon and metainfo name, the macOS
#: bundle id. The window passes it to `QGuiApplication.setDesktopFileName`.
APP_ID = "io.github.reviewdesk.ReviewDesk"


@cache
def resources_dir() -> Path:
    """The folder holding rules, fonts, icons and the stylesheet."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidate = Path(frozen) / "resources"
        if candidate.is_dir():
            return candidate
    top = Path(__file__).resolve().parent.parent
    checkout = top / "resources"
    # Code run from a checkout reads that checkout's resources: an editable install maps
    # `reviewdesk_resources` to the checkout it was made from, so a second one (a worktree
    # on PYTHONPATH) read the first one's stylesheet and rules.
    if (top / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    try:
        import reviewdesk_resources  # installed wheel

        return Path(reviewdesk_resources.__path__[0])
    except ImportError:
        pass
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("reviewdesk's resources folder is missing from this installation")


def resource(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``resource("rules", "england.toml")``."""
    return resources_dir().joinpath(*parts)


#: The data folder's subfolder for documents made to preview and print (the only place in the
#: data folder that output files may be written, see `reviewdesk.safefiles`).
DOCUMENTS_FOLDER = "documents"


def data_folder() -> Path:
    """The per-user data folder, without creating it (where the embedded database lives)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    """The per-user data folder, created on demand."""
    path = data_folder()
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents_dir() -> Path:
    """The folder for documents made to preview and print, created on demand (private)."""
    path = user_data_dir() / DOCUMENTS_FOLDER
    path.mkdir(mode=0o700, exist_ok=True)
    return path
