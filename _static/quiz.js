// Self-check questions: choosing an answer shows its feedback under the question, and
// "Check my answers" sums up. No kernel, no other host. The questions are rendered by
// coursekit.quiz, which also embeds this same script in notebook outputs so that quizzes
// give the same feedback in JupyterLab; whichever copy runs first binds, the other stops.
(function () {
  "use strict";
  if (window.courseQuiz) return;
  window.courseQuiz = true;

  // A translated form carries its own words (data-right, data-wrong, data-score, …).
  function word(form, key, fallback) {
    var value = form && form.getAttribute("data-" + key);
    return value === null || value === undefined ? fallback : value;
  }

  function feedback(fieldset, input) {
    var out = fieldset.querySelector(".quiz-feedback");
    if (!out) return false;
    var form = fieldset.closest("form");
    var right = input.getAttribute("data-correct") === "true";
    out.textContent = (right ? word(form, "right", "Correct. ") : word(form, "wrong", "Not quite. ")) +
      input.getAttribute("data-feedback");
    out.className = "quiz-feedback " + (right ? "quiz-right" : "quiz-wrong");
    return right;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".course-quiz input[type=radio]")) return;
    feedback(input.closest("fieldset"), input);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.course-quiz")) return;
    event.preventDefault();
    var sets = form.querySelectorAll("fieldset");
    var right = 0, missing = [];
    Array.prototype.forEach.call(sets, function (fs, i) {
      var chosen = fs.querySelector("input[type=radio]:checked");
      if (!chosen) missing.push(i + 1);
      else if (feedback(fs, chosen)) right += 1;
    });
    var text, score = form.getAttribute("data-score");
    if (score !== null) {
      text = score.replace("{right}", right).replace("{total}", sets.length);
      if (missing.length) text += " " + word(form, "missing", "").replace("{list}", missing.join(word(form, "sep", ", ")));
      else if (right < sets.length) text += " " + word(form, "again", "");
    } else {
      text = right + " of " + sets.length + (sets.length === 1 ? " answer" : " answers") + " right.";
      if (missing.length) {
        text += " Not answered yet: question" + (missing.length > 1 ? "s " : " ") + missing.join(", ") + ".";
      } else if (right < sets.length) {
        text += " Read the feedback under each question, then try again.";
      }
    }
    var out = form.querySelector(".quiz-summary");
    if (out) out.textContent = text;
  });
})();
