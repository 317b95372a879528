// A staff page that shows a background job's progress: while the job works
// (#content-main[data-job-working]), fetch the page again every two seconds and put its
// content in place, until the job is done. Without JavaScript, reloading shows the same.
// The control that had the focus keeps it (a keyboard user on "Cancel" stays there), and a
// change of what [data-job-announce] says is read out by the page's status region.
(function () {
  "use strict";
  var INTERVAL = 2000;

  // A selector that finds the focused control again in the fresh content, or null.
  function focusedSelector(main) {
    var element = document.activeElement;
    if (!element || !main.contains(element)) {
      return null;
    }
    if (element.id) {
      return "#" + CSS.escape(element.id);
    }
    if (element.name) {
      return element.tagName.toLowerCase() + '[name="' + CSS.escape(element.name) + '"]';
    }
    if (element.getAttribute("href")) {
      return 'a[href="' + CSS.escape(element.getAttribute("href")) + '"]';
    }
    return null;
  }

  function announced(root) {
    var element = root.querySelector("[data-job-announce]");
    return element ? element.textContent.trim() : "";
  }

  function refresh() {
    var main = document.getElementById("content-main");
    if (!main || !main.hasAttribute("data-job-working")) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("content-main");
          if (fresh) {
            var selector = focusedSelector(main);
            var before = announced(main);
            main.replaceWith(fresh);
            var again = selector ? fresh.querySelector(selector) : null;
            if (again) {
              again.focus({ preventScroll: true });
            }
            var status = document.getElementById("job-status-announcer");
            var now = announced(fresh);
            if (status && now !== before) {
              status.textContent = now;
            }
          }
        }
        window.setTimeout(refresh, INTERVAL);
      })
      .catch(function () { window.setTimeout(refresh, INTERVAL); });
  }

  window.setTimeout(refresh, INTERVAL);
})();
