/* OnDeck's one first-party script (CSP: script-src 'self', no inline script). Registers the service
   worker; opens a <dialog> (or <details>) from [data-dialog="#id"] buttons/links and on a 500 ms
   long-press of [data-longpress-target="#id"]; closes [data-autoclose] after a successful htmx request;
   hides toasts; reloads the offline page when the network returns; shows [data-copy="#id"] buttons
   (hidden without it) that copy an input's value; fires `catch-up` on [data-catch-up="#id"] targets
   when their event stream reconnects. Without it every page still works. */
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

  // Live regions: changes made while an event stream was down sent no event, so every reopening
  // after the first (the browser's own retry, or a new stream htmx makes) refetches the target.
  document.addEventListener("htmx:sseOpen", function (event) {
    var live = event.target;
    var target = live.getAttribute && document.querySelector(live.getAttribute("data-catch-up"));
    if (!target) return;
    if (live.hasAttribute("data-opened")) htmx.trigger(target, "catch-up");
    live.setAttribute("data-opened", "");
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
