"""Tests for coursekit.nva: Sharp's 198 methods, the Chenoweth–Stephan findings, the classifier."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit.datafiles import DataFileError, data_path
from coursekit.figures import AccessibleFigure
from coursekit.nva import (
    FACT_SHEET_NAMES,
    INTERVENTION,
    ISM_FORMS,
    NONCOOPERATION,
    PROTEST,
    SHARP_CLASSES,
    SHARP_SUBCLASSES,
    check_classification,
    class_counts,
    load_findings,
    load_sharp_methods,
    sharp_class,
    sharp_figure,
    subclass_counts,
    success_rate_figure,
)
from coursekit.quiz import QuizError

ROOT = Path(__file__).resolve().parent.parent

# The ranges exactly as the fact sheet's table gives them (facts.md §3.1, key aei198),
# written out again here so that a slip in the code's table cannot hide itself.
FACT_SHEET_CLASSES = {PROTEST: (1, 54), NONCOOPERATION: (55, 157), INTERVENTION: (158, 198)}
FACT_SHEET_SUBCLASSES = {
    "Formal statements": (1, 6), "Communications with a wider audience": (7, 12),
    "Group representations": (13, 17), "Symbolic public acts": (18, 30),
    "Pressures on individuals": (31, 34), "Drama and music": (35, 37), "Processions": (38, 42),
    "Honouring the dead": (43, 46), "Public assemblies": (47, 50),
    "Withdrawal and renunciation": (51, 54), "Social noncooperation": (55, 70),
    "Economic noncooperation: economic boycotts": (71, 96),
    "Economic noncooperation: the strike": (97, 119), "Political noncooperation": (120, 157),
    "Psychological intervention": (158, 161), "Physical intervention": (162, 173),
    "Social intervention": (174, 180), "Economic intervention": (181, 192),
    "Political intervention": (193, 198),
}


# ---- Sharp's methods: the shipped file ----------------------------------------------------

@pytest.fixture(scope="module")
def methods():
    return load_sharp_methods()


def test_the_range_table_matches_the_fact_sheet() -> None:
    assert {c: (lo, hi) for c, lo, hi in SHARP_CLASSES} == FACT_SHEET_CLASSES
    assert {s: (lo, hi) for _, s, lo, hi in SHARP_SUBCLASSES} == FACT_SHEET_SUBCLASSES
    for class_name, subclass, lo, hi in SHARP_SUBCLASSES:
        c_lo, c_hi = FACT_SHEET_CLASSES[class_name]
        assert c_lo <= lo <= hi <= c_hi, f"{subclass} lies outside {class_name}"
    covered = sorted(n for _, _, lo, hi in SHARP_SUBCLASSES for n in range(lo, hi + 1))
    assert covered == list(range(1, 199)), "sub-classes must tile 1–198 with no gap or overlap"


def test_shipped_file_has_198_methods_numbered_once(methods) -> None:
    assert len(methods) == 198
    assert [m.number for m in methods] == list(range(1, 199))


def test_every_method_sits_in_its_fact_sheet_range(methods) -> None:
    for m in methods:
        lo, hi = FACT_SHEET_CLASSES[m.class_name]
        assert lo <= m.number <= hi, m
        lo, hi = FACT_SHEET_SUBCLASSES[m.subclass]
        assert lo <= m.number <= hi, m


def test_names_are_the_aei_list(methods) -> None:
    names = [m.name for m in methods]
    assert all(n.strip() for n in names) and len(set(names)) == 198, "names are unique, non-empty"
    for number, name in FACT_SHEET_NAMES.items():
        assert methods[number - 1].name == name, "must agree with the fact sheet"
    spot = {1: "Public speeches", 38: "Marches", 71: "Consumers' boycott",
            162: "Sit-in", 198: "Dual sovereignty and parallel government"}
    assert {n: methods[n - 1].name for n in spot} == spot


def test_counts_per_class_and_subclass(methods) -> None:
    assert class_counts(methods) == {PROTEST: 54, NONCOOPERATION: 103, INTERVENTION: 41}
    by_sub = subclass_counts(methods)
    assert by_sub == {s: hi - lo + 1 for s, (lo, hi) in FACT_SHEET_SUBCLASSES.items()}
    assert sum(by_sub.values()) == 198
    assert by_sub["Political noncooperation"] == 38


def test_sharp_figure_has_alt_text_stating_the_finding(methods) -> None:
    fig = sharp_figure(methods)
    assert isinstance(fig, AccessibleFigure)
    assert fig.png.startswith(b"\x89PNG")
    assert "Noncooperation is the largest class, with 103 of the 198 methods" in fig.alt
    assert "political noncooperation with 38" in fig.alt
    assert 'alt="' in fig._repr_html_()


# ---- Sharp's methods: malformed files -----------------------------------------------------

HEADER = "number,name,class,subclass\n"


def _rows(numbers=range(1, 199)) -> list[str]:
    from coursekit.nva import sharp_place
    lines = []
    for n in numbers:
        class_name, subclass = sharp_place(n)
        lines.append(f'{n},"Method {n}",{class_name},"{subclass}"\n')
    return lines


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sharp-methods.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _raises(path: Path, line: int | None, *words: str) -> str:
    with pytest.raises(DataFileError) as info:
        load_sharp_methods(path)
    msg = str(info.value)
    assert str(path) in msg, msg
    if line is not None:
        assert f"{path}:{line}:" in msg, msg
    for w in words:
        assert w in msg, msg
    return msg


def test_a_well_formed_temporary_file_loads(tmp_path: Path) -> None:
    assert len(load_sharp_methods(_write(tmp_path, HEADER + "".join(_rows())))) == 198


def test_missing_file(tmp_path: Path) -> None:
    _raises(tmp_path / "sharp-methods.csv", None, "no such file")


def test_wrong_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "number,title,class,subclass\n" + "".join(_rows()))
    _raises(path, 1, "header", "missing ['name']")


@pytest.mark.parametrize("bad", ["abc", "0", "199", "-3", "4.5"])
def test_bad_number(tmp_path: Path, bad: str) -> None:
    rows = _rows()
    rows[9] = rows[9].replace("10,", f"{bad},", 1)
    _raises(_write(tmp_path, HEADER + "".join(rows)), 11, "column 'number'")


def test_duplicate_number(tmp_path: Path) -> None:
    rows = _rows()
    rows[20] = rows[19]  # method 20 twice: lines 21 and 22
    _raises(_write(tmp_path, HEADER + "".join(rows)), 22, "listed twice", "first on line 21")


def test_wrong_count(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "".join(_rows(range(1, 198))))
    _raises(path, 198, "197 methods", "expected 198", "[198]")


def test_number_outside_its_class(tmp_path: Path) -> None:
    rows = _rows()
    rows[54] = rows[54].replace("Noncooperation", PROTEST, 1)  # method 55, line 56
    _raises(_write(tmp_path, HEADER + "".join(rows)), 56, "class 'Noncooperation'")


def test_number_outside_its_subclass(tmp_path: Path) -> None:
    rows = _rows()
    rows[6] = rows[6].replace('"Communications with a wider audience"', "Formal statements")
    _raises(_write(tmp_path, HEADER + "".join(rows)), 8, "sub-class", "method 7")


def test_short_row(tmp_path: Path) -> None:
    rows = _rows()
    rows[0] = "1,Formal statements method 1\n"
    _raises(_write(tmp_path, HEADER + "".join(rows)), 2, "expected 4 cells")


# ---- Chenoweth and Stephan ----------------------------------------------------------------

@pytest.fixture(scope="module")
def findings():
    return load_findings()


def test_findings_match_the_fact_sheet(findings) -> None:
    by_id = {f.id: f for f in findings}
    assert by_id["cs-campaigns"].value == 323
    assert by_id["cs-campaigns"].period == (1900, 2006)
    assert by_id["cs-success-nonviolent"].value == 53
    assert by_id["cs-success-violent"].value == 26
    assert by_id["chenoweth-3.5"].value == 3.5
    assert by_id["bahrain-2011"].qualifier == "more than"
    navco20, navco21 = by_id["navco20-campaigns"], by_id["navco21-campaigns"]
    assert (navco20.value, navco20.period) == (250, (1945, 2006))
    assert (navco21.value, navco21.period) == (389, (1945, 2013))


def test_findings_cite_known_keys_and_leave_out_unverified_rates(findings) -> None:
    bib = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(), re.M))
    for f in findings:
        assert f.sources and set(f.sources) <= bib, f
        if f.measure == "success_rate":
            assert f.period is not None and f.period[1] < 2010, f
    assert "carr2020" in {k for f in findings for k in f.sources}


def test_findings_file_holds_no_2010s_rate_even_in_notes() -> None:
    text = data_path("chenoweth-stephan.csv").read_text(encoding="utf-8")
    assert not re.search(r"\b34\s?%|\b8\s?[–-]\s?9\s?%", text)


def test_success_rate_figure_alt_text(findings) -> None:
    fig = success_rate_figure(findings)
    assert isinstance(fig, AccessibleFigure)
    assert "53% of major nonviolent campaigns" in fig.alt and "26% of violent" in fig.alt
    assert "twice as often" in fig.alt and "definition" in fig.alt
    assert "323 campaigns, 1900–2006" in fig.caption


def test_success_rate_figure_needs_both_rates(findings) -> None:
    with pytest.raises(ValueError, match="both nonviolent and violent"):
        success_rate_figure([f for f in findings if f.campaign_type != "violent"])


FINDINGS_HEADER = "id,dataset,measure,campaign_type,period,value,qualifier,unit,note,sources\n"
ROW = "a,Study,success_rate,nonviolent,1900-2006,53,exactly,percent,A note.,carr2019\n"


@pytest.mark.parametrize("body, line, words", [
    (ROW + ROW, 3, ["used twice", "first on line 2"]),
    (ROW.replace("1900-2006", "2010-2019"), 2, ["2010–2019", "unverified"]),
    (ROW.replace(",53,", ",153,"), 2, ["above 100"]),
    (ROW.replace("success_rate", "rate"), 2, ["column 'measure'"]),
    (ROW.replace("1900-2006", "2006-1900"), 2, ["column 'period'"]),
    (ROW.replace(",carr2019", ","), 2, ["column 'sources'"]),
    (ROW.replace("percent,", "campaigns,"), 2, ["does not fit the unit"]),
])
def test_malformed_findings(tmp_path: Path, body: str, line: int, words: list[str]) -> None:
    path = tmp_path / "findings.csv"
    path.write_text(FINDINGS_HEADER + body, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_findings(path)
    msg = str(info.value)
    assert f"{path}:{line}:" in msg, msg
    for w in words:
        assert w in msg, msg


# ---- The classifier -----------------------------------------------------------------------

def test_the_forms_are_isms_own_list() -> None:
    assert set(ISM_FORMS) == {"demonstrations", "creative-disruption", "accompanying-farmers",
                              "living-with-families", "documentation"}
    for form in ISM_FORMS.values():
        assert form.source == "ism-about"
        assert set(form.feedback) == {PROTEST, NONCOOPERATION, INTERVENTION}
        assert form.accepted and form.accepted <= set(form.feedback)
        for text in form.feedback.values():
            assert len(text.split()) >= 15, text


@pytest.mark.parametrize("form, right", [
    ("demonstrations", "protest and persuasion"),
    ("creative-disruption", "intervention"),
    ("accompanying-farmers", "Nonviolent intervention"),
    ("accompanying-farmers", "Nonviolent protest and persuasion"),
    ("living-with-families", "intervention"),
    ("living-with-families", "protest"),
    ("documentation", "Nonviolent protest and persuasion"),
])
def test_classifier_accepts_defensible_classes(form: str, right: str) -> None:
    fb = check_classification(form, right)
    assert fb.correct and str(fb).startswith("Correct.")


@pytest.mark.parametrize("form, wrong", [
    ("demonstrations", "noncooperation"),
    ("demonstrations", "intervention"),
    ("creative-disruption", "protest and persuasion"),
    ("accompanying-farmers", "non-cooperation"),
    ("living-with-families", "Noncooperation"),
    ("documentation", "intervention"),
])
def test_classifier_rejects_with_teaching_feedback(form: str, wrong: str) -> None:
    fb = check_classification(form, wrong)
    assert not fb.correct and str(fb).startswith("Not quite.")
    assert len(fb.message.split()) >= 15


def test_two_class_forms_say_why_both_are_accepted() -> None:
    for form in ISM_FORMS.values():
        if len(form.accepted) > 1:
            for c in form.accepted:
                assert "Defensible" in form.feedback[c] and "accepted" in form.feedback[c]


def test_classifier_names_the_valid_options_for_unknown_input() -> None:
    with pytest.raises(QuizError, match="demonstrations"):
        check_classification("hunger strike", "protest")
    with pytest.raises(QuizError, match="Noncooperation"):
        check_classification("documentation", "violence")
    assert sharp_class("  Non-Cooperation ") == NONCOOPERATION
