// Self-check questions: choosing an answer shows its feedback under the question, and
// "Check my answers" sums up. No kernel, no other host. The questions are rendered by
// coursekit.quiz, which also embeds this same script in notebook outputs so that quizzes
// give the same feedback in JupyterLab; whichever copy runs first binds, the other stops.
(function () {
  "use strict";
  if (window.courseQuiz) return;
  window.courseQuiz = true;

  function feedback(fieldset, input) {
    var out = fieldset.querySelector(".quiz-feedback");
    if (!out) return false;
    var right = input.getAttribute("data-correct") === "true";
    out.textContent = (right ? "Correct. " : "Not quite. ") + input.getAttribute("data-feedback");
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
    var text = right + " of " + sets.length + (sets.length === 1 ? " answer" : " answers") + " right.";
    if (missing.length) {
      text += " Not answered yet: question" + (missing.length > 1 ? "s " : " ") + missing.join(", ") + ".";
    } else if (right < sets.length) {
      text += " Read the feedback under each question, then try again.";
    }
    var out = form.querySelector(".quiz-summary");
    if (out) out.textContent = text;
  });
})();
