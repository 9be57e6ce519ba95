// 12351 staff console: live queue, live transcript, confirmations. No inline scripts (CSP).
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  // Clickable queue rows (the link in the row stays the accessible way in).
  document.addEventListener("click", function (event) {
    var row = event.target.closest("tr[data-href]");
    if (row && !event.target.closest("a, button, form")) {
      window.location.href = row.getAttribute("data-href");
    }
    if (event.target.closest("[data-back]")) {
      window.history.back();
    }
  });

  // Forms that ask first (交还机器人).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  function getJSON(url) {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { window.location.href = "/login?next=" + encodeURIComponent(location.pathname); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  // --- emergency banner -------------------------------------------------------------------
  var banner = byId("alert-banner");
  var baseTitle = document.title;
  function showEmergency(count, href) {
    if (!banner) { return; }
    banner.querySelector(".alert-text").textContent =
      count === 1 ? "有 1 条新的紧急求助，请立即处理。" : "有 " + count + " 条新的紧急求助，请立即处理。";
    banner.querySelector(".alert-link").setAttribute("href", href);
    banner.hidden = false;
    document.title = "【紧急】" + baseTitle;
  }
  if (banner) {
    banner.querySelector(".alert-close").addEventListener("click", function () {
      banner.hidden = true;
      document.title = baseTitle;
    });
  }

  // --- live queue ---------------------------------------------------------------------------
  var queue = byId("queue");
  if (queue) {
    var seen = {};
    (queue.getAttribute("data-emergencies") || "").split(" ").forEach(function (id) { if (id) { seen[id] = true; } });
    var known = {};
    Array.prototype.forEach.call(queue.querySelectorAll("tr[data-id]"), function (row) { known[row.getAttribute("data-id")] = true; });
    var seconds = parseInt(queue.getAttribute("data-poll-seconds"), 10) || 5;
    var status = byId("queue-status");
    var refresh = function () {
      getJSON(queue.getAttribute("data-poll-url")).then(function (data) {
        byId("queue-rows").innerHTML = data.rows_html;
        if (data.summary_html) { byId("queue-summary").innerHTML = data.summary_html; }
        var fresh = [];
        data.emergencies.forEach(function (id) { if (!seen[id]) { fresh.push(id); seen[id] = true; } });
        Array.prototype.forEach.call(queue.querySelectorAll("tr[data-id]"), function (row) {
          var id = row.getAttribute("data-id");
          if (!known[id]) { row.classList.add("fresh"); known[id] = true; }
        });
        if (fresh.length) {
          var first = queue.querySelector('tr[data-id="' + fresh[0].replace(/"/g, "") + '"]');
          showEmergency(fresh.length, first ? first.getAttribute("data-href") : "/");
        }
        status.textContent = "已更新 " + new Date().toLocaleTimeString("zh-CN", { hour12: false });
        status.classList.remove("stale");
      }).catch(function () {
        status.textContent = "连接中断，正在重试……";
        status.classList.add("stale");
      });
    };
    window.setInterval(refresh, seconds * 1000);
  }

  // --- live transcript ----------------------------------------------------------------------
  var transcript = byId("transcript");
  if (transcript) {
    transcript.scrollTop = transcript.scrollHeight;
    var last = transcript.innerHTML;
    window.setInterval(function () {
      getJSON(transcript.getAttribute("data-poll-url")).then(function (data) {
        if (typeof data.transcript_html !== "string" || data.transcript_html === last) { return; }
        var atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
        transcript.innerHTML = data.transcript_html;
        last = data.transcript_html;
        if (atBottom) { transcript.scrollTop = transcript.scrollHeight; }
      }).catch(function () { /* the next poll tries again */ });
    }, 4000);
  }
})();
