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
import html
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

    def __str__(self) -> str:
        return ("Correct. " if self.correct else "Not quite. ") + self.message

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

    def check(self, answer: str) -> Feedback:
        """Check ``answer`` (a choice letter such as ``"b"``, any case)."""
        if not isinstance(answer, str):
            raise QuizError(
                f"question '{self.qid}': give the answer as a letter in quotes, e.g. \"a\"; "
                f"got {answer!r}"
            )
        letter = answer.strip().lower().rstrip(")")
        for choice in self.choices:
            if choice.letter == letter:
                return Feedback(choice.correct, choice.feedback)
        letters = ", ".join(c.letter for c in self.choices)
        raise QuizError(f"question '{self.qid}': {answer!r} is not one of the choices ({letters})")


class Quiz:
    """A named bank of questions loaded from YAML."""

    def __init__(self, name: str, title: str, questions: list[Question]) -> None:
        self.name = name
        self.title = title
        self.questions = {q.qid: q for q in questions}

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
        return QuizView(self.name, chosen, self.title)


@dataclass(frozen=True)
class QuizView:
    """Questions rendered as an accessible HTML form (and as plain text)."""

    quiz_name: str
    questions: list[Question]
    title: str = ""

    def _repr_html_(self) -> str:
        label = html.escape(self.title or "Self-check", quote=True)
        parts = [f'<form class="course-quiz" data-quiz="{html.escape(self.quiz_name, quote=True)}" '
                 f'aria-label="{label}">']
        for q in self.questions:
            base = f"quiz-{self.quiz_name}-{q.qid}"
            parts.append(f'<fieldset><legend>{html.escape(q.prompt)}</legend>')
            for c in q.choices:
                cid = f"{base}-{c.letter}"
                parts.append(
                    f'<div class="quiz-choice"><input type="radio" name="{base}" id="{cid}" '
                    f'value="{c.letter}" data-correct="{str(c.correct).lower()}" '
                    f'data-feedback="{html.escape(c.feedback, quote=True)}">'
                    f'<label for="{cid}">{c.letter}) {html.escape(c.text)}</label></div>'
                )
            # The live region is always rendered (only the empty paragraph inside is hidden),
            # so it is in the accessibility tree before the first answer arrives.
            parts.append('<div class="quiz-status" role="status" aria-live="polite">'
                         '<p class="quiz-feedback"></p></div></fieldset>')
        parts.append('<p class="quiz-actions"><button type="submit" class="quiz-submit">'
                     'Check my answers</button></p>'
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


def _parse(name: str, data: object, origin: str) -> Quiz:
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
        questions.append(Question(str(qid), str(prompt), tuple(choices)))
    if not questions:
        raise QuizError(f"{origin}: has no questions")
    return Quiz(name, str(data["title"]), questions)


def load_quiz(name: str, path: str | Path | None = None) -> Quiz:
    """Load the quiz bank ``name`` (``coursekit/quizzes/NAME.yml``, or ``path`` if given)."""
    if path is None:
        path = Path(str(resources.files("coursekit") / "quizzes" / f"{name}.yml"))
    path = Path(path)
    if not path.is_file():
        raise QuizError(f"{path}: no such quiz bank")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise QuizError(f"{path}: not valid YAML ({err})") from err
    return _parse(name, data, str(path))


def available_quizzes() -> list[str]:
    """Names of all quiz banks shipped with the course."""
    folder = Path(str(resources.files("coursekit") / "quizzes"))
    return sorted(p.stem for p in folder.glob("*.yml"))
