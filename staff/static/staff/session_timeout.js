// Warn a staff member before their idle session ends, and keep it with one press (WCAG 2.2.1).
// The server ends a session left alone for STAFF_SESSION_IDLE_SECONDS (staff.middleware); every
// request starts that time again, and so does "Stay signed in". Nothing here asks the server on
// its own: a page left open and unattended still signs out. Every staff tab of the browser notes
// when it last reached the server in localStorage, so a page left in one tab while the staff
// member works in another neither warns nor says it has ended while the session lives on.
(function () {
  "use strict";

  const dialog = document.getElementById("session-timeout");
  const idleSeconds = dialog ? Number(dialog.dataset.idleSeconds) : 0;
  if (!dialog || typeof dialog.showModal !== "function" || !(idleSeconds > 0)) {
    return;
  }
  // Two minutes ahead, or a quarter of the time for a short one.
  const warningSeconds = Math.min(120, idleSeconds / 4);
  const sharedKey = "staff-session-renewed-at";
  let endsAt = 0;
  let ended = false;

  function restart() {
    const now = Date.now();
    endsAt = now + idleSeconds * 1000;
    try {
      window.localStorage.setItem(sharedKey, String(now));
    } catch (error) {
      // Storage refused (a private window, a full quota): this tab counts on its own.
    }
  }

  // The last time any staff tab of this browser reached the server, as far as this tab knows.
  function renewedElsewhere() {
    try {
      return Number(window.localStorage.getItem(sharedKey)) || 0;
    } catch (error) {
      return 0;
    }
  }

  function show(hasEnded) {
    ended = hasEnded;
    dialog.querySelectorAll("[data-while-open]").forEach((element) => {
      element.hidden = hasEnded;
    });
    dialog.querySelectorAll("[data-once-ended]").forEach((element) => {
      element.hidden = !hasEnded;
    });
    if (!dialog.open) {
      dialog.showModal();
    }
  }

  // Timers stop while a laptop sleeps: compare with the clock instead of counting on them.
  window.setInterval(() => {
    if (ended) {
      return;
    }
    endsAt = Math.max(endsAt, renewedElsewhere() + idleSeconds * 1000);
    const left = endsAt - Date.now();
    if (left > warningSeconds * 1000 && dialog.open) {
      dialog.close(); // another tab kept the session
    } else if (left <= 0) {
      show(true);
    } else if (left <= warningSeconds * 1000 && !dialog.open) {
      show(false);
    }
  }, 1000);

  dialog.querySelector("[data-keep]").addEventListener("click", async () => {
    let kept = false;
    try {
      const response = await fetch(dialog.dataset.keepUrl, {
        credentials: "same-origin",
        cache: "no-store",
        redirect: "manual", // a session already gone answers with the way to the login page
      });
      kept = response.status === 204;
    } catch (error) {
      kept = false;
    }
    if (kept) {
      restart();
      dialog.close();
    } else {
      show(true);
    }
  });
  dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());

  restart();
})();
