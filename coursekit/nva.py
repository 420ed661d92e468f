"""Nonviolent action: Gene Sharp's 198 methods, Chenoweth and Stephan's findings, a classifier.

Used by the chapter *What nonviolent action is, and what the evidence says*.

- :func:`load_sharp_methods` reads ``coursekit/data/sharp-methods.csv`` and checks it
  against the Albert Einstein Institution's numbering (:data:`SHARP_SUBCLASSES`, source key
  ``aei198``); :func:`class_counts` and :func:`subclass_counts` count it; :func:`sharp_figure`
  charts it.
- :func:`load_findings` reads ``coursekit/data/chenoweth-stephan.csv``, a small cited table
  of research findings; :func:`success_rate_figure` charts the success rates.
- :func:`check_classification` is the self-check for the chapter's activity: it says whether
  one of ISM's own forms of action (:data:`ISM_FORMS`) fits a given class of Sharp's, and why.

Every data error is a :class:`~coursekit.datafiles.DataFileError` naming the file, the line
and the problem.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .datafiles import DataFileError, data_path, load_table, non_empty, source_keys
from .figures import HATCHES, PALETTE, PHONE_MIN_POINTS, AccessibleFigure, new_figure, phone_figure, show
from .quiz import Feedback, QuizError
from .text import is_rtl, language, text_style, tr

# --------------------------------------------------------------------------------------------
# Sharp's classes and sub-classes (source: aei198, as recorded in the course fact sheet §3.1)
# --------------------------------------------------------------------------------------------

PROTEST = "Nonviolent protest and persuasion"
NONCOOPERATION = "Noncooperation"
INTERVENTION = "Nonviolent intervention"

#: The three broad classes and their number ranges (inclusive), in the AEI order. [aei198]
SHARP_CLASSES: tuple[tuple[str, int, int], ...] = (
    (PROTEST, 1, 54),
    (NONCOOPERATION, 55, 157),
    (INTERVENTION, 158, 198),
)

#: Every sub-class with its class and number range (inclusive), in the AEI order. [aei198]
SHARP_SUBCLASSES: tuple[tuple[str, str, int, int], ...] = (
    (PROTEST, "Formal statements", 1, 6),
    (PROTEST, "Communications with a wider audience", 7, 12),
    (PROTEST, "Group representations", 13, 17),
    (PROTEST, "Symbolic public acts", 18, 30),
    (PROTEST, "Pressures on individuals", 31, 34),
    (PROTEST, "Drama and music", 35, 37),
    (PROTEST, "Processions", 38, 42),
    (PROTEST, "Honouring the dead", 43, 46),
    (PROTEST, "Public assemblies", 47, 50),
    (PROTEST, "Withdrawal and renunciation", 51, 54),
    (NONCOOPERATION, "Social noncooperation", 55, 70),
    (NONCOOPERATION, "Economic noncooperation: economic boycotts", 71, 96),
    (NONCOOPERATION, "Economic noncooperation: the strike", 97, 119),
    (NONCOOPERATION, "Political noncooperation", 120, 157),
    (INTERVENTION, "Psychological intervention", 158, 161),
    (INTERVENTION, "Physical intervention", 162, 173),
    (INTERVENTION, "Social intervention", 174, 180),
    (INTERVENTION, "Economic intervention", 181, 192),
    (INTERVENTION, "Political intervention", 193, 198),
)

N_METHODS = 198

#: Two names the fact sheet itself gives (from the Swarthmore database, which uses the AEI
#: numbering) [gnad-methods] [du-gnad]; the data file's names come from the AEI list [aei198]
#: and a test checks that it agrees with the fact sheet on these two.
FACT_SHEET_NAMES: dict[int, str] = {97: "Protest strike", 179: "Alternative social institutions"}


def sharp_place(number: int) -> tuple[str, str]:
    """Return ``(class, sub-class)`` for a method number by the AEI numbering.

    >>> sharp_place(97)
    ('Noncooperation', 'Economic noncooperation: the strike')
    """
    for class_name, subclass, lo, hi in SHARP_SUBCLASSES:
        if lo <= number <= hi:
            return class_name, subclass
    raise ValueError(f"{number} is not a method number (they run from 1 to {N_METHODS})")


@dataclass(frozen=True)
class SharpMethod:
    """One of Sharp's 198 methods as listed in the data file."""

    number: int
    name: str
    class_name: str
    subclass: str


def _method_number(text: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise ValueError("method numbers are whole numbers such as 7 or 120")
    number = int(text)
    if not 1 <= number <= N_METHODS:
        raise ValueError(f"method numbers run from 1 to {N_METHODS}")
    return number


def validate_sharp(methods: Sequence[SharpMethod], source: str = "sharp-methods.csv") -> None:
    """Check the methods against the AEI numbering; raise :class:`DataFileError` if they differ.

    ``methods`` are in file order (the first on line 2, after the header). Checks: every
    number lies in 1–198 and appears once; each row's class and sub-class are the ones its
    number falls in (:data:`SHARP_SUBCLASSES`); and there are exactly 198 rows.
    """
    first_line: dict[int, int] = {}
    for i, m in enumerate(methods):
        line = i + 2
        try:
            class_name, subclass = sharp_place(m.number)
        except ValueError as err:
            raise DataFileError(f"{source}:{line}: {err}") from None
        if m.number in first_line:
            raise DataFileError(
                f"{source}:{line}: method {m.number} is listed twice "
                f"(first on line {first_line[m.number]})"
            )
        first_line[m.number] = line
        if m.class_name != class_name:
            raise DataFileError(
                f"{source}:{line}: method {m.number} belongs to the class '{class_name}' "
                f"in the AEI numbering, not '{m.class_name}'"
            )
        if m.subclass != subclass:
            raise DataFileError(
                f"{source}:{line}: method {m.number} belongs to the sub-class '{subclass}' "
                f"in the AEI numbering, not '{m.subclass}'"
            )
    if len(methods) != N_METHODS:
        missing = sorted(set(range(1, N_METHODS + 1)) - set(first_line))
        raise DataFileError(
            f"{source}:{len(methods) + 1}: the file ends after {len(methods)} methods; "
            f"expected {N_METHODS}" + (f" (missing numbers: {missing[:10]})" if missing else "")
        )


def load_sharp_methods(path: str | Path | None = None) -> list[SharpMethod]:
    """Load and check Sharp's 198 methods (default: the file shipped with the course).

    Returns them sorted by number. Raises :class:`DataFileError` naming file, line and problem.
    """
    path = Path(path) if path is not None else data_path("sharp-methods.csv")
    rows = load_table(
        path,
        {"number": _method_number, "name": non_empty, "class": non_empty, "subclass": non_empty},
    )
    methods = [SharpMethod(r["number"], r["name"], r["class"], r["subclass"]) for r in rows]
    validate_sharp(methods, str(path))
    return sorted(methods, key=lambda m: m.number)


def class_counts(methods: Sequence[SharpMethod]) -> dict[str, int]:
    """Number of methods in each class, in the AEI order."""
    counts = Counter(m.class_name for m in methods)
    return {name: counts[name] for name, _, _ in SHARP_CLASSES}


def subclass_counts(methods: Sequence[SharpMethod]) -> dict[str, int]:
    """Number of methods in each sub-class, in the AEI order."""
    counts = Counter(m.subclass for m in methods)
    return {subclass: counts[subclass] for _, subclass, _, _ in SHARP_SUBCLASSES}


def sharp_alt_text(methods: Sequence[SharpMethod]) -> str:
    """Alt text stating what the class and sub-class counts show."""
    by_class = class_counts(methods)
    by_sub = subclass_counts(methods)
    top_class = max(by_class, key=by_class.__getitem__)
    top_sub = max(by_sub, key=by_sub.__getitem__)
    low_sub = min(by_sub, key=by_sub.__getitem__)
    parts = tr(", ").join(f"{tr(name).lower()} {n}" for name, n in by_class.items())
    return tr("Horizontal bar chart of Gene Sharp's {n} methods by sub-class, grouped by class. "
              "{top_class} is the largest class, with {top_n} of the {n} methods (by class: {parts}). "
              "The largest sub-class is {top_sub} with {top_sub_n} methods; the smallest, {low_sub}, "
              "has {low_sub_n}.", n=len(methods), top_class=tr(top_class), top_n=by_class[top_class],
              parts=parts, top_sub=tr(top_sub).lower(), top_sub_n=by_sub[top_sub],
              low_sub=tr(low_sub).lower(), low_sub_n=by_sub[low_sub])


def sharp_figure(methods: Sequence[SharpMethod]) -> AccessibleFigure:
    """Bar chart of methods per sub-class, grouped and labelled by class (readable in grayscale).

    Each class has its own shade and hatch; class names and counts are written on the chart,
    so no legend or colour is needed to read it.
    """
    return show(
        _draw_sharp(methods, phone=False),
        alt=sharp_alt_text(methods),
        caption=tr("Gene Sharp's {n} methods of nonviolent action by class and sub-class, "
                   "in the Albert Einstein Institution's numbering (aei198).", n=len(methods)),
        phone=_draw_sharp(methods, phone=True),
    )


def _draw_sharp(methods: Sequence[SharpMethod], phone: bool):
    """The Sharp chart, wide (8.5 x 9.5 in) or for a phone (3.6 in wide; sub-class names wrapped)."""
    import textwrap

    by_sub = subclass_counts(methods)
    by_class = class_counts(methods)
    fig, ax = phone_figure(9.0) if phone else new_figure(8.5, 9.5)
    size = PHONE_MIN_POINTS if phone else 10
    y = 0.0
    ticks: list[float] = []
    labels: list[str] = []
    for k, (class_name, _, _) in enumerate(SHARP_CLASSES):
        head = tr("{name}: {n} methods", name=tr(class_name), n=by_class[class_name])
        if phone:  # class headings start at the figure's left edge, across the label column
            from matplotlib.transforms import blended_transform_factory
            ax.text(0.02, y, textwrap.fill(head, 36), fontsize=size + 1, fontweight="bold",
                    va="center", transform=blended_transform_factory(fig.transFigure, ax.transData))
            y += 1.6 if len(head) > 36 else 1
        else:
            ax.text(0, y, head, fontsize=size + 1, fontweight="bold", va="center")
            y += 1
        for cls, subclass, _, _ in SHARP_SUBCLASSES:
            if cls != class_name:
                continue
            n = by_sub[subclass]
            ax.barh(y, n, color=PALETTE[k], hatch=HATCHES[k], edgecolor="black", linewidth=0.6)
            ax.text(n + 0.4, y, str(n), va="center", fontsize=size)
            ticks.append(y)
            name = tr(subclass.replace("Economic noncooperation: ", "Economic: "))
            labels.append(textwrap.fill(name, 20) if phone else name)
            y += 1
        y += 0.6
    ax.set_yticks(ticks, labels, fontsize=size)
    ax.set_ylim(y - 0.4, -1)
    ax.set_xlim(0, max(by_sub.values()) + (6 if phone else 4))
    ax.set_xlabel(tr("Number of methods"), fontsize=size + 1 if phone else None)
    ax.tick_params(axis="y", length=0)
    if phone:  # keep the wrapped sub-class names inside the 3.6-inch width
        fig.subplots_adjust(left=0.44, right=0.97, top=0.98, bottom=0.05)
    return fig


# --------------------------------------------------------------------------------------------
# Chenoweth and Stephan: a small table of cited findings
# --------------------------------------------------------------------------------------------

MEASURES = ("campaigns", "success_rate", "participation")
CAMPAIGN_TYPES = ("both", "nonviolent", "violent", "not stated")
QUALIFIERS = ("exactly", "more than")
UNITS = ("campaigns", "percent", "percent of population")

#: The fact sheet lists success rates for 2010 onwards as unverified; the file must not hold any.
UNVERIFIED_FROM = 2010


@dataclass(frozen=True)
class Finding:
    """One cited research finding (a count, a success rate or a participation level)."""

    id: str
    dataset: str
    measure: str
    campaign_type: str
    period: tuple[int, int] | None
    value: float
    qualifier: str
    unit: str
    note: str
    sources: tuple[str, ...]

    @property
    def period_text(self) -> str:
        """The period as text, such as ``1900–2006`` (or ``period not stated``)."""
        return f"{self.period[0]}–{self.period[1]}" if self.period else "period not stated"

    def __str__(self) -> str:
        value = f"{self.value:g}"
        amount = (f"{value}%" if self.unit == "percent" else f"{value}% of the population"
                  if self.unit == "percent of population" else f"{value} {self.unit}")
        if self.qualifier != "exactly":
            amount = f"{self.qualifier} {amount}"
        return (f"{self.dataset} ({self.period_text}): {self.measure.replace('_', ' ')}, "
                f"{self.campaign_type}: {amount}. {self.note} [{'; '.join(self.sources)}]")


def _one_of(options: tuple[str, ...]):
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"use one of {list(options)}")
        return text
    return parse


def _period(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{4})", text)
    if not m:
        raise ValueError("write a period as YYYY-YYYY, or leave it empty if the source gives none")
    start, end = int(m.group(1)), int(m.group(2))
    if start > end:
        raise ValueError("the period ends before it starts")
    return start, end


def _number(text: str) -> float:
    value = float(text)
    if value < 0:
        raise ValueError("values cannot be negative")
    return value


def validate_findings(findings: Sequence[Finding], source: str = "chenoweth-stephan.csv") -> None:
    """Check the findings table; raise :class:`DataFileError` naming file, line and problem.

    Checks: ids are unique; percentages lie in 0–100; units fit the measure; and no success
    rate covers 2010 or later (the fact sheet lists those rates as unverified).
    """
    seen: dict[str, int] = {}
    for i, f in enumerate(findings):
        line = i + 2
        if f.id in seen:
            raise DataFileError(f"{source}:{line}: id '{f.id}' is used twice "
                                f"(first on line {seen[f.id]})")
        seen[f.id] = line
        if f.unit.startswith("percent") and f.value > 100:
            raise DataFileError(f"{source}:{line}: '{f.id}' is a percentage above 100")
        if (f.measure == "campaigns") != (f.unit == "campaigns"):
            raise DataFileError(f"{source}:{line}: '{f.id}': the measure '{f.measure}' "
                                f"does not fit the unit '{f.unit}'")
        if f.measure == "success_rate" and f.period and f.period[1] >= UNVERIFIED_FROM:
            raise DataFileError(
                f"{source}:{line}: '{f.id}' gives a success rate for {f.period_text}; rates "
                f"from {UNVERIFIED_FROM} on are on the fact sheet's unverified list"
            )


def load_findings(path: str | Path | None = None) -> list[Finding]:
    """Load and check the Chenoweth–Stephan findings (default: the file shipped with the course)."""
    path = Path(path) if path is not None else data_path("chenoweth-stephan.csv")
    rows = load_table(path, {
        "id": non_empty, "dataset": non_empty, "measure": _one_of(MEASURES),
        "campaign_type": _one_of(CAMPAIGN_TYPES), "period": _period, "value": _number,
        "qualifier": _one_of(QUALIFIERS), "unit": _one_of(UNITS), "note": non_empty,
        "sources": source_keys,
    })
    findings = [Finding(**r) for r in rows]
    validate_findings(findings, str(path))
    return findings


def success_rate_figure(findings: Sequence[Finding]) -> AccessibleFigure:
    """Bar chart of the success rates of nonviolent and violent campaigns, labelled directly."""
    rates = [f for f in findings if f.measure == "success_rate"]
    by_type = {f.campaign_type: f for f in rates}
    if not {"nonviolent", "violent"} <= set(by_type):
        raise ValueError("need a success rate for both nonviolent and violent campaigns")
    nv, v = by_type["nonviolent"], by_type["violent"]
    total = next((f for f in findings if f.measure == "campaigns" and f.dataset == nv.dataset),
                 None)
    scope = (tr("{n} campaigns, {period}", n=f"{total.value:g}", period=tr(nv.period_text))
             if total else tr(nv.period_text))
    def draw(phone: bool):
        fig, ax = phone_figure(3.9) if phone else new_figure(6.5, 3.6)
        bars = [(tr("Nonviolent\ncampaigns") if phone else tr("Nonviolent campaigns"), nv.value, 0),
                (tr("Violent\ncampaigns") if phone else tr("Violent campaigns"), v.value, 2)]
        for x, (_, value, k) in enumerate(bars):
            ax.bar(x, value, width=0.6, color=PALETTE[k], hatch=HATCHES[k], edgecolor="black")
            ax.text(x, value + 1.5, f"{value:g}%", ha="center", fontsize=13, fontweight="bold")
        ax.set_xticks([0, 1], [b[0] for b in bars], fontsize=11)
        ax.set_ylim(0, 100)
        ax.set_ylabel(tr("Campaigns that succeeded (%)"), fontsize=PHONE_MIN_POINTS if phone else None)
        title = tr("{dataset}: {scope}", dataset=tr(nv.dataset), scope=scope)
        note = tr("What counts as success depends on the definition: see the caveats.")
        if phone:
            import textwrap
            title, note = textwrap.fill(title, 36), textwrap.fill(note, 38)
        ax.set_title(title, loc="right" if is_rtl() else "left", fontsize=11)
        ax.text(0.5, 86 if phone else 88, note, ha="center", va="top" if phone else "baseline",
                fontsize=PHONE_MIN_POINTS if phone else 9, style=text_style())
        return fig

    fig = draw(phone=False)
    ratio = nv.value / v.value if v.value else float("inf")
    # both phrasings are looked up, so each is in the catalogue whichever the data needs
    twice, times = tr("twice"), tr("{r} times", r=f"{ratio:.1f}")
    times = twice if round(ratio, 1) in (1.9, 2.0, 2.1) else times
    return show(
        fig,
        alt=tr("Bar chart: in Chenoweth and Stephan's study ({scope}), {nv}% of major nonviolent "
               "campaigns succeeded against {v}% of violent ones, about {times} as often; what "
               "counts as success depends on the definition used.",
               scope=scope, nv=f"{nv.value:g}", v=f"{v.value:g}", times=times),
        caption=tr("Success rates reported for Chenoweth and Stephan's campaigns ({scope}; "
                   "sources: {sources}). The sources on the fact sheet do not show which definition "
                   "of success they use; see the caveats in the text.",
                   scope=scope, sources=tr(", ").join(nv.sources)),
        phone=draw(phone=True),
    )


# --------------------------------------------------------------------------------------------
# The activity: classify ISM's own forms of action into Sharp's classes
# --------------------------------------------------------------------------------------------

_CLASS_ALIASES = {
    "nonviolent protest and persuasion": PROTEST, "protest and persuasion": PROTEST,
    "protest": PROTEST, "persuasion": PROTEST,
    "noncooperation": NONCOOPERATION, "non-cooperation": NONCOOPERATION,
    "nonviolent noncooperation": NONCOOPERATION,
    "nonviolent intervention": INTERVENTION, "intervention": INTERVENTION,
}


@dataclass(frozen=True)
class ActionForm:
    """One of ISM's own forms of action, with feedback for each of Sharp's classes.

    ``accepted`` holds the class or classes that can be defended from Sharp's class and
    sub-class names; ``feedback`` explains every class, right or wrong. Both texts are in
    English; :attr:`description` and :func:`check_classification` give the edition's language.
    """

    key: str
    english: str
    source: str
    accepted: frozenset[str]
    feedback: dict[str, str]

    @property
    def description(self) -> str:
        """The form as ISM names it, in the edition's language."""
        return tr(self.english)


#: ISM's forms of action as its "Who We Are" page lists them (fact sheet §1.3, key ism-about).
ISM_FORMS: dict[str, ActionForm] = {
    form.key: form for form in (
        ActionForm(
            key="demonstrations",
            english="Joining nonviolent demonstrations",
            source="ism-about",
            accepted=frozenset({PROTEST}),
            feedback={
                PROTEST: (
                    "A demonstration expresses opposition and tries to move onlookers, the media "
                    "and the other side. Sharp's protest-and-persuasion class has sub-classes "
                    "named Processions and Public assemblies, which is where a march or rally "
                    "sits."),
                NONCOOPERATION: (
                    "Marching or rallying does not withhold anything the other side relies on, "
                    "such as labour, custom or obedience, which is what noncooperation means. "
                    "Look at what a demonstration does: it shows and persuades."),
                INTERVENTION: (
                    "A demonstration usually shows opposition rather than physically getting in "
                    "the way. If people sat down to block a road, that act would be "
                    "intervention, but it is then a different form (see creative disruption). "
                    "As a march or rally it is protest and persuasion."),
            },
        ),
        ActionForm(
            key="creative-disruption",
            english="Creatively disrupting the activity of the occupation forces",
            source="ism-about",
            accepted=frozenset({INTERVENTION}),
            feedback={
                PROTEST: (
                    "Creative actions often borrow from drama and symbolic acts, but the aim "
                    "named here is to disrupt: to interfere with the activity itself, not only "
                    "to comment on it. Interfering directly is what the intervention class "
                    "covers."),
                NONCOOPERATION: (
                    "Noncooperation withdraws something the other side needs; disruption adds "
                    "something that gets in its way. The difference is between refusing to take "
                    "part and stepping in."),
                INTERVENTION: (
                    "Disrupting an activity interferes with it directly, which is what Sharp's "
                    "intervention class, with its physical and political sub-classes, is for."),
            },
        ),
        ActionForm(
            key="accompanying-farmers",
            english="Accompanying farmers to their land",
            source="ism-about",
            accepted=frozenset({INTERVENTION, PROTEST}),
            feedback={
                PROTEST: (
                    "Defensible. ISM's own reasons for international presence include bearing "
                    "witness and sending a message to the media and to people back home, which "
                    "is persuasion. Many would put accompaniment first under intervention, "
                    "because the presence is meant to change what happens in the grove; both "
                    "readings are accepted."),
                NONCOOPERATION: (
                    "Accompaniment adds a presence; it does not withhold cooperation. If the "
                    "farmers themselves were defying an order to keep off their land, you could "
                    "argue that their act is noncooperation, but the volunteers' part is being "
                    "there. Try intervention or protest and persuasion."),
                INTERVENTION: (
                    "Defensible. Being physically present beside farmers is meant to change "
                    "what happens on the spot (ISM claims presence has reduced attacks on "
                    "harvesters), which fits physical or social intervention. The witness it "
                    "bears also persuades, so protest and persuasion is accepted too."),
            },
        ),
        ActionForm(
            key="living-with-families",
            english="Living with or near families facing eviction, demolition or "
                    "settler harassment",
            source="ism-about",
            accepted=frozenset({INTERVENTION, PROTEST}),
            feedback={
                PROTEST: (
                    "Defensible. Staying with a family is a visible act of solidarity and a "
                    "way to bear witness and report, which persuades. But it goes further than "
                    "a symbol: people are physically where the eviction or demolition would "
                    "happen, so many would class it first as intervention. Both are accepted."),
                NONCOOPERATION: (
                    "Living with a family does not withdraw labour, custom or obedience from "
                    "anyone; it adds people to a place under threat. Ask whether the act "
                    "withholds something or steps in."),
                INTERVENTION: (
                    "Defensible. Placing yourself in a home under threat is a physical "
                    "presence meant to change what happens there, which is intervention. "
                    "Because it also bears witness, protest and persuasion is accepted too."),
            },
        ),
        ActionForm(
            key="documentation",
            english="Documenting and reporting daily life and rights violations to local "
                    "and international media",
            source="ism-about",
            accepted=frozenset({PROTEST}),
            feedback={
                PROTEST: (
                    "Reporting to the media speaks to a wider audience and tries to change "
                    "minds; Sharp's protest-and-persuasion class has a sub-class named "
                    "Communications with a wider audience. ISM adds a second aim, evidence for "
                    "accountability, which is persuasion aimed at police and courts."),
                NONCOOPERATION: (
                    "Documenting withholds nothing from anyone; it records and tells. "
                    "Noncooperation means refusing cooperation the other side relies on."),
                INTERVENTION: (
                    "Filming often happens alongside presence, and presence can be "
                    "intervention. But documentation and reporting as such do not get in the "
                    "way of the act; they record it and tell others. That is communication "
                    "with a wider audience, in the protest-and-persuasion class."),
            },
        ),
    )
}


def sharp_class(name: str) -> str:
    """Return the canonical name of one of Sharp's classes from a loose spelling.

    >>> sharp_class("intervention")
    'Nonviolent intervention'
    """
    key = " ".join(str(name).lower().replace("-", " ").split())
    key = key.replace("non cooperation", "noncooperation")
    if key in _CLASS_ALIASES:
        return _CLASS_ALIASES[key]
    raise QuizError(f"{name!r} is not one of Sharp's classes; use one of: "
                    f"{', '.join(c for c, _, _ in SHARP_CLASSES)}")


def check_classification(form: str, class_name: str) -> Feedback:
    """Say whether ISM's form of action ``form`` fits Sharp's class ``class_name``, and why.

    ``form`` is a key of :data:`ISM_FORMS` (such as ``"demonstrations"``); ``class_name`` is
    one of Sharp's three classes, spelt loosely (``"intervention"`` works). Raises
    :class:`~coursekit.quiz.QuizError` listing the valid options for an unknown form or class.

    >>> check_classification("documentation", "protest and persuasion").correct
    True
    """
    if form not in ISM_FORMS:
        raise QuizError(f"{form!r} is not one of the forms in the activity; use one of: "
                        f"{', '.join(ISM_FORMS)}")
    action = ISM_FORMS[form]
    chosen = sharp_class(class_name)
    # every form's feedback is looked up, so each is in the catalogue whichever is checked
    feedback = {(f.key, c): tr(text) for f in ISM_FORMS.values() for c, text in f.feedback.items()}
    return Feedback(chosen in action.accepted, feedback[form, chosen], language=language())
