// The share panel, enhanced: the phone's own share sheet where the browser has one, and a
// button that copies the link. Without JavaScript the plain links and the link field remain.
(function () {
  "use strict";

  document.querySelectorAll("[data-share-url]").forEach(function (button) {
    if (typeof navigator.share !== "function") {
      return;
    }
    button.closest("[hidden]").hidden = false;
    button.addEventListener("click", function () {
      navigator
        .share({ title: button.getAttribute("data-share-text"), url: button.getAttribute("data-share-url") })
        .catch(function () {
          // Closed without sharing: nothing to do, the plain links are still there.
        });
    });
  });

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var copied = function () {
        button.textContent = button.getAttribute("data-copied-text");
        if (status) {
          // Emptied first, so that a second copy is announced again.
          status.textContent = "";
          window.setTimeout(function () {
            status.textContent = status.getAttribute("data-copied-text");
          }, 100);
        }
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, function () {});
      } else if (document.execCommand("copy")) {
        copied();
      }
    });
  });
})();
