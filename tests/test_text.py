"""coursekit.text: the words code draws on pages, in the edition's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from coursekit import text
from coursekit.text import TextError, Translated, tr


def _catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: dict[str, str],
               fuzzy: frozenset[str] = frozenset()) -> None:
    catalog = Catalog(locale="ar")
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr, flags=["fuzzy"] if msgid in fuzzy else [])
    po = tmp_path / "coursekit.po"
    with po.open("wb") as fh:
        write_po(fh, catalog)
    monkeypatch.setitem(text.CATALOGUE, "ar", po)
    text._catalogue.cache_clear()


def test_english_is_returned_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANGUAGE", "en")
    assert tr("Number of methods") == "Number of methods"
    assert tr("{n} km", n=5) == "5 km"


def test_arabic_comes_from_the_catalogue_with_its_placeholders(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _catalogue(tmp_path, monkeypatch, {"{n} km": "{n} كم", "Date": "التاريخ"})
    monkeypatch.setenv("COURSE_LANGUAGE", "ar")
    assert tr("{n} km", n=10) == "10 كم"
    assert isinstance(tr("Date"), Translated)
    assert tr(tr("Date")) == "التاريخ"  # already translated: passed through, not looked up again


@pytest.mark.parametrize("entries, fuzzy, message", [
    ({}, frozenset(), "no ar translation"),
    ({"Date": "التاريخ"}, frozenset({"Date"}), "no ar translation"),  # a fuzzy entry is not used
    ({"{n} km": "كم"}, frozenset(), "placeholders"),
])
def test_a_missing_stale_or_broken_translation_stops_the_arabic_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entries: dict[str, str],
        fuzzy: frozenset[str], message: str) -> None:
    _catalogue(tmp_path, monkeypatch, entries, fuzzy)
    monkeypatch.setenv("COURSE_LANGUAGE", "ar")
    msgid = next(iter(entries), "Date")
    with pytest.raises(TextError, match=message):
        tr(msgid, n=3) if "{n}" in msgid else tr(msgid)


def test_collection_records_each_text_once_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "seen.log"
    monkeypatch.setenv("COURSE_LANGUAGE", "en")
    monkeypatch.setenv("COURSE_TEXT_COLLECT", str(log))
    tr("Date")
    tr("two\nlines")
    tr("Date")
    monkeypatch.delenv("COURSE_TEXT_COLLECT")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines == ["Date", "two\\nlines", "Date"]
    out = tmp_path / "x.pot"
    text.write_pot(list(dict.fromkeys(["Date", "two\nlines"])), out)
    assert 'msgid "Date"' in out.read_text(encoding="utf-8")


def test_the_committed_catalogue_translates_every_chart_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chart of the course draws in Arabic from the committed coursekit.po."""
    from coursekit.context import context_timeline, locator_figure
    from coursekit.nva import load_findings, load_sharp_methods, sharp_figure, success_rate_figure
    from coursekit.villages import REFERENCE_POINTS, combined_timeline, village_timeline
    from coursekit.villages import locator_figure as village_locator

    monkeypatch.setenv("COURSE_LANGUAGE", "ar")
    text._catalogue.cache_clear()
    figures = [context_timeline(), locator_figure(), sharp_figure(load_sharp_methods()),
               success_rate_figure(load_findings()), combined_timeline(),
               village_locator(reference_points=REFERENCE_POINTS), village_timeline("Bil'in")]
    for fig in figures:
        assert any("\u0621" <= ch <= "\u064a" for ch in fig.alt), fig.alt[:60]
        assert any("\u0621" <= ch <= "\u064a" for ch in fig.caption), fig.caption[:60]


def test_extract_rejects_bad_arguments() -> None:
    assert text.main([]) == 2
    assert text.main(["extract"]) == 2
