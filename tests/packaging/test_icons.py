"""The app icon: an SVG Qt can draw, PNGs of every size, and .ico/.icns holding those PNGs."""

from __future__ import annotations

import importlib.util
import struct

import pytest

from tests.packaging.conftest import ROOT

ICONS = ROOT / "resources" / "icons"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def make_icons():
    # loaded by path: a folder called `packaging` would clash with the `packaging` library
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "packaging/make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_every_png_size_is_there(make_icons) -> None:
    for size in make_icons.PNG_SIZES:
        data = (ICONS / f"reviewdesk-{size}.png").read_bytes()
        assert png_size(data) == (size, size)
        assert data[25] == 6, f"{size} px PNG is not RGBA"  # colour type 6: transparency kept


def test_ico_holds_the_pngs(make_icons) -> None:
    data = (ICONS / "reviewdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    for i, size in enumerate(make_icons.ICO_SIZES):
        w, h, _, _, planes, bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        assert (w or 256, h or 256, planes, bpp) == (size, size, 1, 32)
        assert data[offset : offset + length] == (ICONS / f"reviewdesk-{size}.png").read_bytes()


def test_icns_holds_the_pngs(make_icons) -> None:
    data = (ICONS / "reviewdesk.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found, pos = {}, 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        found[kind] = png_size(data[pos + 8 : pos + length])[0]
        pos += length
    assert found == {kind: size for kind, size in make_icons.ICNS_TYPES}


def test_svg_renders(make_icons, qapp) -> None:
    """The SVG is drawable by Qt, and the 16 px rendering is not blank."""
    data = make_icons.render_png(ICONS / "reviewdesk.svg", 16)
    assert png_size(data) == (16, 16)
    from PySide6.QtGui import QImage

    image = QImage.fromData(data, "PNG")
    opaque = sum(image.pixelColor(x, y).alpha() > 200 for x in range(16) for y in range(16))
    assert 100 < opaque < 256  # mostly page, with transparent rounded corners


def test_window_icon_has_every_size(qapp) -> None:
    from ui.icon import ICON_SIZES, app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == list(ICON_SIZES)


def test_application_uses_the_icon_and_desktop_id(qapp) -> None:
    from reviewdesk.paths import APP_ID
    from ui.app import make_application

    app = make_application()
    assert app.desktopFileName() == APP_ID
    assert not app.windowIcon().isNull()


def test_another_reader_accepts_the_ico_and_icns(make_icons) -> None:
    """Pillow (installed with reportlab) reads both files: an oracle independent of ours."""
    from PIL import Image

    with Image.open(ICONS / "reviewdesk.ico") as ico:
        assert ico.format == "ICO"
        assert sorted(ico.info["sizes"]) == [(s, s) for s in make_icons.ICO_SIZES]
        ico.size = (16, 16)
        ico.load()
        assert ico.mode == "RGBA" and ico.getpixel((0, 0))[3] == 0  # transparent corner
    with Image.open(ICONS / "reviewdesk.icns") as icns:
        assert icns.format == "ICNS"
        assert (512, 512, 1) in icns.info["sizes"] and (16, 16, 1) in icns.info["sizes"]
