// Keeps what is typed into a form on the server while it is typed, so that a
// dropped connection or a closed tab loses nothing. A form opts in with
// data-autosave-url; the server keeps the values until the form is saved.
(function () {
  "use strict";

  var DELAY_MS = 1500;

  function setUp(form) {
    var url = form.getAttribute("data-autosave-url");
    var status = form.querySelector("[data-autosave-status]");
    var timer = null;
    var pending = false;

    function say(text) {
      if (status) status.textContent = text;
    }

    function keep() {
      timer = null;
      pending = false;
      say(status ? status.getAttribute("data-saving") : "");
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (answer) {
          say(answer.message);
        })
        .catch(function () {
          pending = true;
          say(status ? status.getAttribute("data-offline") : "");
        });
    }

    function soon() {
      pending = true;
      if (timer) clearTimeout(timer);
      timer = setTimeout(keep, DELAY_MS);
    }

    form.addEventListener("input", soon);
    form.addEventListener("change", soon);
    // Back online: keep what was typed while offline.
    window.addEventListener("online", function () {
      if (pending) keep();
    });
    // Leaving the page before the delay is over: send what is left now.
    window.addEventListener("pagehide", function () {
      if (timer && navigator.sendBeacon) {
        clearTimeout(timer);
        navigator.sendBeacon(url, new FormData(form));
      }
    });
    form.addEventListener("submit", function () {
      if (timer) clearTimeout(timer);
      timer = null;
    });
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(setUp);
})();
