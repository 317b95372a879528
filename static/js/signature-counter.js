// Keeps each signature counter live by polling our own JSON endpoint (data-count-url).
// Without JavaScript the number rendered by the server stays right, if a few seconds old.
(function () {
  "use strict";

  var MINIMUM_INTERVAL_SECONDS = 1;

  function render(counter, count, goal, label) {
    var language = document.documentElement.lang || undefined;
    counter.setAttribute("data-signature-count", String(count));
    counter.setAttribute("data-signature-goal", String(goal));
    var number = counter.querySelector("[data-count-number]");
    if (number) {
      number.textContent = count.toLocaleString(language);
    }
    var labelText = counter.querySelector("[data-count-label]");
    if (labelText && typeof label === "string") {
      labelText.textContent = label;
    }
    var goalText = counter.querySelector("[data-count-goal]");
    if (goalText) {
      goalText.textContent = goal.toLocaleString(language);
    }
    // "No signature yet" gives way to the number with the first one.
    counter.querySelectorAll("[data-count-when]").forEach(function (line) {
      line.hidden = line.getAttribute("data-count-when") !== (count > 0 ? "some" : "none");
    });
    var progress = counter.querySelector("progress");
    if (progress) {
      progress.max = goal;
      progress.value = count;
    }
  }

  function refresh(counter) {
    if (document.hidden) {
      return;
    }
    fetch(counter.getAttribute("data-count-url"), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && typeof data.count === "number" && typeof data.goal === "number") {
          render(counter, data.count, data.goal, data.label);
        }
      })
      .catch(function () {
        // Offline or the server is busy: keep the last number and try again later.
      });
  }

  function start(counter) {
    // The script may be included next to several counters: start each one once.
    if (counter.hasAttribute("data-count-live")) {
      return;
    }
    counter.setAttribute("data-count-live", "");
    var seconds = parseInt(counter.getAttribute("data-count-interval"), 10);
    if (!(seconds >= MINIMUM_INTERVAL_SECONDS)) {
      return;
    }
    window.setInterval(function () {
      refresh(counter);
    }, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      refresh(counter);
    });
  }

  document.querySelectorAll("[data-signature-count][data-count-url]").forEach(start);
})();
