"""Unit tests for coursekit's shared pieces: figures, quizzes, data files, the timeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from course import bib_keys

from coursekit.datafiles import DataFileError, data_path, load_table, non_empty, source_keys
from coursekit.figures import AccessibleFigure, new_figure, show
from coursekit.quiz import QuizError, available_quizzes, load_quiz
from coursekit.timeline import PartialDate, event_table, load_events, timeline_figure

ALT = "Bar chart showing that the second bar is twice as tall as the first"


# --- figures -----------------------------------------------------------------------------

def test_show_renders_png_with_alt_and_caption() -> None:
    fig, ax = new_figure()
    ax.bar(["a", "b"], [1, 2])
    out = show(fig, alt=ALT, caption="Two bars.")
    assert isinstance(out, AccessibleFigure)
    assert out.png.startswith(b"\x89PNG")
    html = out._repr_html_()
    assert f'alt="{ALT}"' in html and "<figcaption>Two bars.</figcaption>" in html
    assert repr(out) == f"[Figure: {ALT}]"


def test_show_escapes_alt_text() -> None:
    fig, _ = new_figure()
    out = show(fig, alt='A "quoted" <label> in eight words or more here', caption="c")
    assert "&quot;quoted&quot; &lt;label&gt;" in out._repr_html_()


@pytest.mark.parametrize("alt", ["", "chart", "a bar chart of things"])
def test_show_rejects_token_alt_text(alt: str) -> None:
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="alt text"):
        show(fig, alt=alt, caption="c")


def test_show_rejects_missing_caption_and_non_figures() -> None:
    fig, _ = new_figure()
    with pytest.raises(ValueError, match="caption"):
        show(fig, alt=ALT, caption=" ")
    with pytest.raises(TypeError, match="matplotlib Figure"):
        show("not a figure", alt=ALT, caption="c")  # type: ignore[arg-type]


# --- quizzes -----------------------------------------------------------------------------

GOOD = """
title: Test quiz
questions:
  - id: q1
    prompt: Which is right?
    choices:
      - text: This one
        correct: true
        feedback: Yes, because this one is the right answer here.
      - text: That one
        feedback: No, that one misses the point entirely, sadly.
