// factcheck: keyboard and mouse on the editor pages. Progressive enhancement:
// every action here is also a link or a form that works without JavaScript.
(function () {
  "use strict";

  const TYPING = "input, textarea, select, [contenteditable=''], [contenteditable='true']";

  function workspace() { return document.getElementById("workspace"); }

  function units() {
    return Array.from(document.querySelectorAll("#article .unit:not(.dim)"));
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

  function move(step) {
    if (!document.getElementById("article") && triageMove(step)) return;
    const list = units();
    if (!list.length) return;
    const current = list.indexOf(selectedUnit());
    let next = current === -1 ? (step > 0 ? 0 : list.length - 1) : current + step;
    next = Math.max(0, Math.min(list.length - 1, next));
    select(list[next]);
  }

  function press(key) {
    const button = document.querySelector('#panel button[data-key="' + key + '"]');
    if (button) button.click();
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
    if (!tab) return;
    focusAfterSwap = key === "c" ? "comment-text" : null;
    if (tab.getAttribute("aria-selected") === "true") {
      focusLater();
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
      focusLater();
      focusSuggestion();
      markSelected();
    }
  });

  function toggleShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog) return;
    if (dialog.open) dialog.close();
    else dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest(TYPING)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.key === "/" && focusSearch()) {
      event.preventDefault();
      return;
    }
    if (!workspace()) return;
    const dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open && event.key !== "?") return;
    const actions = {
      j: () => move(1), ArrowDown: () => move(1), ArrowRight: () => move(1),
      k: () => move(-1), ArrowUp: () => move(-1), ArrowLeft: () => move(-1),
      1: () => press("1"), 2: () => press("2"), 3: () => press("3"), 0: () => press("0"),
      e: focusRationale, s: addSource, "?": toggleShortcuts,
      d: () => openTab("d"), c: () => openTab("c"), h: () => openTab("h"), a: focusReview,
      m: applySuggestion, t: switchView,
    };
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
