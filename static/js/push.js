/* OnDeck: "Notify me on this phone" (the Phone tab's #notify card, templates/phone/_notify.html).
   Subscribes this browser through the service worker (/sw.js) with the server's VAPID key
   (GET /me/push/key), posts the subscription JSON to /me/push (or its endpoint to /me/push/off),
   and swaps in the card the server answers. The card's state is this device's: data-push is
   "on", "off", "unsupported", "denied" or "unknown" (not read yet). */
(function () {
  "use strict";
  if (window.OnDeckPush) return; // loaded once, whatever swaps the card in again
  window.OnDeckPush = true;

  var WORDS = {
    unsupported: "This browser cannot show notifications from OnDeck. On an iPhone, add OnDeck to the Home Screen first.",
    denied: "Notifications are blocked for OnDeck. Allow them in the browser's site settings, then try again.",
    insecure: "Notifications need a secure (https) connection.",
    failed: "Notifications could not be turned on. Try again.",
    nokey: "Notifications are not set up on this server.",
  };

  function card() {
    return document.getElementById("notify");
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function show(state, words) {
    var el = card();
    if (!el) return;
    el.setAttribute("data-push", state);
    Array.prototype.forEach.call(el.querySelectorAll("[data-push-show]"), function (part) {
      part.hidden = part.getAttribute("data-push-show") !== state;
    });
    var message = el.querySelector("[data-push-message]");
    if (message && words !== undefined) message.textContent = words;
  }

  function subscription() {
    return navigator.serviceWorker.ready.then(function (reg) {
      return reg.pushManager.getSubscription();
    });
  }

  function readState() {
    if (!window.isSecureContext) return show("unsupported", WORDS.insecure);
    if (!supported()) return show("unsupported", WORDS.unsupported);
    if (Notification.permission === "denied") return show("denied", WORDS.denied);
    subscription().then(
      function (sub) { show(sub ? "on" : "off"); },
      function () { show("off"); },
    );
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function keyBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  // Post JSON; the server answers the card (200 or 422 with the field's error), swapped in.
  function post(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.text().then(function (html) {
        var ours = html.indexOf('id="notify"') !== -1; // else an error page (checks ran first)
        if (!ours || (!response.ok && response.status !== 422)) throw new Error(String(response.status));
        var el = card();
        if (!el) return;
        el.outerHTML = html;
        if (window.htmx) window.htmx.process(card());
        settle();
      });
    });
  }

  function turnOn() {
    if (!supported()) return show("unsupported", WORDS.unsupported);
    show("off", "Asking…");
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          show(permission === "denied" ? "denied" : "off", permission === "denied" ? WORDS.denied : "");
          return null;
        }
        return fetch("/me/push/key", { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error("nokey");
          return r.json();
        });
      })
      .then(function (answer) {
        if (!answer) return null;
        return navigator.serviceWorker.ready.then(function (reg) {
          return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(answer.key) });
        });
      })
      .then(function (sub) {
        if (sub) return post("/me/push", sub.toJSON());
      })
      .catch(function (error) {
        show("off", error && error.message === "nokey" ? WORDS.nokey : WORDS.failed);
      });
  }

  function turnOff() {
    subscription()
      .then(function (sub) {
        if (!sub) return show("off", "");
        var endpoint = sub.endpoint;
        return sub.unsubscribe().then(function () { return post("/me/push/off", { endpoint: endpoint }); });
      })
      .catch(function () { show("on", "Notifications could not be turned off. Try again."); });
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("#notify [data-push-on]")) turnOn();
    else if (event.target.closest("#notify [data-push-off]")) turnOff();
  });

  // The card as first rendered (or refetched without a state): read this device's state.
  function settle() {
    var el = card();
    if (el && el.getAttribute("data-push") === "unknown") readState();
  }
  document.addEventListener("htmx:load", settle);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", settle);
  else settle();
})();
