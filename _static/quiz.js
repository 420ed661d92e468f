// Self-check questions on the static site: choosing an answer shows its feedback.
// No kernel, no other host. The questions are rendered by coursekit.quiz.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches(".course-quiz input[type=radio]")) return;
  var fieldset = input.closest("fieldset");
  var out = fieldset.querySelector(".quiz-feedback");
  var right = input.dataset.correct === "true";
  out.textContent = (right ? "Correct. " : "Not quite. ") + input.dataset.feedback;
  out.className = "quiz-feedback " + (right ? "quiz-right" : "quiz-wrong");
});
