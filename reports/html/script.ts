// The report's only script, a progressive enhancement: a button that copies the replay command.
// Everything else (timeline, charts, matrix) is static markup and works with scripts disabled.

export const SCRIPT = `
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var text = document.getElementById(button.getAttribute("data-copy")).textContent;
  navigator.clipboard.writeText(text).then(function () {
    button.textContent = "Copied";
    setTimeout(function () { button.textContent = "Copy"; }, 1500);
  });
});
`;
