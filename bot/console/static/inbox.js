// NLU inbox: row actions, bulk actions on a selection, keyboard shortcuts. No inline scripts (CSP).
(function () {
  "use strict";

  var table = document.getElementById("inbox");
  if (!table) { return; }
  var csrf = document.body.getAttribute("data-csrf");
  var status = document.getElementById("inbox-status");
  var selectAll = document.getElementById("select-all");
  var selectedCount = document.getElementById("selected-count");
  var STATUS_TEXT = { confirmed: "已确认", corrected: "已更正", rejected: "不作训练" };

  function rows() { return Array.prototype.slice.call(table.querySelectorAll("tr.inbox-row")); }
  function selectedRows() { return rows().filter(function (row) { return row.querySelector(".row-select").checked; }); }

  function say(text, isError) {
    status.textContent = text;
    status.className = "inbox-status small" + (isError ? " error" : "");
  }

  function refreshCount() {
    var count = selectedRows().length;
    selectedCount.textContent = "已选 " + count + " 组";
    selectAll.checked = count > 0 && count === rows().length;
  }

  function annotate(targetRows, action, intent) {
    if (!targetRows.length) { say("请先选择消息。", true); return Promise.resolve(); }
    var body = { action: action, keys: targetRows.map(function (row) { return row.getAttribute("data-key"); }) };
    if (intent) { body.intent = intent; }
    return fetch(table.getAttribute("data-annotate-url"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.message || ("HTTP " + response.status)); }
        return data;
      });
    }).then(function (data) {
      var byKey = {};
      data.annotated.forEach(function (item) { byKey[item.key] = item; });
      targetRows.forEach(function (row) {
        var item = byKey[row.getAttribute("data-key")];
        if (!item) { return; }
        row.classList.add("reviewed");
        row.querySelector(".row-select").checked = false;
        var cell = row.querySelector("td.review-state");
        cell.textContent = STATUS_TEXT[item.status] + (item.intent ? " " + item.intent : "");
        var who = document.createElement("div");
        who.className = "muted";
        who.textContent = item.by;
        cell.appendChild(who);
      });
      say("已保存 " + data.annotated.length + " 组。", false);
      refreshCount();
    }).catch(function (error) { say(error.message, true); });
  }

  // --- row buttons and selection ------------------------------------------------------------
  table.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    var row = event.target.closest("tr.inbox-row");
    if (row) { focusRow(row); }
    if (!button || !row) { return; }
    var action = button.getAttribute("data-action");
    annotate([row], action, action === "correct" ? row.querySelector(".row-intent").value : null);
  });
  table.addEventListener("change", function (event) {
    if (event.target.classList.contains("row-select")) { refreshCount(); }
  });
  selectAll.addEventListener("change", function () {
    rows().forEach(function (row) { row.querySelector(".row-select").checked = selectAll.checked; });
    refreshCount();
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-bulk]"), function (button) {
    button.addEventListener("click", function () {
      var action = button.getAttribute("data-bulk");
      annotate(selectedRows(), action, action === "correct" ? document.getElementById("bulk-intent").value : null);
    });
  });

  // --- keyboard -------------------------------------------------------------------------------
  var shortcuts = {};
  Array.prototype.forEach.call(document.querySelectorAll(".shortcut"), function (item) {
    shortcuts[item.getAttribute("data-key")] = item.getAttribute("data-intent");
  });
  var current = null;
  function focusRow(row) {
    if (current) { current.classList.remove("current"); }
    current = row;
    if (row) { row.classList.add("current"); row.focus({ preventScroll: false }); }
  }
  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = current ? all.indexOf(current) + step : 0;
    focusRow(all[Math.max(0, Math.min(all.length - 1, index))]);
  }
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var key = event.key;
    if (key === "j" || key === "ArrowDown") { move(1); event.preventDefault(); return; }
    if (key === "k" || key === "ArrowUp") { move(-1); event.preventDefault(); return; }
    if (!current) { return; }
    var next = function () { move(1); };
    if (key === "x" || key === " ") {
      var box = current.querySelector(".row-select");
      box.checked = !box.checked;
      refreshCount();
      event.preventDefault();
    } else if (key === "Enter") {
      annotate([current], "confirm").then(next);
      event.preventDefault();
    } else if (key === "Delete" || key === "Backspace") {
      annotate([current], "reject").then(next);
      event.preventDefault();
    } else if (shortcuts[key]) {
      current.querySelector(".row-intent").value = shortcuts[key];
      annotate([current], "correct", shortcuts[key]).then(next);
      event.preventDefault();
    }
  });
  focusRow(rows().filter(function (row) { return !row.classList.contains("reviewed"); })[0] || null);
})();
