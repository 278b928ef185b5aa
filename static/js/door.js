// The door page: find a person (by camera, name or phone digits), check her
// in with one tap, take it back within a minute, add people who are not on
// the list, and go on doing all of it while the venue's connection is gone.
//
// The event's door list and every action not yet sent live in IndexedDB, so
// a reload or a flat battery loses nothing; actions go to the server in the
// order they were made, each safe to send twice (the server counts a person
// checked in once, and knows a walk-in by the key the phone gave her).
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("door-config").textContent);
  const text = config.text;
  const $ = (id) => document.getElementById(id);
  const folds = config.folds;

  const people = new Map(); // id -> person, as door.py's entry() gives her
  let outbox = []; // actions not yet sent: {seq, kind, person, at, code, form}
  let problems = []; // actions the server refused: {seq, kind, message, name}
  let db = null;
  let listTime = null;
  let sending = false;
  let undoTimer = null;

  // --- text -------------------------------------------------------------

  function say(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? values[name] : match));
  }

  function fold(value) {
    let folded = value.toLowerCase();
    for (const [letters, plain] of folds) folded = folded.split(letters).join(plain);
    return folded;
  }

  function clock(iso) {
    // The server's times carry its offset: the time as written there is the venue's.
    const match = /T(\d\d:\d\d)/.exec(iso || "");
    return match ? match[1] : "";
  }

  function nowIso() {
    const now = new Date();
    const offset = -now.getTimezoneOffset();
    const pad = (number) => String(Math.floor(Math.abs(number))).padStart(2, "0");
    const local = new Date(now.getTime() + offset * 60000).toISOString().slice(0, 19);
    return local + (offset >= 0 ? "+" : "-") + pad(offset / 60) + ":" + pad(offset % 60);
  }

  // --- storage ----------------------------------------------------------

  function request(idbRequest) {
    return new Promise((resolve, reject) => {
      idbRequest.onsuccess = () => resolve(idbRequest.result);
      idbRequest.onerror = () => reject(idbRequest.error);
    });
  }

  function openDb() {
    const opening = indexedDB.open("door-" + config.event, 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore("people", { keyPath: "id" });
      opening.result.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      opening.result.createObjectStore("meta");
    };
    return request(opening);
  }

  function store(name, mode) {
    return db.transaction(name, mode || "readonly").objectStore(name);
  }

  function savePeople(list) {
    const transaction = db.transaction("people", "readwrite");
    for (const person of list) {
      if (person.gone) transaction.objectStore("people").delete(person.id);
      else transaction.objectStore("people").put(person);
    }
    return new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
    });
  }

  async function load() {
    db = await openDb();
    for (const person of await request(store("people").getAll())) people.set(person.id, person);
    outbox = await request(store("outbox").getAll());
    problems = (await request(store("meta").get("problems"))) || [];
    listTime = await request(store("meta").get("listTime"));
  }

  // --- the server ---------------------------------------------------------

  function csrfToken() {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith(config.csrfCookie + "="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : "";
  }

  class Offline extends Error {}

  async function call(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: body ? "POST" : "GET",
        body: body,
        headers: body ? { "X-CSRFToken": csrfToken() } : {},
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      throw new Offline();
    }
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      // A proxy's or the server's error page: the server is there, but not answering.
      throw new Offline();
    }
    if (response.status >= 500) throw new Offline();
    answer.status = response.status;
    return answer;
  }

  async function refreshList() {
    const since = await request(store("meta").get("next"));
    const url = config.urls.people + (since ? "?since=" + encodeURIComponent(since) : "");
    const answer = await call(url);
    if (answer.status !== 200) return showLogin(answer);
    if (answer.whole) {
      await request(store("people", "readwrite").clear());
      for (const id of [...people.keys()]) if (!String(id).startsWith("new-")) people.delete(id);
    }
    await savePeople(answer.people);
    for (const person of answer.people) {
      if (person.gone) people.delete(person.id);
      else people.set(person.id, withPending(person));
    }
    listTime = nowIso();
    await request(store("meta", "readwrite").put(answer.next, "next"));
    await request(store("meta", "readwrite").put(listTime, "listTime"));
    setOnline(true);
    renderAll();
  }

  function withPending(person) {
    // What this phone did and has not sent yet stays as the phone did it.
    for (const action of outbox) {
      if (action.person !== person.id) continue;
      if (action.kind === "check_in" && !person.checked_in) checkedInHere(person, action.at);
      if (action.kind === "undo") person.checked_in = false;
    }
    return person;
  }

  async function send() {
    if (sending) return;
    sending = true;
    try {
      while (outbox.length) {
        const action = outbox[0];
        const answer = await call(urlOf(action), bodyOf(action));
        if (answer.status === 401 || answer.status === 403) {
          showLogin(answer);
          break;
        }
        if (answer.person) {
          if (action.kind === "walk_in") dropLocal("new-" + action.form.key);
          const person = await merge(answer.person);
          if (action.kind === "check_in" && answer.outcome === "already") notify(answer.message, person);
        } else {
          await keepProblem(action, answer.message);
        }
        await request(store("outbox", "readwrite").delete(action.seq));
        outbox.shift();
        renderAll();
        setOnline(true);
      }
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      setOnline(false);
    } finally {
      sending = false;
      renderWaiting();
    }
  }

  function urlOf(action) {
    return { check_in: config.urls.check_in, undo: config.urls.undo, walk_in: config.urls.walk_in }[action.kind];
  }

  function bodyOf(action) {
    const body = new URLSearchParams(action.kind === "walk_in" ? action.form : {});
    if (action.person && !String(action.person).startsWith("new-")) body.set("person", action.person);
    if (action.code) body.set("code", action.code);
    if (action.at) body.set("at", action.at);
    return body;
  }

  async function keepProblem(action, message) {
    const name = action.kind === "walk_in" ? action.form.full_name : (people.get(action.person) || {}).name || action.code;
    if (action.kind === "walk_in") dropLocal("new-" + action.form.key);
    problems.push({ seq: action.seq, message: message, name: name || "" });
    await request(store("meta", "readwrite").put(problems, "problems"));
  }

  async function merge(change) {
    // A check-in's answer says only what changed of a person the phone holds; other answers give her whole entry.
    const person = Object.assign({}, people.get(change.id) || {}, change);
    if (!person.name) return null;
    people.set(person.id, person);
    await savePeople([person]);
    return person;
  }

  function dropLocal(id) {
    people.delete(id);
    request(store("people", "readwrite").delete(id));
  }

  async function queue(action) {
    action.seq = await request(store("outbox", "readwrite").add(action));
    outbox.push(action);
    renderWaiting();
    send();
  }

  function showLogin(answer) {
    notify(answer.message || "", null);
    if (answer.login) {
      const link = document.createElement("a");
      link.href = answer.login + "?next=" + encodeURIComponent(location.pathname);
      link.textContent = answer.login;
      link.className = "d-block";
      $("door-notice-details").replaceChildren(link);
    }
  }

  // --- actions ------------------------------------------------------------

  function checkedInHere(person, at) {
    person.checked_in = true;
    person.checked_in_at = at;
    person.checked_in_by = config.user;
  }

  async function checkIn(person) {
    if (person.checked_in) {
      notify(say(text.checkedInAt, { time: clock(person.checked_in_at), who: person.checked_in_by || "" }), person);
      return;
    }
    const at = nowIso();
    checkedInHere(person, at);
    await savePeople([person]);
    notify(say(navigator.onLine ? text.checkedIn : text.checkedInOffline, { name: person.name }), person, true);
    renderAll();
    await queue({ kind: "check_in", person: person.id, at: at });
  }

  async function takeBack(person) {
    const waiting = outbox.find((action) => action.kind === "check_in" && action.person === person.id);
    if (waiting) {
      // Never sent: it is forgotten, and the server never hears of it.
      await request(store("outbox", "readwrite").delete(waiting.seq));
      outbox = outbox.filter((action) => action !== waiting);
    } else if (String(person.id).startsWith("new-")) {
      const walkIn = outbox.find((action) => action.kind === "walk_in" && "new-" + action.form.key === person.id);
      if (walkIn) await request(store("outbox", "readwrite").delete(walkIn.seq));
      outbox = outbox.filter((action) => action !== walkIn);
      dropLocal(person.id);
    } else {
      await queue({ kind: "undo", person: person.id });
    }
    person.checked_in = false;
    person.checked_in_at = person.checked_in_by = null;
    if (people.has(person.id)) await savePeople([person]);
    notify(say(text.undone, { name: person.name }), null);
    renderAll();
  }

  async function digest(code) {
    const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code));
    return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("").slice(0, 16);
  }

  async function onCode(raw) {
    const code = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
    if (!code) return;
    const hash = await digest(code);
    const person = [...people.values()].find((candidate) => candidate.code === hash);
    if (person) return checkIn(person);
    // Not on this phone's list: a code given since the list was read, or one the server will explain.
    try {
      const answer = await call(config.urls.check_in, new URLSearchParams({ code: code }));
      const person = answer.person ? await merge(answer.person) : null;
      renderAll();
      notify(answer.message, person, answer.outcome === "checked_in");
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      setOnline(false);
      notify(text.unknownOffline, null);
    }
  }

  async function addWalkIn(form) {
    const fields = Object.fromEntries(new FormData(form));
    delete fields.csrfmiddlewaretoken;
    fields.at = nowIso();
    clearErrors(form);
    try {
      const answer = await call(config.urls.walk_in, bodyOf({ kind: "walk_in", form: fields }));
      if (answer.status === 400) return showErrors(form, answer);
      if (answer.status !== 200 && answer.status !== 201) return showLogin(answer);
      notify(answer.message, await merge(answer.person), true);
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      setOnline(false);
      const person = {
        id: "new-" + fields.key,
        name: fields.full_name,
        folded: fold(fields.full_name),
        phone_end: fields.phone.replace(/\D/g, "").slice(-4),
        code: "",
        track: fields.track ? Number(fields.track) : null,
        track_title: trackTitle(fields.track),
        room: "",
        needs: [],
        no_photos: true,
        no_quotes: true,
        walk_in: true,
      };
      checkedInHere(person, fields.at);
      people.set(person.id, person);
      await savePeople([person]);
      await queue({ kind: "walk_in", person: person.id, form: fields });
      notify(say(text.walkInOffline, { name: person.name }), person, true);
    }
    form.reset();
    form.elements.key.value = newKey();
    $("door-walk-in").open = false;
    renderAll();
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function clearErrors(form) {
    form.querySelectorAll(".is-invalid").forEach((field) => field.classList.remove("is-invalid"));
    form.querySelectorAll(".door-error").forEach((message) => message.remove());
  }

  function showErrors(form, answer) {
    for (const [name, messages] of Object.entries(answer.errors || {})) {
      const field = form.elements[name];
      const message = document.createElement("div");
      message.className = "invalid-feedback d-block door-error";
      message.textContent = messages.join(" ");
      if (field && field.classList) {
        field.classList.add("is-invalid");
        field.after(message);
      } else {
        form.prepend(message);
      }
    }
    const first = form.querySelector(".is-invalid");
    if (first) first.focus();
  }

  // --- finding ------------------------------------------------------------

  let searchRound = 0;

  async function search() {
    const typed = $("door-search").value.trim();
    const round = ++searchRound;
    if (!typed) return showResults([], "");
    const digits = typed.replace(/\s/g, "");
    const byPhone = /^\d+$/.test(digits);
    if ((byPhone ? digits.length : typed.length) < config.phoneSearchFrom) return showResults([], text.typeMore);
    let found = localSearch(typed, byPhone ? digits : null);
    if (navigator.onLine) {
      try {
        const answer = await call(config.urls.search + "?q=" + encodeURIComponent(typed));
        if (round !== searchRound) return;
        if (answer.status === 200) {
          // The server knows people registered since the list was read, and other phones' check-ins.
          for (const person of answer.people) people.set(person.id, withPending(person));
          savePeople(answer.people);
          const fromServer = answer.people.map((person) => people.get(person.id));
          const localOnly = found.filter((person) => String(person.id).startsWith("new-"));
          found = [...localOnly, ...fromServer];
        }
      } catch (error) {
        if (!(error instanceof Offline)) throw error;
        setOnline(false);
      }
    }
    if (round !== searchRound) return;
    const note = !found.length ? text.nobody : found.length >= config.searchResults ? say(text.more, { count: found.length }) : "";
    showResults(found.slice(0, config.searchResults), note);
  }

  function localSearch(typed, digits) {
    const words = fold(typed).split(/\s+/).filter(Boolean);
    const found = [];
    for (const person of people.values()) {
      const matches = digits
        ? person.phone_end && (person.phone_end.endsWith(digits) || digits.endsWith(person.phone_end))
        : words.every((word) => person.folded.includes(word));
      if (matches) found.push(person);
    }
    return found.sort((one, other) => one.name.localeCompare(other.name));
  }

  // --- drawing ------------------------------------------------------------

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function trackTitle(id) {
    const track = config.tracks.find((candidate) => String(candidate.id) === String(id));
    return track ? track.title : "";
  }

  function details(person) {
    const lines = element("div", "door-details");
    lines.append(element("div", "", text.track + ": " + (person.track_title || text.noTrack)));
    if (person.room) lines.append(element("div", "", text.room + ": " + person.room));
    if (person.needs && person.needs.length) lines.append(element("div", "", text.needs + ": " + person.needs.join("; ")));
    const marks = element("div", "d-flex flex-wrap gap-1 mt-1");
    if (person.no_photos) marks.append(element("span", "badge text-bg-danger fs-6", text.noPhotos));
    if (person.no_quotes) marks.append(element("span", "badge text-bg-danger fs-6", text.noQuotes));
    if (person.walk_in) marks.append(element("span", "badge text-bg-secondary fs-6", text.walkIn));
    if (marks.children.length) lines.append(marks);
    return lines;
  }

  function card(person) {
    const item = element("li", "door-person card mb-2");
    const body = element("div", "card-body p-3");
    body.append(element("p", "door-name mb-1", person.name), details(person));
    if (person.checked_in) {
      body.append(
        element("p", "door-done mt-2 mb-0", say(text.checkedInAt, { time: clock(person.checked_in_at), who: person.checked_in_by || "" })),
      );
    } else {
      const button = element("button", "btn btn-success btn-lg w-100 mt-2 door-check-in", text.checkIn);
      button.type = "button";
      button.addEventListener("click", () => checkIn(person));
      body.append(button);
    }
    item.append(body);
    return item;
  }

  function showResults(list, note) {
    $("door-results").replaceChildren(...list.map(card));
    $("door-results-note").textContent = note;
  }

  function notify(message, person, mayTakeBack) {
    const notice = $("door-notice");
    notice.hidden = false;
    notice.className = "door-notice alert mb-3 " + (mayTakeBack ? "alert-success" : "alert-warning");
    $("door-notice-text").textContent = message;
    $("door-notice-details").replaceChildren(...(person ? [details(person)] : []));
    clearInterval(undoTimer);
    const undo = $("door-undo");
    undo.hidden = true;
    if (!mayTakeBack || !person) return;
    const until = Date.now() + config.undoSeconds * 1000;
    const tick = () => {
      const seconds = Math.ceil((until - Date.now()) / 1000);
      if (seconds <= 0) {
        undo.hidden = true;
        clearInterval(undoTimer);
        return;
      }
      undo.textContent = say(text.undo, { seconds: seconds });
    };
    undo.hidden = false;
    undo.onclick = () => {
      clearInterval(undoTimer);
      undo.hidden = true;
      takeBack(people.get(person.id) || person);
    };
    tick();
    undoTimer = setInterval(tick, 1000);
    notice.scrollIntoView({ block: "nearest" });
  }

  function renderCounts() {
    const byTrack = new Map();
    let expected = 0;
    let arrived = 0;
    let walkIns = 0;
    for (const person of people.values()) {
      if (person.walk_in) {
        walkIns += person.checked_in ? 1 : 0;
        continue;
      }
      const counts = byTrack.get(person.track) || { expected: 0, arrived: 0 };
      counts.expected += 1;
      counts.arrived += person.checked_in ? 1 : 0;
      byTrack.set(person.track, counts);
      expected += 1;
      arrived += person.checked_in ? 1 : 0;
    }
    $("door-expected").textContent = expected;
    $("door-arrived").textContent = arrived;
    $("door-walk-ins").textContent = walkIns;
    const lines = [...config.tracks.map((track) => [track.id, track.title]), [null, text.noTrack]]
      .filter(([id]) => byTrack.has(id))
      .map(([id, title]) => element("li", "mb-1", title + ": " + say(text.expected, byTrack.get(id))));
    $("door-track-counts").replaceChildren(...lines);
  }

  function renderWaiting() {
    $("door-waiting").textContent =
      (outbox.length ? say(text.waiting, { count: outbox.length }) + " · " : "") +
      (listTime ? say(text.listTime, { time: clock(listTime) }) : "");
    const list = $("door-problem-list");
    list.replaceChildren(
      ...problems.map((problem) => {
        const item = element("li", "alert alert-danger p-2 mb-2");
        item.append(element("strong", "d-block", problem.name), element("span", "d-block mb-1", problem.message));
        const remove = element("button", "btn btn-outline-dark", text.remove);
        remove.type = "button";
        remove.addEventListener("click", async () => {
          problems = problems.filter((other) => other !== problem);
          await request(store("meta", "readwrite").put(problems, "problems"));
          renderWaiting();
        });
        item.append(remove);
        return item;
      }),
    );
    $("door-problems").hidden = !problems.length;
  }

  function renderAll() {
    renderCounts();
    renderWaiting();
    const shown = [...$("door-results").children].length || $("door-search").value.trim();
    if (shown) {
      const typed = $("door-search").value.trim();
      const digits = typed.replace(/\s/g, "");
      if (typed) showResults(localSearch(typed, /^\d+$/.test(digits) ? digits : null).slice(0, config.searchResults), $("door-results-note").textContent);
    }
  }

  function setOnline(online) {
    const badge = $("door-connection");
    badge.textContent = online ? text.online : text.offline;
    badge.className = "badge text-wrap text-start " + (online ? "text-bg-success" : "text-bg-warning");
  }

  // --- the camera ---------------------------------------------------------

  let stream = null;
  let scanning = false;

  function loadDecoder() {
    if ("BarcodeDetector" in window) return Promise.resolve(new window.BarcodeDetector({ formats: ["qr_code"] }));
    if (window.jsQR) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = config.decoder;
      script.onload = () => resolve(null);
      script.onerror = reject;
      document.head.append(script);
    });
  }

  async function startCamera() {
    const video = $("door-video");
    try {
      const detector = await loadDecoder();
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      video.srcObject = stream;
      await video.play();
      $("door-camera").hidden = false;
      $("door-scan").hidden = true;
      scanning = true;
      scanFrames(video, detector);
    } catch (error) {
      stopCamera();
      notify(text.cameraFailed, null);
    }
  }

  function stopCamera() {
    scanning = false;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    $("door-camera").hidden = true;
    $("door-scan").hidden = false;
  }

  async function scanFrames(video, detector) {
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    while (scanning) {
      let code = null;
      if (video.videoWidth) {
        if (detector) {
          const found = await detector.detect(video);
          code = found.length ? found[0].rawValue : null;
        } else {
          // Small frames: the decoder's time grows with the pixels, and a code held up to the phone fills the frame.
          const scale = Math.min(1, 640 / video.videoWidth);
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          const image = context.getImageData(0, 0, canvas.width, canvas.height);
          const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          code = found ? found.data : null;
        }
      }
      if (code) {
        stopCamera();
        await onCode(code);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  // --- start --------------------------------------------------------------

  let searchTimer = null;
  $("door-search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 120);
  });
  $("door-scan").addEventListener("click", startCamera);
  $("door-stop-scan").addEventListener("click", stopCamera);
  $("door-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    onCode($("door-code").value);
    $("door-code").value = "";
  });
  $("door-walk-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    addWalkIn(event.target);
  });
  $("door-sign-out").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (outbox.length && !window.confirm(text.signOutWaiting)) return;
    // The list of names must not stay on a phone that leaves the door.
    db.close();
    await request(indexedDB.deleteDatabase("door-" + config.event)).catch(() => undefined);
    event.target.submit();
  });
  window.addEventListener("online", () => {
    send().then(() => refreshList().catch(() => setOnline(false)));
  });
  window.addEventListener("offline", () => setOnline(false));

  async function start() {
    await load();
    renderAll();
    // Until the phone holds a list, the badge says it is loading one.
    if (people.size) setOnline(navigator.onLine);
    if ("serviceWorker" in navigator) navigator.serviceWorker.register(config.urls.service_worker).catch(() => undefined);
    try {
      await send();
      await refreshList();
    } catch (error) {
      if (!(error instanceof Offline)) throw error;
      setOnline(false);
    }
    setInterval(() => {
      if (!navigator.onLine) return;
      send()
        .then(refreshList)
        .catch(() => setOnline(false));
    }, 15000);
  }

  start();
})();
