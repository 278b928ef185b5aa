// A send to many people, under way: its figures read again from the server every three seconds and put in place
// of the old ones, until the send has finished. A reload of the page (a meta refresh, as this page had) would take
// a keyboard's focus and a screen reader back to the top each time, and WCAG 2.2.1 does not allow it (axe-core:
// meta-refresh, critical).
"use strict";
(function () {
  const EVERY = 3000;
  function follow() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("send-figures");
        const shown = document.getElementById("send-figures");
        if (!fresh || !shown) return;
        shown.replaceChildren(...fresh.childNodes);
        if (fresh.hasAttribute("data-follow")) window.setTimeout(follow, EVERY);
        else shown.removeAttribute("data-follow");
      })
      // Offline for a moment, or the server busy: try again later rather than stop for good.
      .catch(() => window.setTimeout(follow, EVERY * 5));
  }
  window.setTimeout(follow, EVERY);
})();
