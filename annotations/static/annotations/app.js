// factcheck: keyboard and mouse on the editor pages. Progressive enhancement:
// every action here is also a link or a form that works without JavaScript.
(function () {
  "use strict";

  const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";
  // Below this width the header folds into a menu and the panel is a sheet.
  const SMALL = window.matchMedia("(max-width: 699px)");
  const STEP_ALL = "fc-step-all";

  // CSS folds the menu and the panel only when this script runs.
  document.documentElement.classList.add("js");

  function workspace() { return document.getElementById("workspace"); }

  // localStorage can be full or refused (private windows): drafts then live
  // only in the page, as before.
  const store = {
    get(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
    set(key, value) { try { window.localStorage.setItem(key, value); } catch (e) { /* kept in the page */ } },
    remove(key) { try { window.localStorage.removeItem(key); } catch (e) { /* nothing stored */ } },
  };

  function stepAll() { return store.get(STEP_ALL) === "1"; }

  // j/k stop on claims to check; with "All units" on, on every unit.
  function stops(unit) {
    return !unit.classList.contains("dim") && (stepAll() || unit.classList.contains("kind-claim"));
  }

  function showStepAll() {
    const button = document.querySelector("[data-step-all]");
    if (button) button.setAttribute("aria-pressed", stepAll() ? "true" : "false");
  }

  function toggleStepAll() {
    if (stepAll()) store.remove(STEP_ALL);
    else store.set(STEP_ALL, "1");
    showStepAll();
  }

  function selectedUnit() {
    return document.querySelector("#article .unit.selected");
  }

  function select(unit) {
    if (!unit) return;
    const ws = workspace();
    document.querySelectorAll("#article .unit.selected").forEach((el) => el.classList.remove("selected"));
    unit.classList.add("selected");
    unit.scrollIntoView({ block: "nearest" });
    const pk = unit.dataset.claim;
    const url = new URL(window.location.href);
    url.searchParams.set("claim", pk);
    url.hash = unit.id;
    window.history.replaceState(null, "", url);
    sheetWanted = SMALL.matches;
    window.htmx.ajax("GET", ws.dataset.panelUrl.replace("/0/", "/" + pk + "/"), {
      target: "#panel",
      swap: "outerHTML",
    });
  }

  // The triage view lists claims instead of the text: j/k move through it.
  function triageMove(step) {
    const links = Array.from(document.querySelectorAll("#triage .triage-claim"));
    if (!links.length) return false;
    let current = links.indexOf(document.activeElement);
    if (current === -1) {
      current = links.indexOf(document.querySelector("#triage .selected .triage-claim"));
    }
    let next = current === -1 ? (step > 0 ? 0 : links.length - 1) : current + step;
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
    links[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  // From the selected unit (whatever its kind) to the next one that stops j/k.
  function move(step) {
    if (!document.getElementById("article") && triageMove(step)) return;
    const all = Array.from(document.querySelectorAll("#article .unit"));
    const current = all.indexOf(selectedUnit());
    let index = current === -1 ? (step > 0 ? -1 : all.length) : current;
    for (index += step; index >= 0 && index < all.length; index += step) {
      if (stops(all[index])) {
        select(all[index]);
        return;
      }
    }
  }

  function press(key) {
    const button = document.querySelector('#panel button[data-key="' + key + '"]');
    if (button) button.click();
    else frozenVerdict(key);
  }

  // The rating a digit gives, as the shortcut list renders the scale
  // (data-verdict-digit); "" if the digit gives none.
  function verdictOfDigit(key) {
    const item = document.querySelector('#shortcuts [data-verdict-digit="' + key + '"]');
    return item ? item.dataset.verdict : "";
  }

  // A verdict key on a published claim: say why nothing changed and open
  // the correction form, the new verdict chosen.

  function frozenVerdict(key) {
    const panel = document.querySelector("#panel[data-claim-pk]");
    if (!panel || !panel.querySelector("#claim-status.status-published")) return;
    if (panel.dataset.tab !== "details") {
      afterPanelSwap = () => frozenVerdict(key);
      openTab("d");
      return;
    }
    const ws = workspace();
    const box = document.getElementById("propose-correction");
    if (box) {
      const select = document.getElementById("correction-verdict");
      if (select && verdictOfDigit(key)) select.value = verdictOfDigit(key);
      keyNote(box.querySelector("h3"), ws.dataset.publishedNote);
      const reason = document.getElementById("correction-reason");
      if (reason) {
        reason.scrollIntoView({ block: "center" });
        reason.focus();
      }
      return;
    }
    const pending = document.getElementById("pending-correction");
    if (pending) keyNote(pending.querySelector("h4"), ws.dataset.pendingNote);
  }

  function keyNote(after, text) {
    if (!after) return;
    let note = document.getElementById("key-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "key-note";
      note.className = "note key-note";
      note.setAttribute("role", "status");
    }
    note.textContent = text;
    after.after(note);
    note.scrollIntoView({ block: "nearest" });
  }

  function focusRationale() {
    const box = document.querySelector("#panel textarea[name=rationale]");
    if (box) box.focus();
  }

  function addSource() {
    const details = document.getElementById("add-source");
    if (!details) return;
    details.open = true;
    const first = details.querySelector("input[name=url]");
    if (first) first.focus();
  }

  // Panel tabs: d Details, c Discussion (ready to write), h History.
  let focusAfterSwap = null;

  function openTab(key) {
    const tab = document.querySelector('#panel [data-tab-key="' + key + '"]');
    if (!tab) {
      afterPanelSwap = null;
      return;
    }
    focusAfterSwap = key === "c" ? "comment-text" : null;
    if (tab.getAttribute("aria-selected") === "true") {
      focusLater();
      runAfterPanelSwap();
      return;
    }
    tab.click();
  }

  function focusLater() {
    const box = focusAfterSwap && document.getElementById(focusAfterSwap);
    focusAfterSwap = null;
    if (box) box.focus();
  }

  // a: the reviewer's comment box (then Approve or Reject with the mouse or Tab).
  function focusReview() {
    const box = document.getElementById("review-comment");
    if (!box) return;
    box.scrollIntoView({ block: "nearest" });
    box.focus();
  }

  // m: the hint's suggested verdict (fills the form; saving stays a choice).
  function applySuggestion() {
    const button = document.querySelector("#panel [data-suggest]");
    if (button) button.click();
  }

  // After a suggestion filled a form, the cursor waits in it.
  function focusSuggestion() {
    if (!document.querySelector("#panel #suggestion-note")) return;
    const box = document.querySelector("#verdict-form textarea[name=rationale]") ||
      document.getElementById("correction-reason");
    if (box) {
      box.scrollIntoView({ block: "nearest" });
      box.focus();
    }
  }

  // t: the text or the triage list.
  function switchView() {
    const text = document.getElementById("view-text");
    const triage = document.getElementById("view-triage");
    const target = triage && triage.getAttribute("aria-current") === "page" ? text : triage;
    if (target) window.location.href = target.href;
  }

  // /: the search box in the top bar, on every page.
  function focusSearch() {
    const box = document.querySelector("[data-search-key]");
    if (!box) return false;
    box.focus();
    box.select();
    return true;
  }

  // Orphans and triage rows show which one the panel has open.
  function markSelected() {
    const panel = document.querySelector("#panel[data-claim-pk]");
    if (!panel) return;
    document.querySelectorAll("#orphans .orphan, #triage .triage-row").forEach((row) => {
      row.classList.toggle("selected", row.dataset.claim === panel.dataset.claimPk);
    });
  }

  // A click anywhere on a triage row opens its claim, as its link does.
  document.addEventListener("click", function (event) {
    const row = event.target.closest("#triage .triage-row");
    if (!row || event.target.closest("a, button, input, select, textarea")) return;
    const link = row.querySelector(".triage-claim");
    if (link) link.click();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "panel") {
      restoreDrafts();
      focusLater();
      focusSuggestion();
      markSelected();
      const from = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (sheetWanted || (SMALL.matches && from && from.closest && from.closest("#orphans"))) openSheet();
      sheetWanted = false;
      runAfterPanelSwap();
    }
  });

  let afterPanelSwap = null;

  function runAfterPanelSwap() {
    const action = afterPanelSwap;
    afterPanelSwap = null;
    if (action) action();
  }

  // Drafts: text typed in the panel's forms is kept per claim and field until
  // it is saved or discarded, so moving to another claim loses nothing.
  const DRAFTABLE = "textarea, input[type=text], input[type=url]";

  function draftKey(field) {
    const ws = workspace();
    const panel = field.closest("#panel[data-claim-id]");
    if (!ws || !panel || !field.form || !field.name) return null;
    // Source forms have no id; their address names the source.
    const form = field.form.id || new URL(field.form.action, window.location.href).pathname;
    return ["fc-draft", ws.dataset.user, ws.dataset.article, panel.dataset.claimId, form, field.name].join("|");
  }

  function draftFields(root) {
    if (!root) return [];
    return Array.from(root.querySelectorAll(DRAFTABLE)).filter((field) => field.closest("#panel form"));
  }

  function keepDraft(field) {
    const key = draftKey(field);
    if (!key) return;
    if (field.value === field.defaultValue) store.remove(key);
    else store.set(key, field.value);
  }

  function restoreDrafts() {
    draftFields(document.getElementById("panel")).forEach(function (field) {
      const key = draftKey(field);
      const draft = key && store.get(key);
      if (draft === null || draft === undefined || draft === "") return;
      if (draft === field.defaultValue) {
        // Saved, unless the form came back refused with the text in it.
        if (!field.form.querySelector("[role=alert]")) store.remove(key);
        return;
      }
      field.value = draft;
      const details = field.closest("details");
      if (details) details.open = true;
      draftNote(field);
    });
  }

  function draftNote(field) {
    const ws = workspace();
    const note = document.createElement("span");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link-button";
    discard.textContent = ws.dataset.draftDiscard;
    discard.addEventListener("click", function () {
      field.value = field.defaultValue;
      keepDraft(field);
      note.remove();
      field.focus();
    });
    note.append(ws.dataset.draftRestored + " · ", discard);
    field.after(note);
  }

  function dirty() {
    return draftFields(document.getElementById("panel")).some((field) => field.value !== field.defaultValue);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(DRAFTABLE)) keepDraft(event.target);
  });

  // A form sent and accepted (2xx) clears its drafts before the new panel
  // shows, so an emptied comment box stays empty.
  let sending = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    const form = elt && (elt.form || (elt.closest && elt.closest("form")));
    if (!form || !form.closest("#panel")) return;
    const keys = draftFields(form).map(draftKey).filter(Boolean);
    sending = { xhr: event.detail.xhr, keys: keys };
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!sending || sending.xhr !== event.detail.xhr) return;
    if (event.detail.xhr.status >= 200 && event.detail.xhr.status < 300) {
      sending.keys.forEach((key) => store.remove(key));
    }
    sending = null;
  });

  // Leaving the page with unsaved text asks first (a form's own submit does not).
  let submitting = false;
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !dirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Ctrl+Enter or Cmd+Enter saves the form the cursor is in.
  function submitFromKeyboard(event) {
    const form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (!form) return false;
    const button = form.querySelector("#save-button") ||
      form.querySelector("button[type=submit].primary") ||
      form.querySelector("button[type=submit], button:not([type])");
    if (!button || button.disabled) return false;
    button.click();
    return true;
  }

  // Small screens: the claim's panel is a sheet over the text.
  let sheetWanted = false;

  function openSheet() {
    const panel = document.querySelector("#panel[data-claim-pk]");
    if (!SMALL.matches || !panel) return;
    document.documentElement.classList.add("sheet-open");
    const title = document.getElementById("panel-title");
    if (title && !panel.contains(document.activeElement)) title.focus({ preventScroll: true });
  }

  function closeSheet() {
    if (!document.documentElement.classList.contains("sheet-open")) return false;
    document.documentElement.classList.remove("sheet-open");
    const unit = selectedUnit();
    if (unit) {
      unit.focus({ preventScroll: true });
      unit.scrollIntoView({ block: "center" });
    }
    return true;
  }

  // The top bar's menu on small screens.
  function toggleMenu() {
    const bar = document.querySelector(".topbar");
    const button = document.getElementById("menu-toggle");
    if (!bar || !button) return;
    const open = bar.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function toggleShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.altKey) {
      if (submitFromKeyboard(event)) event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest(TYPING)) {
      if (event.key === "Escape") {
        // The text stays (and stays a draft); only the cursor leaves.
        if (event.target.matches(DRAFTABLE)) keepDraft(event.target);
        event.target.blur();
      }
      return;
    }
    if (event.key === "/" && focusSearch()) {
      event.preventDefault();
      return;
    }
    if (!workspace()) return;
    const dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open && event.key !== "?") return;
    if (event.key === "Escape" && closeSheet()) {
      event.preventDefault();
      return;
    }
    const actions = {
      j: () => move(1), ArrowDown: () => move(1), ArrowRight: () => move(1),
      k: () => move(-1), ArrowUp: () => move(-1), ArrowLeft: () => move(-1),
      e: focusRationale, s: addSource, "?": toggleShortcuts,
      d: () => openTab("d"), c: () => openTab("c"), h: () => openTab("h"), a: focusReview,
      m: applySuggestion, t: switchView, u: toggleStepAll,
    };
    if (event.key === "0" || (/^[1-9]$/.test(event.key) && verdictOfDigit(event.key))) {
      event.preventDefault();
      press(event.key);
      return;
    }
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  document.addEventListener("click", function (event) {
    const unit = event.target.closest("#article .unit");
    if (unit && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      event.preventDefault();
      select(unit);
      return;
    }
    if (event.target.closest("[data-shortcuts]")) {
      toggleShortcuts();
      return;
    }
    if (event.target.closest("[data-step-all]")) {
      toggleStepAll();
      return;
    }
    // The shade around the sheet belongs to the workspace: a tap on it closes.
    if (event.target.closest("[data-sheet-close]") || event.target === workspace()) {
      closeSheet();
      return;
    }
    if (event.target.closest("#menu-toggle")) {
      toggleMenu();
      return;
    }
    const source = event.target.closest("[data-split-source]");
    if (source) pickSplit(source, event);
  });

  // Split: a click in the claim's text chooses the character to split before.
  function caretIndex(element, x, y) {
    let node = null;
    let offset = 0;
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      if (position) { node = position.offsetNode; offset = position.offset; }
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (range) { node = range.startContainer; offset = range.startOffset; }
    }
    if (!node || !element.contains(node)) return null;
    // Offsets on the server count code points, not UTF-16 units.
    return Array.from(node.textContent.slice(0, offset)).length;
  }

  function pickSplit(source, event) {
    const input = document.getElementById("split-at");
    const preview = document.getElementById("split-preview");
    const at = caretIndex(source, event.clientX, event.clientY);
    const chars = Array.from(source.textContent);
    if (!input || at === null || at <= 0 || at >= chars.length) return;
    input.value = at;
    if (preview) {
      const mark = document.createElement("mark");
      mark.textContent = "|";
      preview.replaceChildren(
        document.createTextNode("…" + chars.slice(Math.max(0, at - 12), at).join("")),
        mark,
        document.createTextNode(chars.slice(at, at + 12).join("") + "…"),
      );
    }
  }

  // Keep the selected span marked when htmx swaps it after a save.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    const panel = document.querySelector("#panel [data-claim-pk]");
    const target = event.detail.target;
    if (panel && target && target.dataset && target.dataset.claim === panel.dataset.claimPk) {
      target.classList.add("selected");
    }
  });

  // Upload progress on the import page.
  document.addEventListener("htmx:xhr:progress", function (event) {
    const bar = document.querySelector("#import-progress progress");
    if (bar && event.detail.lengthComputable) {
      bar.value = Math.round((100 * event.detail.loaded) / event.detail.total);
    }
  });

  // A page opened on a claim shows it, even after a split or merge moved it.
  document.addEventListener("DOMContentLoaded", function () {
    const unit = selectedUnit();
    if (unit) unit.scrollIntoView({ block: "center" });
    showStepAll();
    restoreDrafts();
    if (new URL(window.location.href).searchParams.has("claim")) openSheet();
    focusSuggestion();
  });

  // A figure chip in the panel lights its figure in the text.
  function lightFigure(event, on) {
    const chip = event.target.closest && event.target.closest("#panel [data-fig]");
    if (!chip) return;
    document.querySelectorAll('#article mark[data-fig="' + chip.dataset.fig + '"]')
      .forEach((mark) => mark.classList.toggle("lit", on));
  }
  document.addEventListener("mouseover", (event) => lightFigure(event, true));
  document.addEventListener("mouseout", (event) => lightFigure(event, false));

  // The language menu applies its choice at once.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  });
})();

