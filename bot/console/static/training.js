// Training progress: poll /api/training while a run is going and update the page in place.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) instead.
(function () {
  "use strict";
  var box = document.getElementById("training-progress");
  if (!box || box.getAttribute("data-running") !== "true") { return; }
  function set(id, text) {
    var node = document.getElementById(id);
    if (node) { node.textContent = text; }
  }
  function poll() {
    fetch("/api/training", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (p) {
        if (!p) { setTimeout(poll, 5000); return; }
        if (!p.running) { window.location.reload(); return; }  // done, failed or cancelled: full page
        set("tp-stage", p.stage_label);
        set("tp-component", (p.component || "—") + (p.components_done ? "（已完成 " + p.components_done + " 个组件）" : ""));
        set("tp-epoch", p.epochs ? p.epoch + " / " + p.epochs : "—");
        set("tp-elapsed", p.elapsed_text);
        set("tp-eta", p.eta_text);
        var bar = document.getElementById("tp-bar");
        if (bar) { bar.max = p.epochs || 1; bar.value = p.epoch; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
}());
