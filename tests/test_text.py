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


def _consensus_lab_round():
    """The consensus chapter's first lab round (its notebook's cell, fictional names)."""
    from coursekit.consensus import Meeting

    meeting = Meeting(["Amal", "Ben", "Chiara", "Dev", "Eli"],
                      "Accept the family's invitation and join their harvest on Saturday.")
    meeting.record({"Amal": "agree", "Ben": ("concern", "I have not done the group's training yet"),
                    "Chiara": "agree", "Dev": ("stand aside", "I cannot walk long distances this week"),
                    "Eli": "agree"})
    return meeting


def _arabic_only(text_: str) -> bool:
    """Arabic letters and no Latin ones (markup stripped)."""
    import re

    plain = re.sub(r"<[^>]+>", "", text_)
    return any("\u0621" <= ch <= "\u064a" for ch in plain) and not re.search("[A-Za-z]", plain)


def test_the_consensus_lab_prints_arabic_in_the_arabic_edition(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANGUAGE", "ar")
    text._catalogue.cache_clear()
    meeting = _consensus_lab_round()
    outcome = str(meeting.outcome())
    assert outcome == "الجولة 1: لا قرار. تحفّظ بن ما زال قائمًا: لم أخضع لتدريب المجموعة بعد."
    comparison = meeting.compare()
    page = comparison._repr_html_()
    assert '<th scope="col">المشارك</th>' in page and '<th scope="row">ديف</th>' in page
    assert "<td>التنحّي (لا أستطيع المشي مسافات طويلة هذا الأسبوع)</td>" in page
    for shown in (outcome, str(meeting.majority()), page, str(comparison), meeting.minutes()):
        assert _arabic_only(shown), shown[:80]


def test_the_consensus_lab_is_unchanged_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_LANGUAGE", "en")
    text._catalogue.cache_clear()
    meeting = _consensus_lab_round()
    assert str(meeting.outcome()) == ("Round 1: NO DECISION. Ben's concern is open: I have not done "
                                      "the group's training yet.")
    assert meeting.compare()._repr_html_() == (
        '<div class="consensus-comparison"><p><strong>Consensus:</strong> Round 1: NO DECISION. '
        "Ben&#x27;s concern is open: I have not done the group&#x27;s training yet.<br>"
        "<strong>Majority:</strong> Majority vote: PASSES, 3 yes to 1 no (1 abstain; not counted)."
        "</p><table><caption>They differ: the vote passes 3 to 1, but consensus has no decision "
        "yet: Ben&#x27;s concern is still open, and consensus asks the group to address it (for "
        "example by an amendment) and test again. Dev stands aside: under consensus this is "
        "minuted by name and does not stop the group; in the vote it counts as an abstention, "
        "which does not change the count.</caption><thead><tr><th scope=\"col\">Participant</th>"
        '<th scope="col">Response</th><th scope="col">Vote</th><th scope="col">Under consensus'
        '</th><th scope="col">Under majority</th></tr></thead><tbody><tr><th scope="row">Amal'
        "</th><td>agree</td><td>yes</td><td>supports the proposal</td><td>a yes vote</td></tr>"
        '<tr><th scope="row">Ben</th><td>concern (I have not done the group&#x27;s training yet)'
        "</td><td>no</td><td>must be addressed before the group can decide</td><td>counted as a "
        "no vote; nothing makes the group address it</td></tr><tr><th scope=\"row\">Chiara</th>"
        "<td>agree</td><td>yes</td><td>supports the proposal</td><td>a yes vote</td></tr><tr>"
        '<th scope="row">Dev</th><td>stand aside (I cannot walk long distances this week)</td>'
        "<td>abstain</td><td>lets the group go ahead; minuted, not expected to take part</td>"
        "<td>an abstention, which is not counted</td></tr><tr><th scope=\"row\">Eli</th><td>agree"
        "</td><td>yes</td><td>supports the proposal</td><td>a yes vote</td></tr></tbody></table>"
        "</div>")


def test_the_sharp_classifier_speaks_the_editions_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from coursekit.nva import ISM_FORMS, check_classification

    monkeypatch.setenv("COURSE_LANGUAGE", "en")
    text._catalogue.cache_clear()
    assert ISM_FORMS["demonstrations"].description == "Joining nonviolent demonstrations"
    assert str(check_classification("documentation", "intervention")).startswith(
        "Not quite. Filming often happens alongside presence, and presence can be intervention.")
    monkeypatch.setenv("COURSE_LANGUAGE", "ar")
    text._catalogue.cache_clear()
    assert ISM_FORMS["demonstrations"].description == "المشاركة في المظاهرات اللاعنفية"
    for key in ISM_FORMS:
        for chosen in ("protest", "noncooperation", "intervention"):
            assert _arabic_only(str(check_classification(key, chosen))), (key, chosen)


# --- The browser lab's interface --------------------------------------------------------------

def test_html_texts_are_the_element_texts_not_attributes_or_markup() -> None:
    markup = ('<label for="x">Choose a  photo\n (JPEG)</label><input value="custody-log.jsonl">'
              '<p>Tom &amp; Jerry</p><p> 25 </p><script src="a.js"></script><p>Choose a photo (JPEG)</p>')
    assert text.html_texts(markup) == ["Choose a photo (JPEG)", "Tom & Jerry"]


def test_translate_html_replaces_texts_escapes_them_and_names_the_missing() -> None:
    markup = '<label for="x">\n Choose a file</label><button type="submit">Verify</button>'
    new, missing = text.translate_html(markup, {"Choose a file": "اختر <ملفًا> & غيره"}.get)
    assert new == '<label for="x">\n اختر &lt;ملفًا&gt; &amp; غيره</label><button type="submit">Verify</button>'
    assert missing == ["Verify"]


def test_js_messages_reads_literals_and_rejects_a_call_it_cannot_read(tmp_path: Path) -> None:
    good = tmp_path / "a.js"
    good.write_text('say(BL.t("Hashing {name}…", { name: f }));\nx = BL.t( "Tab\\there \\u00e9");\n'
                    'y = BL.t("Hashing {name}…", { name: g });\n', encoding="utf-8")
    assert text.js_messages([good]) == ["Hashing {name}…", "Tab\there é"]
    bad = tmp_path / "b.js"
    for second in ('BL.t("glued " + "together")', "BL.t(message)"):
        bad.write_text(f'ok = BL.t("fine");\nno = {second};\n', encoding="utf-8")
        with pytest.raises(TextError, match=r"b\.js:2: BL\.t\( needs one double-quoted string literal"):
            text.js_messages([bad])


def test_every_browser_lab_text_is_translated_in_the_committed_catalogue() -> None:
    """The lab's forms and every script message have a current Arabic translation that keeps
    its placeholders (the Arabic build fails otherwise; this says which, in seconds)."""
    table = text.translations("ar")
    texts = text.browser_lab_texts()
    assert "Verify" in texts and "Choose a file to fingerprint" in texts
    assert len(texts) > 100, "the lab's script messages are extracted too"
    missing = [t for t in texts if t not in table]
    assert not missing, missing[:5]
    assert all(text._fields(table[t]) == text._fields(t) for t in texts)