// Bulk selection (annotations/templates/annotations/bulk_form.html): the
// form's checkboxes work alone; here Shift+click on sentences or triage rows
// selects a range, x toggles the current claim, and the text shows the choice.
(function () {
  "use strict";

  const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";
  let anchor = null;

  function box(pk) {
    return document.querySelector('#bulk-form input[name=claims][data-claim="' + pk + '"]');
  }

  function rows() {
    const text = document.querySelectorAll("#article .unit[data-claim]");
    return Array.from(text.length ? text : document.querySelectorAll("#triage .triage-row[data-claim]"));
  }

  function refresh() {
    const form = document.getElementById("bulk-form");
    if (!form) return;
    const checked = form.querySelectorAll("input[name=claims]:checked");
    const chosen = new Set(Array.from(checked, (input) => input.dataset.claim));
    rows().forEach((row) => row.classList.toggle("bulk-selected", chosen.has(row.dataset.claim)));
    const count = document.getElementById("bulk-count");
    if (count) count.value = String(chosen.size);
    if (chosen.size) document.getElementById("bulk").open = true;
  }

  function toggle(pk, on) {
    const input = box(pk);
    if (!input) return;
    input.checked = on === undefined ? !input.checked : on;
  }

  function selectRange(row) {
    const list = rows();
    const to = list.indexOf(row);
    const from = anchor ? list.indexOf(anchor) : -1;
    if (from === -1) {
      toggle(row.dataset.claim);
    } else {
      const on = !(box(row.dataset.claim) || {}).checked;
      const [low, high] = from < to ? [from, to] : [to, from];
      list.slice(low, high + 1).forEach((each) => toggle(each.dataset.claim, on));
    }
    anchor = row;
    refresh();
  }

  function current() {
    const selected = document.querySelector("#article .unit.selected");
    if (selected) return selected;
    const focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("#triage .triage-row");
    if (focused) return focused;
    const panel = document.querySelector("#panel[data-claim-pk]");
    return panel && rows().find((row) => row.dataset.claim === panel.dataset.claimPk);
  }

  document.addEventListener("click", function (event) {
    if (!event.shiftKey || !document.getElementById("bulk-form")) return;
    const row = event.target.closest("#article .unit[data-claim], #triage .triage-row[data-claim]");
    if (!row) return;
    event.preventDefault();
    window.getSelection().removeAllRanges();
    selectRange(row);
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "x" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest(TYPING)) return;
    const row = current();
    if (!row || !box(row.dataset.claim)) return;
    event.preventDefault();
    toggle(row.dataset.claim);
    anchor = row;
    refresh();
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("#bulk-form input[name=claims]")) refresh();
  });
  // htmx swaps a saved sentence: keep its mark.
  document.addEventListener("htmx:oobAfterSwap", refresh);
  // A change saved in the panel raises the claim's version: the selection
  // names the new one, so a bulk action does not take it for someone else's.
  document.addEventListener("htmx:afterSwap", function () {
    const panel = document.querySelector("#panel[data-claim-pk]");
    const version = panel && panel.querySelector("input[name=version]");
    const input = panel && box(panel.dataset.claimPk);
    if (version && input) input.value = panel.dataset.claimPk + ":" + version.value;
  });
  document.addEventListener("DOMContentLoaded", refresh);
})();
