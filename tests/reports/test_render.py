"""Every kind of page rasterised with poppler: it must render, with ink in the body."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

from PIL import Image

from reviewdesk.reports.packs import build_pack, build_packs
from reviewdesk.reports.timeliness import build_timeliness, render_timeliness
from reviewdesk.reports.weekly import build_weekly
from reviewdesk.reports.workload import build_workload
from tests.reports.factory import AS_OF, COUNCIL, WEEK
from tests.reports.test_timeliness import sample_report


def _render(pdf: Path, out_dir: Path) -> list[Path]:
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed for this test"
    prefix = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True)
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"))


def _body_ink(png: Path) -> float:
    """Share of non-white pixels between the header and the footer."""
    image = Image.open(png).convert("L")
    w, h = image.size
    body = image.crop((0, int(h * 0.13), w, int(h * 0.88)))
    histogram = body.histogram()
    dark = sum(histogram[:200])
    return dark / (body.size[0] * body.size[1])


def _furniture_ink(png: Path) -> float:
    image = Image.open(png).convert("L")
    w, h = image.size
    top = image.crop((0, 0, w, int(h * 0.1)))
    return sum(top.histogram()[:200]) / (top.size[0] * top.size[1])


def test_every_kind_of_page_renders_and_is_not_blank(demo_db, tmp_path: Path) -> None:
    db, demo = demo_db
    files: dict[str, Path] = {}
    with db.session() as session:
        for name, build in {
            "workload": lambda out: build_workload(session, as_of=AS_OF, out=out),
            "workload_one": lambda out: build_workload(session, as_of=AS_OF, out=out, iro="Máire"),
            "weekly": lambda out: build_weekly(session, week=WEEK, as_of=AS_OF, out=out),
            "pack_lac": lambda out: build_pack(session, demo.lac_meeting_id, as_of=AS_OF, out=out),
            "pack_cp": lambda out: build_pack(session, demo.cp_meeting_id, as_of=AS_OF, out=out),
            "packs": lambda out: build_packs(session, week=WEEK, as_of=AS_OF, out=out),
            "timeliness_register": lambda out: build_timeliness(
                session, start=dt.date(2023, 6, 1), end=dt.date(2024, 5, 31), as_of=AS_OF, out=out
            ),
        }.items():
            files[name] = tmp_path / f"{name}.pdf"
            build(files[name])
    files["timeliness"] = tmp_path / "timeliness.pdf"
    buffer = io.BytesIO()
    render_timeliness(sample_report(), buffer, council=COUNCIL, as_of=AS_OF)
    files["timeliness"].write_bytes(buffer.getvalue())

    shots = tmp_path / "shots"
    shots.mkdir()
    for name, pdf in files.items():
        pngs = _render(pdf, shots)
        assert pngs, f"{name}: no page rendered"
        for png in pngs:
            assert png.stat().st_size > 1000, f"{png.name} is empty"
            assert _furniture_ink(png) > 0.002, f"{png.name}: no header"
            assert _body_ink(png) > 0.004, f"{png.name}: the body is blank"