"""


def write(tmp_path: Path, text: str, name: str = "t.yml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_quiz_check_accepts_right_and_teaches_on_wrong(tmp_path: Path) -> None:
    quiz = load_quiz("t", write(tmp_path, GOOD))
    right, wrong = quiz.check("q1", "a"), quiz.check("q1", " B) ")
    assert right.correct and str(right).startswith("Correct.")
    assert not wrong.correct and "misses the point" in str(wrong)
    assert "quiz-wrong" in wrong._repr_html_()


def test_quiz_renders_accessible_form(tmp_path: Path) -> None:
    html = load_quiz("t", write(tmp_path, GOOD)).show()._repr_html_()
    assert "<fieldset><legend>Which is right?</legend>" in html
    assert 'id="quiz-t-q1-a"' in html and 'for="quiz-t-q1-a"' in html
    assert 'role="status" aria-live="polite"' in html
    assert 'data-correct="true"' in html and 'data-correct="false"' in html


@pytest.mark.parametrize("qid, answer, message", [
    ("q9", "a", "has no question 'q9'; it has: q1"),
    ("q1", "z", "'z' is not one of the choices (a, b)"),
    ("q1", 1, "give the answer as a letter"),
])
def test_quiz_check_rejects_bad_questions_and_answers(tmp_path: Path, qid, answer, message) -> None:
    quiz = load_quiz("t", write(tmp_path, GOOD))
    with pytest.raises(QuizError, match=message.replace("(", r"\(").replace(")", r"\)")):
        quiz.check(qid, answer)


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace("        correct: true\n", ""), "exactly one correct choice, has 0"),
    (GOOD.replace("feedback: No, that one misses the point entirely, sadly.", "feedback: No."),
     "feedback must teach"),
    (GOOD.replace("  - id: q1\n", "  - id: q1\n").replace("title: Test quiz\n", ""), "needs 'title'"),
    ("title: x\nquestions: [\n", "not valid YAML"),
])
def test_malformed_quiz_banks_are_rejected_with_reasons(tmp_path: Path, broken, message) -> None:
    with pytest.raises(QuizError, match=message):
        load_quiz("t", write(tmp_path, broken))


def test_missing_quiz_bank() -> None:
    with pytest.raises(QuizError, match="no such quiz bank"):
        load_quiz("no-such-quiz")


@pytest.mark.parametrize("name", available_quizzes())
def test_shipped_quiz_banks_teach(name: str) -> None:
    """Every shipped question: the right answer passes; each wrong one gets its own lesson."""
    quiz = load_quiz(name)
    assert len(quiz.questions) >= 3, "a bank holds at least three questions (a chapter self-check: 3 to 5)"
    for q in quiz.questions.values():
        right = [c for c in q.choices if c.correct]
        assert len(right) == 1
        assert q.check(right[0].letter).correct
        for c in q.choices:
            if not c.correct:
                fb = q.check(c.letter)
                assert not fb.correct and fb.message != right[0].feedback


# --- data files --------------------------------------------------------------------------

COLS = {"n": int, "name": non_empty}


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("", "the file is empty"),
    ("n,wrong\n1,a\n", r":1: header .* missing \['name'\]"),
    ("n,name\n", "no data rows"),
    ("n,name\n1,a\nx,b\n", r":3: column 'n': 'x' is not valid"),
    ("n,name\n1,a\n2\n", ":3: expected 2 cells, found 1"),
    ("n,name\n1,\n", r":2: column 'name': '' is not valid \(the cell is empty\)"),
    ("n,name\n1,a\n\n2,b\n", ":3: blank line"),
])
def test_load_table_names_file_line_and_problem(tmp_path: Path, content, message) -> None:
    p = tmp_path / "data.csv"
    if content is not None:
        p.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message) as err:
        load_table(p, COLS)
    assert str(p) in str(err.value)


def test_load_table_rejects_directories_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="is a directory"):
        load_table(tmp_path, COLS)
    p = tmp_path / "latin1.csv"
    p.write_bytes("n,name\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        load_table(p, COLS)


def test_load_table_parses_rows(tmp_path: Path) -> None:
    p = tmp_path / "ok.csv"
    p.write_text("name,n\nalpha,1\nbeta,2\n", encoding="utf-8")
    assert load_table(p, COLS) == [{"name": "alpha", "n": 1}, {"name": "beta", "n": 2}]


def test_source_keys_and_data_path() -> None:
    assert source_keys("a; b;") == ("a", "b")
    with pytest.raises(ValueError):
        source_keys(" ; ")
    with pytest.raises(DataFileError, match="no such data file"):
        data_path("nope.csv")


# --- timeline ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("2001", "2001"), ("2001-08", "August 2001"), ("2003-03-16", "16 March 2003"),
])
def test_partial_dates(text: str, shown: str) -> None:
    assert str(PartialDate.parse(text)) == shown


@pytest.mark.parametrize("text", ["2001-13", "2001-02-30", "August 2001", "01-08-2001", ""])
def test_partial_dates_reject_bad_input(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_shipped_timeline_is_sorted_and_cited() -> None:
    events = load_events()
    assert len(events) >= 8
    assert [e.when for e in events] == sorted(e.when for e in events)
    assert events[0].when == PartialDate(2001, 8)
    known = bib_keys()
    assert all(set(e.sources) <= known for e in events), "every source key must be in references.bib"


EVENT_FILES = ["ism-timeline.csv", "legal-steps.csv", "olive-harvest.csv", "documentation-milestones.csv"]


@pytest.mark.parametrize("name", EVENT_FILES)
def test_every_event_file_loads_sorted_with_known_sources(name: str) -> None:
    events = load_events(data_path(name))
    assert len(events) >= 4
    assert [e.when for e in events] == sorted(e.when for e in events)
    unknown = {k for e in events for k in e.sources} - bib_keys()
    assert not unknown, f"{name}: source keys not in references.bib: {unknown}"


def test_timeline_figure_states_its_point() -> None:
    fig = timeline_figure(load_events(), title="T", caption="C",
                          alt="Timeline of ten dated events from 2001 to 2024 in order")
    assert fig.png.startswith(b"\x89PNG") and "2001 to 2024" in fig.alt
    with pytest.raises(ValueError, match="at least one event"):
        timeline_figure([], title="T", caption="C", alt=ALT)


def test_event_table_cites_every_source() -> None:
    events = load_events()
    table = event_table(list(reversed(events)))
    md = table._repr_markdown_()
    assert md.splitlines()[2].startswith("| August 2001 |"), "rows are in date order"
    assert "{cite}`ism-about,wiki-ism`" in md
    assert len(md.splitlines()) == len(events) + 2
    assert "Rachel Corrie" in repr(table)


def test_minify_html_keeps_preformatted_text_and_words_apart() -> None:
    from coursekit.sphinx_ext import minify_html
    page = ("<div>\n    <p>one\n        two</p>\n  <!-- note -->\n<pre>  keep\n    this</pre>\n"
            "<script>\n  var a = 1;\n</script>\n\n\n</div>")
    small = minify_html(page)
    assert "<pre>  keep\n    this</pre>" in small and "<script>\n  var a = 1;\n</script>" in small
    assert "one\ntwo" in small, "words stay separated by whitespace"
    assert "note" not in small and "\n\n" not in small
    assert minify_html(small) == small
