"""Readability in both colour schemes (forced with ``REVIEWDESK_THEME``): every visible label's
text against the background actually painted behind it, table cells against their (tinted)
backgrounds, and the words that carry RAG and "overridden" meaning without colour.

WCAG 2 asks for a contrast ratio of at least 4.5:1 for normal text.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QWidget

WCAG_AA = 4.5


def luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(top: QColor, bottom: QColor) -> QColor:
    """``top`` painted over ``bottom`` (alpha blending), as a view paints a tinted cell."""
    a = top.alphaF()
    return QColor(
        round(top.red() * a + bottom.red() * (1 - a)),
        round(top.green() * a + bottom.green() * (1 - a)),
        round(top.blue() * a + bottom.blue() * (1 - a)),
    )


def test_contrast_helper_is_wcag() -> None:
    assert contrast(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    # The light theme's red warning on the dark window: the failure this file guards against.
    assert contrast(QColor("#b3261e"), QColor(43, 43, 46)) < WCAG_AA


@pytest.fixture(params=["dark", "light"])
def scheme(request, qapp, monkeypatch):
    from ui import theme

    monkeypatch.setenv(theme.THEME_VARIABLE, request.param)
    theme.apply_theme(qapp)
    assert theme.is_dark() is (request.param == "dark")
    yield request.param
    monkeypatch.setenv(theme.THEME_VARIABLE, "light")
    theme.apply_theme(qapp)


def _background(image: QImage, widget: QWidget, top: QWidget) -> QColor:
    """The colour most painted inside ``widget``'s rectangle: what its text sits on."""
    shown = widget.visibleRegion().boundingRect()  # a label scrolled half out of view
    origin = widget.mapTo(top, shown.topLeft())
    ratio = image.devicePixelRatio()
    counts: Counter[int] = Counter()
    for x in range(0, shown.width(), 2):
        for y in range(0, shown.height(), 2):
            counts[image.pixel(int((origin.x() + x) * ratio), int((origin.y() + y) * ratio))] += 1
    return QColor.fromRgb(counts.most_common(1)[0][0])


def _label_problems(top: QWidget, qapp) -> list[str]:
    for _ in range(3):
        qapp.processEvents()
    image = top.grab().toImage()
    problems = []
    for label in top.findChildren(QLabel):
        if not label.isVisibleTo(top) or not label.text().strip() or label.width() < 4:
            continue
        if label.visibleRegion().isEmpty():
            continue  # scrolled out of view
        if not label.isEnabled():
            continue  # disabled text may be dimmer (WCAG exempts inactive controls)
        fg = label.palette().color(label.foregroundRole())
        bg = _background(image, label, top)
        ratio = contrast(fg, bg)
        if ratio < WCAG_AA:
            problems.append(f"{label.text()[:40]!r}: {fg.name()} on {bg.name()} = {ratio:.2f}")
    return problems


def _cell_problems(view: QAbstractItemView, rows: int = 40) -> list[str]:
    """Each cell's text colour against the background the view paints behind it."""
    model = view.model()
    palette = view.palette()
    problems = []
    for row in range(min(model.rowCount(QModelIndex()), rows)):
        base_role = QPalette.ColorRole.AlternateBase if row % 2 else QPalette.ColorRole.Base
        base = palette.color(base_role if view.alternatingRowColors() else QPalette.ColorRole.Base)
        for col in range(model.columnCount(QModelIndex())):
            index = model.index(row, col)
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text in (None, ""):
                continue
            fg = index.data(Qt.ItemDataRole.ForegroundRole)
            fg = (
                fg.color()
                if isinstance(fg, QBrush)
                else fg or palette.color(QPalette.ColorRole.Text)
            )
            bg = index.data(Qt.ItemDataRole.BackgroundRole)
            bg = bg.color() if isinstance(bg, QBrush) else bg
            bg = over(bg, base) if isinstance(bg, QColor) else base
            ratio = contrast(fg, bg)
            if ratio < WCAG_AA:
                problems.append(f"({row},{col}) {str(text)[:30]!r}: {ratio:.2f}")
    return problems


def _page_problems(window, qapp) -> tuple[list[str], int]:
    """Label problems, then cell problems of each table in view; and how many tables."""
    problems = _label_problems(window, qapp)
    tables = [v for v in window.findChildren(QTableView) if v.isVisible()]
    for view in tables:
        problems += [f"{view.accessibleName()} {p}" for p in _cell_problems(view)]
    return problems, sum(1 for v in tables if v.model().rowCount(QModelIndex()))


def test_every_page_readable(scheme, window, qapp, sample) -> None:
    window.show()
    problems: dict[str, list[str]] = {}
    tables = 0
    for index, name in enumerate(("dashboard", "cases", "diary", "workload", "settings")):
        window.show_page(index)
        problems[name], n = _page_problems(window, qapp)
        tables += n
    window.open_child(sample["sian_child"])
    problems["child"], n = _page_problems(window, qapp)
    tables += n
    assert tables >= 5  # this week's meetings, cases, diary, workload, rules, timeline
    assert {k: v for k, v in problems.items() if v} == {}


