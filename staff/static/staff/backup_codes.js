// Copy the backup codes to the clipboard: the button says whether it worked.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-codes]");
  if (!button || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.getAttribute("data-copy-codes")).then(
      function () {
        button.textContent = button.getAttribute("data-copied-label");
      },
      function () {
        button.textContent = button.getAttribute("data-failed-label");
      }
    );
  });
})();
