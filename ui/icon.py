"""The application icon, from the PNG sizes shipped in `resources/icons/`.

PNGs rather than the SVG: Qt reads PNG without a plug-in, and each size was rendered for
itself (`packaging/make_icons.py`), so small sizes stay crisp.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon

from reviewdesk.paths import resource

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The window and taskbar icon; an empty icon if the files are missing (never fails)."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource("icons", f"reviewdesk-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon
