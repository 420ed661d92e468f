"""Self-check questions with feedback that teaches.

A quiz bank is a YAML file in ``coursekit/quizzes/`` (one per part of the
course). Each question has a prompt and lettered choices; exactly one choice
is right, and every choice carries feedback explaining why it is right or
what it misses.

The same bank serves two readers:

- in a running notebook, ``quiz.check("q-id", "b")`` returns :class:`Feedback`;
- on the static site and in JupyterLab, ``quiz.show("q-id")`` renders a small form that
  ``_static/quiz.js`` makes interactive with no kernel and no other host. The form carries
  a copy of that script (JupyterLab runs it in a trusted output, that is, once the reader
  has run the cell); on the site the page's own ``quiz.js`` binds first and the copy stops
  (the site extension also strips the copy to keep pages light).

Accessibility: each question is a ``fieldset`` (a group) with its prompt as ``legend``; the
form is named by the quiz's title (a landmark to jump to) and has a real submit button
("Check my answers"); each question's feedback and
the summary sit in live regions (``role="status"``) that are rendered, empty, from the start,
so screen readers announce the first answer's feedback.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

MIN_FEEDBACK_WORDS = 6
#: The site's quiz script; its text is embedded in each rendered quiz for JupyterLab.
QUIZ_SCRIPT = Path(__file__).resolve().parent.parent / "_static" / "quiz.js"
#: Marks the embedded copy so the site build can strip it (``coursekit.site_purge``).
SCRIPT_MARK = "data-course-quiz"
#: The environment variable that names the course's language (the Arabic build sets it to
#: ``ar`` before notebooks run, so ``load_quiz`` picks the Arabic bank).
LANGUAGE_ENV = "COURSE_LANGUAGE"
#: Where each language's banks live (English: the package's ``quizzes/``).
BANK_DIR = {"en": "", "ar": "ar"}
#: The key in a translated bank that records the SHA-256 of the English bank it translates.
SOURCE_KEY = "english_sha256"
#: The words a form shows, per language (``quiz.js`` reads them from the form's data attributes).
UI: dict[str, dict[str, str]] = {
    "en": {"title": "Self-check", "submit": "Check my answers", "right": "Correct. ",
           "wrong": "Not quite. ", "letters": "abcdef"},
    "ar": {"title": "اختبار ذاتي", "submit": "تحقّق من إجاباتي", "right": "إجابة صحيحة. ",
           "wrong": "ليست هذه الإجابة. ", "letters": "أبجدهو",
           "score": "الإجابات الصحيحة: {right} من {total}.",
           "missing": "لم تُجب بعدُ عن: {list}.",
           "again": "اقرأ الملاحظة تحت كل سؤال، ثم حاول من جديد.",
           "sep": "، "},
}
#: Feedback must not open with a verdict: the page adds one (an Arabic bank's rule too).
VERDICT_OPENERS: dict[str, tuple[str, ...]] = {
    "en": ("correct", "yes", "right", "not quite", "no", "wrong", "incorrect"),
    "ar": ("صحيح", "صح", "خطأ", "خاطئ", "نعم", "لا", "أحسنت", "ليس تمام", "للأسف", "إجابة"),
}


def course_language() -> str:
    """The language pages are being built in: ``$COURSE_LANGUAGE`` if it names one, else English."""
    lang = os.environ.get(LANGUAGE_ENV, "en").strip() or "en"
    return lang if lang in BANK_DIR else "en"


@functools.lru_cache(maxsize=1)
def quiz_script() -> str:
    """The quiz script's source (``_static/quiz.js``), or ``""`` if the file is not there.

    Without it the quiz still renders as questions; only JupyterLab's feedback is lost.
    """
    try:
        return QUIZ_SCRIPT.read_text(encoding="utf-8")
    except OSError:
        return ""


class QuizError(ValueError):
    """A quiz bank is malformed, or a question or answer does not exist."""


@dataclass(frozen=True)
class Choice:
    """One answer option."""

    letter: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Feedback:
    """The result of checking an answer."""

    correct: bool
    message: str
    language: str = "en"

    def __str__(self) -> str:
        ui = UI.get(self.language, UI["en"])
        return (ui["right"] if self.correct else ui["wrong"]) + self.message

    def _repr_html_(self) -> str:
        cls = "quiz-right" if self.correct else "quiz-wrong"
        return f'<p class="quiz-feedback {cls}">{html.escape(str(self))}</p>'

    def __repr__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Question:
    """A multiple-choice question with exactly one right choice."""

    qid: str
    prompt: str
    choices: tuple[Choice, ...]
    language: str = "en"

    def check(self, answer: str) -> Feedback:
        """Check ``answer`` (a choice letter such as ``"b"``, any case)."""
        if not isinstance(answer, str):
            raise QuizError(
                f"question '{self.qid}': give the answer as a letter in quotes, e.g. \"a\"; "
                f"got {answer!r}"
            )
        letter = answer.strip().lower().rstrip(")")
        shown = UI.get(self.language, UI["en"])["letters"]
        if letter in shown:  # the letter as the page shows it (أ ب ج د in Arabic)
            letter = string.ascii_lowercase[shown.index(letter)]
        for choice in self.choices:
            if choice.letter == letter:
                return Feedback(choice.correct, choice.feedback, self.language)
        letters = ", ".join(c.letter for c in self.choices)
        raise QuizError(f"question '{self.qid}': {answer!r} is not one of the choices ({letters})")


class Quiz:
    """A named bank of questions loaded from YAML."""

    def __init__(self, name: str, title: str, questions: list[Question], language: str = "en") -> None:
        self.name = name
        self.title = title
        self.questions = {q.qid: q for q in questions}
        self.language = language

    def question(self, qid: str) -> Question:
        """Return the question ``qid`` or raise :class:`QuizError` listing the valid ids."""
        try:
            return self.questions[qid]
        except KeyError:
            raise QuizError(
                f"quiz '{self.name}' has no question '{qid}'; it has: {', '.join(self.questions)}"
            ) from None

    def check(self, qid: str, answer: str) -> Feedback:
        """Check an answer to question ``qid``."""
        return self.question(qid).check(answer)

    def show(self, *qids: str) -> QuizView:
        """Render the named questions (all, if none are named) for the page."""
        chosen = [self.question(q) for q in qids] if qids else list(self.questions.values())
        return QuizView(self.name, chosen, self.title, self.language)


@dataclass(frozen=True)
class QuizView:
    """Questions rendered as an accessible HTML form (and as plain text)."""

    quiz_name: str
    questions: list[Question]
    title: str = ""
    language: str = "en"

    def _repr_html_(self) -> str:
        ui = UI.get(self.language, UI["en"])
        label = html.escape(self.title or ui["title"], quote=True)
        words = "".join(f' data-{key}="{html.escape(ui[key], quote=True)}"'
                        for key in ("right", "wrong", "score", "missing", "again", "sep") if key in ui)
        lang = f' lang="{self.language}"' if self.language != "en" else ""
        parts = [f'<form class="course-quiz" data-quiz="{html.escape(self.quiz_name, quote=True)}"'
                 f'{lang}{words if lang else ""} aria-label="{label}">']
        for q in self.questions:
            base = f"quiz-{self.quiz_name}-{q.qid}"
            parts.append(f'<fieldset><legend>{html.escape(q.prompt)}</legend>')
            for i, c in enumerate(q.choices):
                cid = f"{base}-{c.letter}"
                shown = ui["letters"][i] if i < len(ui["letters"]) else c.letter
                parts.append(
                    f'<div class="quiz-choice"><input type="radio" name="{base}" id="{cid}" '
                    f'value="{c.letter}" data-correct="{str(c.correct).lower()}" '
                    f'data-feedback="{html.escape(c.feedback, quote=True)}">'
                    f'<label for="{cid}">{shown}) {html.escape(c.text)}</label></div>'
                )
            # The live region is always rendered (only the empty paragraph inside is hidden),
            # so it is in the accessibility tree before the first answer arrives.
            parts.append('<div class="quiz-status" role="status" aria-live="polite">'
                         '<p class="quiz-feedback"></p></div></fieldset>')
        parts.append('<p class="quiz-actions"><button type="submit" class="quiz-submit">'
                     f'{html.escape(ui["submit"])}</button></p>'
                     '<p class="quiz-summary" role="status" aria-live="polite"></p>')
        script = quiz_script().replace("</", "<\\/")  # nothing in it may close the element
        if script:
            parts.append(f"<script {SCRIPT_MARK}>{script}</script>")
        parts.append("</form>")
        return "".join(parts)

    def __repr__(self) -> str:
        lines = []
        for q in self.questions:
            lines.append(f"[{q.qid}] {q.prompt}")
            lines.extend(f"   {c.letter}) {c.text}" for c in q.choices)
        return "\n".join(lines)


def _parse(name: str, data: object, origin: str, language: str = "en") -> Quiz:
    if not isinstance(data, dict) or "questions" not in data or "title" not in data:
        raise QuizError(f"{origin}: a quiz bank needs 'title' and 'questions'")
    questions: list[Question] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["questions"], start=1):
        where = f"{origin}: question {i}"
        if not isinstance(raw, dict):
            raise QuizError(f"{where}: must be a mapping with id, prompt and choices")
        qid, prompt, raw_choices = raw.get("id"), raw.get("prompt"), raw.get("choices")
        if not qid or not prompt or not isinstance(raw_choices, list):
            raise QuizError(f"{where}: needs an id, a prompt and a list of choices")
        if qid in seen:
            raise QuizError(f"{where}: duplicate id '{qid}'")
        seen.add(qid)
        if not 2 <= len(raw_choices) <= 6:
            raise QuizError(f"{where} ('{qid}'): needs 2 to 6 choices, has {len(raw_choices)}")
        choices = []
        for letter, rc in zip(string.ascii_lowercase, raw_choices, strict=False):
            text, feedback = rc.get("text"), rc.get("feedback", "")
            if not text:
                raise QuizError(f"{where} ('{qid}'), choice {letter}: has no text")
            if len(str(feedback).split()) < MIN_FEEDBACK_WORDS:
                raise QuizError(
                    f"{where} ('{qid}'), choice {letter}: feedback must teach "
                    f"(at least {MIN_FEEDBACK_WORDS} words)"
                )
            choices.append(Choice(letter, str(text), bool(rc.get("correct", False)), str(feedback)))
        right = sum(c.correct for c in choices)
        if right != 1:
            raise QuizError(f"{where} ('{qid}'): needs exactly one correct choice, has {right}")
        questions.append(Question(str(qid), str(prompt), tuple(choices), language))
    if not questions:
        raise QuizError(f"{origin}: has no questions")
    return Quiz(name, str(data["title"]), questions, language)


def bank_path(name: str, language: str = "en") -> Path:
    """Where the bank ``name`` is kept in ``language`` (it may not exist)."""
    folder = resources.files("coursekit") / "quizzes"
    sub = BANK_DIR.get(language, "")
    return Path(str(folder / sub / f"{name}.yml")) if sub else Path(str(folder / f"{name}.yml"))


def english_digest(name: str) -> str:
    """SHA-256 of the English bank's bytes, recorded in its translations as ``english_sha256``."""
    return hashlib.sha256(bank_path(name).read_bytes()).hexdigest()


def _read(path: Path) -> object:
    if not path.is_file():
        raise QuizError(f"{path}: no such quiz bank")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise QuizError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from err
    except (OSError, UnicodeDecodeError) as err:
        raise QuizError(f"{path}: cannot be read ({err})") from err


def translation_problems(name: str, language: str) -> list[str]:
    """Why the ``language`` bank of ``name`` cannot stand in for the English one (empty if it can).

    It must be valid, translate the current English (its ``english_sha256``), keep every
    question's id, kind, number of choices and correct choice, and open no feedback with a verdict.
    """
    path = bank_path(name, language)
    try:
        data = _read(path)
        quiz = _parse(name, data, str(path), language)
        english = load_quiz(name, language="en")
    except QuizError as err:
        return [str(err)]
    assert isinstance(data, dict)
    problems = []
    if data.get(SOURCE_KEY) != english_digest(name):
        problems.append(f"{path}: out of date: the English bank changed since it was translated "
                        f"(check it, then run `python tools/po_work.py quiz-check {name}`)")
    raw_en = {q["id"]: q for q in _read(bank_path(name))["questions"]}  # type: ignore[index]
    raw_tr = {q["id"]: q for q in data["questions"]}
    if list(raw_tr) != list(raw_en):
        problems.append(f"{path}: question ids differ from the English: {list(raw_tr)} vs {list(raw_en)}")
    for qid, q in english.questions.items():
        t = quiz.questions.get(qid)
        if t is None:
            continue
        if raw_en[qid].get("kind") != raw_tr[qid].get("kind"):
            problems.append(f"{path}: '{qid}': kind differs from the English")
        if [c.correct for c in t.choices] != [c.correct for c in q.choices]:
            problems.append(f"{path}: '{qid}': choices or the correct one differ from the English")
        words = "|".join(map(re.escape, VERDICT_OPENERS[language]))
        opener = re.compile(rf"^(?:{words})(?![A-Za-z\u0621-\u064a])", re.I)  # a whole word
        for c in t.choices:
            if opener.match(c.feedback.strip()):
                problems.append(f"{path}: '{qid}' {c.letter}: feedback opens with a verdict word")
    return problems


def load_quiz(name: str, path: str | Path | None = None, language: str | None = None) -> Quiz:
    """Load the quiz bank ``name`` (``coursekit/quizzes/NAME.yml``, or ``path`` if given).

    In another language (``language``, else ``$COURSE_LANGUAGE``) the translated bank
    ``coursekit/quizzes/<lang>/NAME.yml`` is used; an out-of-date translation raises
    :class:`QuizError` (the build reports it), and a missing one falls back to English, which the
    Arabic site marks as English on the page.
    """
    if path is not None:
        return _parse(name, _read(Path(path)), str(path))
    language = course_language() if language is None else language
    if language != "en" and bank_path(name, language).is_file():
        problems = translation_problems(name, language)
        if problems:
            raise QuizError(problems[0])
        chosen = bank_path(name, language)
        return _parse(name, _read(chosen), str(chosen), language)
    english = bank_path(name)
    return _parse(name, _read(english), str(english))


def available_quizzes() -> list[str]:
    """Names of all quiz banks shipped with the course."""
    folder = Path(str(resources.files("coursekit") / "quizzes"))
    return sorted(p.stem for p in folder.glob("*.yml"))
