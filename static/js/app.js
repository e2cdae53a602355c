/* OnDeck's one first-party script (CSP: script-src 'self', no inline script). Registers the service
   worker; opens a <dialog> (or <details>) from [data-dialog="#id"] buttons/links and on a 500 ms
   long-press of [data-longpress-target="#id"]; closes [data-autoclose] after a successful htmx request;
   hides toasts; reloads the offline page when the network returns; shows [data-copy="#id"] buttons
   (hidden without it) that copy an input's value; fires `catch-up` on live fragments ([data-live],
   [data-catch-up="#id"]) when their event stream is ready (opened or reopened) or the page comes back; says beside a
   control when its request could not be sent or failed; counts an offer's [data-countdown] down.
   Without it every page still works. */
(function () {
  "use strict";
  var LONG_PRESS_MS = 500;
  var TOAST_MS = 6000;

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }

  // Opens a <dialog> (modal) or a <details> (expanded in place); false when there is no such target.
  function openDialog(selector) {
    var el = selector && document.querySelector(selector);
    if (el && el.tagName === "DETAILS") {
      el.open = true;
      el.scrollIntoView({ block: "nearest" });
      return true;
    }
    if (!el || typeof el.showModal !== "function") return false;
    if (!el.open) el.showModal();
    return true;
  }

  // Long-press: open the target dialog and swallow the click that ends the press.
  var timer = null;
  var start = null;
  var swallowUntil = 0;
  function cancelPress() {
    clearTimeout(timer);
    timer = null;
  }
  document.addEventListener("pointerdown", function (event) {
    var el = event.target.closest("[data-longpress-target]");
    if (!el || event.button !== 0) return;
    start = { x: event.clientX, y: event.clientY };
    cancelPress();
    timer = setTimeout(function () {
      timer = null;
      if (openDialog(el.getAttribute("data-longpress-target"))) {
        swallowUntil = Infinity;
        if (navigator.vibrate) navigator.vibrate(10);
      }
    }, LONG_PRESS_MS);
  });
  document.addEventListener("pointermove", function (event) {
    if (timer && Math.hypot(event.clientX - start.x, event.clientY - start.y) > 10) cancelPress();
  });
  document.addEventListener("pointerup", function () {
    cancelPress();
    if (swallowUntil === Infinity) swallowUntil = Date.now() + 600;
  });
  document.addEventListener("pointercancel", cancelPress);
  document.addEventListener("contextmenu", function (event) {
    if (event.target.closest("[data-longpress-target]")) event.preventDefault();
  });

  document.addEventListener(
    "click",
    function (event) {
      if (Date.now() < swallowUntil) {
        swallowUntil = 0;
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );

  document.addEventListener("click", function (event) {
    var target = event.target;
    var opener = target.closest("[data-dialog]");
    if (opener && openDialog(opener.getAttribute("data-dialog"))) event.preventDefault();
    var closer = target.closest("[data-dialog-close]");
    if (closer && closer.closest("dialog")) closer.closest("dialog").close();
    if (target.tagName === "DIALOG" && target.open) {
      var box = target.getBoundingClientRect(); // a click on the backdrop closes the dialog
      var inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) target.close();
    }
    var dismiss = target.closest(".toast-close");
    if (dismiss) hideToast(dismiss.closest(".toast"));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var menu = event.target.closest && event.target.closest("[data-autoclose]");
    if (!menu || !menu.open || !event.detail.successful) return;
    if (menu.tagName === "DIALOG") menu.close();
    else menu.open = false;
  });

  // Toasts hide themselves after a few seconds, except errors and [data-persist]; hover or focus holds them.
  function hideToast(toast) {
    if (!toast) return;
    toast.classList.add("is-hiding");
    setTimeout(function () {
      toast.remove();
    }, 300);
  }
  function armToasts(root) {
    var toasts = root.querySelectorAll ? root.querySelectorAll(".toast") : [];
    if (root.classList && root.classList.contains("toast")) toasts = [root];
    Array.prototype.forEach.call(toasts, function (toast) {
      if (toast.dataset.armed || toast.dataset.persist !== undefined) return;
      if (toast.classList.contains("is-error")) return;
      toast.dataset.armed = "1";
      var t = setTimeout(hideToast, TOAST_MS, toast);
      function hold() {
        clearTimeout(t);
      }
      function resume() {
        clearTimeout(t);
        t = setTimeout(hideToast, TOAST_MS / 2, toast);
      }
      toast.addEventListener("pointerenter", hold);
      toast.addEventListener("focusin", hold);
      toast.addEventListener("pointerleave", resume);
      toast.addEventListener("focusout", resume);
    });
  }
  armToasts(document);
  document.addEventListener("htmx:load", function (event) {
    armToasts(event.target);
  });

  // Live pages: every [data-live] fragment inside an event stream's element refetches itself on
  // `catch-up`: when its stream is ready (below), and when the page comes back to the foreground,
  // from the back/forward cache, or online.
  function catchUp(root) {
    var targets = Array.prototype.slice.call(root.querySelectorAll("[data-live]"));
    var extra = root.getAttribute && document.querySelector(root.getAttribute("data-catch-up"));
    if (extra && targets.indexOf(extra) < 0) targets.push(extra);
    targets.forEach(function (target) {
      htmx.trigger(target, "catch-up");
    });
  }
  function catchUpAll() {
    if (typeof htmx === "undefined") return;
    Array.prototype.forEach.call(document.querySelectorAll("[sse-connect]"), catchUp);
  }
  // The stream says `ready` once the server listens: every change from then on sends an event.
  // What changed before (between the page's render and this moment, or while a stream was down)
  // sent none, so each `ready`, the first one included, refetches the page's live fragments.
  document.addEventListener("htmx:sseMessage", function (event) {
    var elt = event.target;
    if (!elt.getAttribute || elt.getAttribute("sse-swap") !== "ready") return;
    var live = elt.closest("[sse-connect]");
    if (live) catchUp(live);
  });
  var hiddenSince = null;
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") hiddenSince = Date.now();
    else if (hiddenSince !== null) catchUpAll();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) catchUpAll();
  });
  window.addEventListener("online", function () {
    clearNetErrors();
    catchUpAll();
  });

  // A live fragment waits while it holds what someone is typing or choosing (it refetches when
  // the focus leaves it, so a teammate's change never wipes a half-filled form) and while a tap or
  // form inside it is being sent (it refetches once that answer has landed, so the answer is never
  // swapped into a fragment that is gone, and the fragment still ends on the newest state).
  function typingIn(el) {
    var active = document.activeElement;
    return active && el.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName) &&
      !/^(submit|button|radio|checkbox)$/.test(active.type || "");
  }
  function sending(el) {
    return !!el.querySelector(".htmx-request");
  }
  function isLiveRefetch(event) {
    var elt = event.detail.elt;
    return !isWrite(event) && elt.hasAttribute && elt.hasAttribute("data-live");
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!isLiveRefetch(event)) return;
    var elt = event.detail.elt;
    var why = typingIn(elt) ? "typing" : sending(elt) ? "sending" : null;
    if (why) {
      event.preventDefault();
      if (elt.getAttribute("data-stale") !== "typing") elt.setAttribute("data-stale", why);
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!isLiveRefetch(event) || !sending(event.detail.elt)) return;
    event.detail.shouldSwap = false;
    event.detail.elt.setAttribute("data-stale", "sending");
  });
  function refreshStale() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-stale]"), function (live) {
      var typing = live.getAttribute("data-stale") === "typing";
      if ((typing && live.contains(document.activeElement)) || sending(live)) return;
      live.removeAttribute("data-stale");
      htmx.trigger(live, "catch-up");
    });
  }
  document.addEventListener("focusout", function (event) {
    if (event.target.closest && event.target.closest("[data-stale]")) setTimeout(refreshStale, 0);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (isWrite(event)) setTimeout(refreshStale, 0);
  });

  // A tap that cannot reach the server says so beside its control, at once, and changes nothing
  // on screen; so does a server error. Focus stays on the control that was used.
  var OFFLINE = "You're offline — not sent.";
  var FAILED = "Couldn't reach OnDeck — not sent. Try again.";
  var SERVER = "Something went wrong on our side — not saved. Try again.";
  function clearNetErrors() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-net-error]"), function (el) {
      el.remove();
    });
  }
  function sayBeside(elt, words) {
    var anchor = elt.closest("form") || elt;
    var said = anchor.nextElementSibling;
    if (!said || !said.hasAttribute("data-net-error")) {
      said = document.createElement("p");
      said.className = "field-error";
      said.setAttribute("role", "alert");
      said.setAttribute("data-net-error", "");
      anchor.insertAdjacentElement("afterend", said);
    }
    said.textContent = words;
  }
  function isWrite(event) {
    var verb = (event.detail.requestConfig && event.detail.requestConfig.verb) || "get";
    return verb.toLowerCase() !== "get";
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!isWrite(event)) return;
    if (navigator.onLine === false) {
      event.preventDefault();
      sayBeside(event.detail.elt, OFFLINE);
      return;
    }
    var anchor = event.detail.elt.closest("form") || event.detail.elt;
    var said = anchor.nextElementSibling;
    if (said && said.hasAttribute("data-net-error")) said.remove();
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (isWrite(event)) sayBeside(event.detail.elt, navigator.onLine === false ? OFFLINE : FAILED);
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (isWrite(event)) sayBeside(event.detail.elt, SERVER);
  });
  // htmx keeps focus on an element whose id is in the new content; controls without an id get it
  // back by their form's action and name.
  var focused = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    // only a swap that replaces the focused control counts: another fragment's refetch landing
    // in between must not forget it
    var el = document.activeElement;
    var target = event.detail.target;
    if (!el || !el.form || el.id || !target || !target.contains(el)) return;
    focused = { action: el.form.getAttribute("action"), name: el.name, value: el.value };
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focused || (document.activeElement && document.activeElement !== document.body)) return;
    var forms = document.querySelectorAll("form[action='" + focused.action + "']");
    for (var i = 0; i < forms.length; i++) {
      var controls = forms[i].elements;
      for (var j = 0; j < controls.length; j++) {
        if (controls[j].name === focused.name && controls[j].value === focused.value) {
          controls[j].focus();
          focused = null;
          return;
        }
      }
    }
    focused = null;
  });

  // An offer's countdown: [data-countdown] holds the seconds left when it was drawn, counted down
  // here (the server ends the offer by itself; the card then goes live).
  function armCountdowns(root) {
    var found = root.querySelectorAll ? root.querySelectorAll("[data-countdown]") : [];
    Array.prototype.forEach.call(found, function (el) {
      if (el.dataset.armed) return;
      el.dataset.armed = "1";
      var end = Date.now() + Number(el.getAttribute("data-countdown")) * 1000;
      (function tick() {
        var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
        el.textContent = String(left);
        if (left > 0 && el.isConnected) setTimeout(tick, 250);
      })();
    });
  }
  armCountdowns(document);
  document.addEventListener("htmx:load", function (event) {
    armCountdowns(event.target);
  });

  // Copy buttons: shown only where this script runs; copy the target input's value.
  function armCopies(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-copy]"), function (button) {
      button.hidden = false;
    });
  }
  armCopies(document);
  document.addEventListener("htmx:load", function (event) {
    armCopies(event.target);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    var input = button && document.querySelector(button.getAttribute("data-copy"));
    if (!input) return;
    var said = button.textContent;
    var done = function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = said; }, 2000);
    };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {});
    } else if (document.execCommand("copy")) {
      done();
    }
  });

  // The offline page (served by the worker in place of the page asked for) retries that page,
  // and goes there by itself once the network and the server answer again.
  if (document.querySelector("[data-reload-when-online]")) {
    var page = location.pathname === "/offline" ? "/" : location.href;
    Array.prototype.forEach.call(document.querySelectorAll("[data-retry]"), function (a) {
      a.href = page;
    });
    var retry = function () {
      fetch(page, { cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.ok) location.replace(page);
        })
        .catch(function () {});
    };
    window.addEventListener("online", retry);
    setInterval(retry, 15000);
  }
})();