def test_dashboard_tiles_say_their_rag_in_words(scheme, window, qapp) -> None:
    from ui.pages.dashboard import RAG_WORDS

    window.show()
    window.show_page(0)
    qapp.processEvents()
    tiles = window.dashboard.tiles
    seen = set()
    image = window.grab().toImage()
    for tile in tiles.values():
        rag = tile.property("rag")
        assert rag in RAG_WORDS, rag
        seen.add(rag)
        assert tile.status_label.text() == RAG_WORDS[rag]
        assert tile.status_label.isVisibleTo(window)
        fg = tile.status_label.palette().color(tile.status_label.foregroundRole())
        bg = _background(image, tile.status_label, window)
        assert contrast(fg, bg) >= WCAG_AA, (rag, fg.name(), bg.name())
        assert RAG_WORDS[rag].split(" ", 1)[1] in tile.accessibleDescription()
    assert {"red", "green"} <= seen  # the sample has an overdue child and clear tiles


@pytest.fixture
def overrides(db, sample) -> None:
    """Two council overrides, saved before the window (and its context) opens."""
    from tests.ui.shots_rules import add_overrides

    add_overrides(db)


def test_overridden_rule_marked_in_words_and_readable(scheme, overrides, window, qapp) -> None:
    from ui.models.rules_model import column

    window.show()
    window.show_page(4)
    page = window.settings_page
    page.select_rule("lac.review.first")
    qapp.processEvents()
    view = page.rules
    model = view.model()
    marked = [
        row
        for row in range(model.rowCount())
        if model.index(row, column("status")).data() == "Council override"
    ]
    assert marked, "the overridden rules say so in words"
    assert _cell_problems(view, rows=model.rowCount()) == []
    assert _label_problems(window, qapp) == []


def test_dialogs_readable(scheme, ctx, qtbot, qapp, sample, prompts_recorder) -> None:
    """Booking (with its warning), recording (with its timescale line) and the rule editor
    with a refused value (its red message)."""
    from reviewdesk import queries
    from reviewdesk.rule_overrides import rule_entries
    from ui.dialogs.booking import BookingDialog
    from ui.dialogs.recording import RecordingDialog
    from ui.dialogs.rule_edit import RuleEditDialog
    from ui.duedates import due_items

    with ctx.db.session() as s:
        detail = queries.child_detail(s, sample["zoe"])
    entry = next(e for e in rule_entries(ctx.rules) if e.rule.id == "lac.review.first")
    dues = due_items(ctx, detail)
    meeting = next(m for m in detail.meetings if m.id == sample["zoe_first"])
    rule_dialog = RuleEditDialog(ctx, entry)
    rule_dialog.amount.setValue(1500)
    dialogs = {
        "booking": BookingDialog(ctx, detail, dues=dues),
        "recording": RecordingDialog(ctx, detail, meeting, dues=dues),
        "rule": rule_dialog,
    }
    problems = {}
    for name, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        problems[name] = _label_problems(dialog, qapp)
    warnings = [
        label
        for label in rule_dialog.findChildren(QLabel)
        if label.property("role") == "warning" and label.isVisible() and label.text()
    ]
    assert warnings, "the refused value is explained in the dialog"
    assert {k: v for k, v in problems.items() if v} == {}


def test_print_preview_readable(scheme, ctx, qtbot, qapp, sample, tmp_path) -> None:
    """The toolbar and status bar read well; the pages stand out from what surrounds them,
    and in the dark scheme that surround is dark (no glare around the white paper)."""
    import datetime as dt

    from reviewdesk import reports
    from tests.ui.sample import AS_OF
    from ui.print_preview import PrintPreview

    pdf = tmp_path / "packs.pdf"
    with ctx.db.session() as s:
        reports.build_packs(s, week=dt.date(2024, 4, 8), as_of=AS_OF, out=pdf, invariant=True)
    preview = PrintPreview(pdf, "Packs for the week of 08/04/2024")  # deletes itself on close
    preview.resize(1000, 800)
    preview.show()
    qtbot.waitUntil(lambda: preview.pages is not None and 0 in preview.strip.images, timeout=10000)
    assert _label_problems(preview, qapp) == []
    image = preview.grab().toImage()
    page = preview.strip.page_rect(0)
    ratio = image.devicePixelRatio()
    assert page.left() >= 4, "a margin around the page"
    beside = preview.strip.mapTo(preview, QPoint(page.left() // 2, page.top() + 60))
    surround = image.pixelColor(int(beside.x() * ratio), int(beside.y() * ratio))
    # a point on the first page, near its top margin (blank paper)
    spot = preview.strip.mapTo(preview, QPoint(page.left() + 8, page.top() + 8))
    paper = image.pixelColor(int(spot.x() * ratio), int(spot.y() * ratio))
    assert paper.lightness() > 240, paper.name()  # a page is white paper in both schemes
    assert surround.lightness() < paper.lightness()
    # clearly apart (the page also has a drawn edge and shadow); flat grey would be ~1:1
    assert contrast(paper, surround) >= 2.5
    if scheme == "dark":
        assert surround.lightness() < 60, surround.name()
    preview.close()
    from ui.tasks import wait_for_all

    wait_for_all()
    qapp.processEvents()
