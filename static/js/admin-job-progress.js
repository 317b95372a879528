// A staff page that shows a background job's progress: while the job works
// (#content-main[data-job-working]), fetch the page again every two seconds and put its
// content in place, until the job is done. Without JavaScript, reloading shows the same.
(function () {
  "use strict";
  var INTERVAL = 2000;

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
            main.replaceWith(fresh);
          }
        }
        window.setTimeout(refresh, INTERVAL);
      })
      .catch(function () { window.setTimeout(refresh, INTERVAL); });
  }

  window.setTimeout(refresh, INTERVAL);
})();
