/* frontdesk workspace: keyboard shortcuts, list selection, composer helpers. Plain JS, no inline handlers. */
(function () {
  "use strict";

  var INBOX_KEY = "frontdesk:last-list";
  var pendingG = false;
  var gTimer = null;

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  /* Toasts: success messages leave by themselves, errors stay until dismissed. */
  function armToasts(root) {
    $all(".toast", root).forEach(function (toast) {
      if (toast.dataset.armed) return;
      toast.dataset.armed = "1";
      if (!toast.classList.contains("toast-error")) {
        setTimeout(function () { toast.remove(); }, 5000);
      }
    });
  }

  /* The shortcuts overlay. */
  function overlay() { return $("#shortcuts"); }
  function toggleShortcuts(show) {
    var el = overlay();
    if (!el) return;
    el.hidden = show === undefined ? !el.hidden : !show;
  }

  /* Menus made of <details>: one open at a time, closed by a click elsewhere or Esc. */
  function closeMenus(except) {
    $all("details.menu[open]").forEach(function (menu) { if (menu !== except) menu.open = false; });
  }

  /* Ticket lists (inbox rows and table rows). */
  function rows() { return $all("[data-row]"); }
  function focusedRow() { return $("[data-row].is-focused"); }
  function focusRow(row) {
    rows().forEach(function (r) { r.classList.remove("is-focused"); });
    if (!row) return;
    row.classList.add("is-focused");
    row.scrollIntoView({ block: "nearest" });
    try { sessionStorage.setItem("frontdesk:focus", row.dataset.href || ""); } catch (e) { /* private mode */ }
  }
  function moveFocus(step) {
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(focusedRow());
    var next = index < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    focusRow(list[next]);
  }
  function restoreFocus() {
    var wanted = null;
    try { wanted = sessionStorage.getItem("frontdesk:focus"); } catch (e) { /* private mode */ }
    var match = rows().filter(function (r) { return wanted && r.dataset.href === wanted; })[0];
    if (match) focusRow(match);
  }
  function updateSelection() {
    var boxes = $all("input[name=ids]");
    var checked = boxes.filter(function (b) { return b.checked; }).length;
    $all("[data-selected-count]").forEach(function (el) { el.textContent = String(checked); });
    var all = $("[data-select-all]");
    if (all) {
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
  }
  function rememberList() {
    if (document.body.dataset.section === "inbox" && $("[data-list]")) {
      try { sessionStorage.setItem(INBOX_KEY, location.pathname + location.search); } catch (e) { /* private mode */ }
    }
  }
  function lastList() {
    try { return sessionStorage.getItem(INBOX_KEY) || "/"; } catch (e) { return "/"; }
  }

  /* Ticket page. */
  function composer() { return $("[data-composer]"); }
  function chooseTab(kind) {
    var form = composer();
    if (!form) return false;
    var radio = form.querySelector("input[name=kind][value=" + kind + "]");
    if (!radio) return false;
    radio.checked = true;
    syncComposer(form);
    var text = form.querySelector("textarea");
    text.focus();
    return true;
  }
  function syncComposer(form) {
    var text = form.querySelector("textarea");
    var note = form.querySelector("input[name=kind][value=note]");
    if (text && note) {
      text.placeholder = note.checked ? text.dataset.placeholderNote : text.dataset.placeholderReply;
    }
  }
  function draftKey(form) { return form.dataset.draftKey ? "frontdesk:" + form.dataset.draftKey : null; }
  function loadDraft(form) {
    var key = draftKey(form);
    var text = form.querySelector("textarea");
    if (!key || !text || text.value) return;
    try { text.value = localStorage.getItem(key) || ""; } catch (e) { /* storage off */ }
  }
  function saveDraft(form) {
    var key = draftKey(form);
    var text = form.querySelector("textarea");
    if (!key || !text) return;
    try {
      if (text.value.trim()) localStorage.setItem(key, text.value); else localStorage.removeItem(key);
    } catch (e) { /* storage off */ }
  }
  function showFiles(input) {
    var form = input.closest("form");
    var label = form && form.querySelector("[data-file-names]");
    if (!label) return;
    var limit = parseInt(form.dataset.maxBytes || "0", 10);
    var files = Array.prototype.slice.call(input.files || []);
    var big = files.filter(function (f) { return limit && f.size > limit; });
    label.classList.toggle("too-big", big.length > 0);
    if (big.length) {
      label.textContent = "\u201c" + big[0].name + "\u201d is larger than the " + Math.round(limit / 1048576) + " MB limit.";
    } else {
      label.textContent = files.map(function (f) { return f.name; }).join(", ");
    }
  }
  function scrollStream() {
    var box = $("[data-scroll]");
    if (box) box.scrollTop = box.scrollHeight;
  }
  function solve() {
    var status = $("[data-status]");
    if (!status) return;
    status.value = "solved";
    status.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function pickSelect(select) {
    if (!select) return;
    select.focus();
    if (typeof select.showPicker === "function") {
      try { select.showPicker(); } catch (e) { /* needs a user gesture in some browsers */ }
    }
  }

  /* Keys. */
  function go(url) { window.location.href = url; }
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.metaKey) return;
    var key = event.key;
    var target = event.target;
    if ((event.ctrlKey || event.metaKey) && key === "Enter" && target.closest && target.closest("[data-composer]")) {
      event.preventDefault();
      target.closest("form").requestSubmit();
      return;
    }
    if (event.ctrlKey) return;
    if (key === "Escape") {
      if (!overlay().hidden) { toggleShortcuts(false); return; }
      closeMenus();
      if (typing(target)) target.blur();
      return;
    }
    if (typing(target)) return;
    if (pendingG) {
      pendingG = false;
      clearTimeout(gTimer);
      if (key === "i") { go("/"); } else if (key === "c") { go("/contacts/"); } else if (key === "o") { go("/organisations/"); }
      return;
    }
    var link;
    switch (key) {
      case "?": toggleShortcuts(); break;
      case "/": {
        var search = $("#global-search:not([hidden])") || $("[data-page-search]");
        if (search && search.offsetParent !== null) { search.focus(); search.select(); } else { go("/?f=1&q="); return; }
        break;
      }
      case "g": pendingG = true; gTimer = setTimeout(function () { pendingG = false; }, 1200); return;
      case "j": moveFocus(1); break;
      case "k": moveFocus(-1); break;
      case "Enter": case "o": {
        var row = focusedRow();
        if (!row) return;
        go(row.dataset.href);
        break;
      }
      case "x": {
        var current = focusedRow();
        var box = current && current.querySelector("input[type=checkbox]");
        if (!box) return;
        box.checked = !box.checked;
        updateSelection();
        break;
      }
      case "X": {
        var all = $("[data-select-all]");
        if (!all) return;
        all.checked = !all.checked;
        all.dispatchEvent(new Event("change", { bubbles: true }));
        break;
      }
      case "[": link = $("[data-pager=newer]"); if (link) link.click(); else return; break;
      case "]": link = $("[data-pager=older]"); if (link) link.click(); else return; break;
      case "r": if (!chooseTab("reply")) return; break;
      case "n": if (!chooseTab("note")) return; break;
      case "s": pickSelect($("[data-status]")); break;
      case "S": solve(); break;
      case "a": pickSelect($("[data-assignee]")); break;
      case "u": if ($("[data-ticket]")) go(lastList()); else return; break;
      case "c": link = $("a[href='/tickets/new/']"); if (link) go(link.href); else return; break;
      default: return;
    }
    event.preventDefault();
  }

  /* Wiring. */
  document.addEventListener("keydown", onKey);

  document.addEventListener("click", function (event) {
    var target = event.target;
    var action = target.closest("[data-action]");
    if (action) {
      var name = action.dataset.action;
      if (name === "shortcuts") { toggleShortcuts(true); return; }
      if (name === "close-overlay") { toggleShortcuts(false); return; }
      if (name === "dismiss") { action.closest(".toast").remove(); return; }
    }
    if (target === overlay()) { toggleShortcuts(false); return; }
    var menu = target.closest("details.menu");
    closeMenus(menu);
    var row = target.closest("[data-row]");
    if (row && !target.closest("a, input, label, button, select")) {
      if (event.ctrlKey || event.metaKey) { window.open(row.dataset.href, "_blank"); } else { go(row.dataset.href); }
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      $all("input[name=ids]").forEach(function (b) { b.checked = target.checked; });
      updateSelection();
    } else if (target.matches("input[name=ids]")) {
      updateSelection();
    } else if (target.matches("[data-view-jump]") && target.value) {
      go(target.value);
    } else if (target.matches("[data-filter-outside]") && target.form) {
      target.form.requestSubmit();
    } else if (target.matches("[data-files]")) {
      showFiles(target);
    } else if (target.matches("[data-composer] input[name=kind]")) {
      syncComposer(target.closest("form"));
    }
  });

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("[data-composer]");
    if (form && event.target.tagName === "TEXTAREA") saveDraft(form);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var input = form.querySelector("[data-files]");
    if (input && input.closest("form").querySelector(".too-big")) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* htmx: leave empty filters out of the address, reset the composer after a send, keep the list usable. */
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb !== "get" || !detail.elt.matches || !detail.elt.matches("[data-filters]")) return;
    var data = detail.formData;
    if (!data || typeof data.keys !== "function") return;
    var keys = [];
    data.forEach(function (value, key) { if (keys.indexOf(key) < 0) keys.push(key); });
    keys.forEach(function (key) {
      var values = data.getAll(key).filter(function (v) { return v !== ""; });
      if (!values.length) data.delete(key);
    });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (!event.detail.successful || !elt.matches) return;
    if (elt.matches("[data-composer]")) {
      var key = draftKey(elt);
      elt.reset();
      try { if (key) localStorage.removeItem(key); } catch (e) { /* storage off */ }
      var names = elt.querySelector("[data-file-names]");
      if (names) names.textContent = "";
      syncComposer(elt);
      setTimeout(scrollStream, 0);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    armToasts(document);
    updateSelection();
    restoreFocus();
  });

  function toast(text) {
    var flash = $("#flash");
    if (!flash) return;
    var item = document.createElement("div");
    item.className = "toast toast-error";
    item.setAttribute("role", "status");
    item.innerHTML = '<span></span><button type="button" class="toast-close" data-action="dismiss" aria-label="Dismiss">\u00d7</button>';
    item.firstChild.textContent = text;
    flash.appendChild(item);
  }

  /* A partial request that got a whole page back (signed out, a stale form) must not paste it into a panel. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.responseURL && /\/login\//.test(xhr.responseURL)) {
      event.detail.shouldSwap = false;
      window.location.href = "/login/?next=" + encodeURIComponent(location.pathname + location.search);
      return;
    }
    if (xhr.status >= 400 && /^\s*<!doctype/i.test(xhr.responseText || "")) {
      event.detail.shouldSwap = false;
      toast(xhr.status === 403 ? "That was refused; reload the page and try again." : "That did not work (error " + xhr.status + "); reload the page and try again.");
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status >= 500) {
      toast("Something went wrong on our side; your change was not saved. Try again.");
    }
  });

  document.addEventListener("htmx:pushedIntoHistory", rememberList);

  /* Realtime: when the realtime process is configured, changed tickets refresh what is on screen. */
  var refreshTimer = null;
  function onTicketChanged(ticketId) {
    var ticket = $("[data-ticket-id]");
    if (ticket && String(ticketId) === ticket.dataset.ticketId) {
      schedule(function () { htmx.ajax("GET", ticket.dataset.live, { swap: "none" }); });
      return;
    }
    var list = $("#list-region");
    var busy = $all("input[name=ids]").some(function (b) { return b.checked; });
    if (list && !busy && !/[?&](after|before)=/.test(location.search)) {
      schedule(function () { htmx.ajax("GET", location.pathname + location.search, { target: "#list-region", swap: "outerHTML" }); });
    }
  }
  function schedule(work) {
    if (refreshTimer || typeof htmx === "undefined") return;
    refreshTimer = setTimeout(function () { refreshTimer = null; work(); }, 1500);
  }
  function connect(url, delay) {
    var socket;
    try { socket = new WebSocket(url); } catch (e) { return; }
    var ping = null;
    socket.addEventListener("open", function () {
      delay = 1000;
      ping = setInterval(function () { socket.send(JSON.stringify({ type: "ping" })); }, 30000);
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data && data.type === "ticket.changed") onTicketChanged(data.ticket_id);
    });
    socket.addEventListener("close", function (event) {
      clearInterval(ping);
      if (event.code === 4401) return; // signed out
      setTimeout(function () { connect(url, Math.min(delay * 2, 60000)); }, delay);
    });
  }

  /* Replies waiting in the outbox: without a realtime connection, look again (less and less often) until they
     went out, so "Queued" turns into "Sent" or "Failed" on its own. */
  var deliveryChecks = 0;
  var deliveryTimer = null;
  function watchDeliveries() {
    if (deliveryTimer || document.body.dataset.realtime || typeof htmx === "undefined") return;
    var ticket = $("[data-ticket-id]");
    if (!ticket || !$("[data-delivery=queued], [data-delivery=retrying]")) { deliveryChecks = 0; return; }
    if (deliveryChecks >= 25) return;
    var wait = Math.min(60000, 1500 * Math.pow(1.5, deliveryChecks));
    deliveryChecks += 1;
    deliveryTimer = setTimeout(function () {
      deliveryTimer = null;
      var done = htmx.ajax("GET", ticket.dataset.live, { swap: "none" });
      if (done && done.then) done.then(function () { setTimeout(watchDeliveries, 50); });
    }, wait);
  }
  document.addEventListener("htmx:afterSettle", watchDeliveries);

  function init() {
    var realtime = document.body.dataset.realtime;
    if (realtime && "WebSocket" in window) connect(realtime, 1000);
    armToasts(document);
    updateSelection();
    rememberList();
    restoreFocus();
    $all("[data-back]").forEach(function (a) { a.href = lastList(); });
    var form = composer();
    if (form) { loadDraft(form); syncComposer(form); }
    scrollStream();
    watchDeliveries();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
