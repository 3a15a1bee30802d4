"""Every main view renders offscreen at 1400x900 (saved for people to look at)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QImage

from tests.ui.shots import take


def test_every_main_view_renders(window, qapp, sample, tmp_path) -> None:
    out = Path(os.environ.get("REVIEWDESK_SHOTS", tmp_path))
    window.ctx_sample_ids = sample
    window.show()
    files = take(out, window, qapp)
    assert {f.stem for f in files} == {
        "dashboard",
        "cases",
        "diary",
        "workload",
        "settings",
        "child",
        "diary-by-room",
    }
    for f in files:
        image = QImage(str(f))
        assert (image.width(), image.height()) == (1400, 900), f
        # Not a blank page: many distinct colours across the picture.
        colours = {image.pixel(x, y) for x in range(0, 1400, 37) for y in range(0, 900, 23)}
        assert len(colours) > 8, f
