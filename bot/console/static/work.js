// Staff work-order basics: the SLA countdown of queue items and inserting 常用回复 into a reply.
// No inline scripts (CSP): this file only reads data- attributes the server rendered.
(function () {
  "use strict";

  var MINUTE = 60;

  // The same wording as bot/console/queue_sla.countdown (keep the two in step).
  function span(seconds) {
    var minutes = Math.max(1, Math.floor(seconds / MINUTE));
    if (minutes < 60) { return minutes + " 分钟"; }
    var hours = Math.floor(minutes / 60); minutes = minutes % 60;
    if (hours < 24) { return minutes ? hours + " 小时 " + minutes + " 分" : hours + " 小时"; }
    var days = Math.floor(hours / 24); hours = hours % 24;
    return hours ? days + " 天 " + hours + " 小时" : days + " 天";
  }

  function countdown(deadline, now) {
    var left = deadline - now;
    if (left > 0) { return left >= MINUTE ? "剩 " + span(left) : "剩不到 1 分钟"; }
    return -left >= MINUTE ? "已超时 " + span(-left) : "已超时";
  }

  function tick() {
    var now = Date.now() / 1000;
    Array.prototype.forEach.call(document.querySelectorAll(".sla[data-deadline]"), function (el) {
      var deadline = parseFloat(el.getAttribute("data-deadline"));
      if (isNaN(deadline)) { return; }
      el.textContent = countdown(deadline, now);
      el.classList.toggle("sla-overdue", now > deadline);
    });
  }
  window.setInterval(tick, MINUTE * 1000);
  // A page restored from the back/forward cache shows stale server text: recount at once.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { tick(); } });

  // 常用回复: a button per reply puts its text into the reply box at the cursor. Without
  // scripts the same buttons are links (?canned=<id>) that the server answers prefilled.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-canned-text]");
    if (!button) { return; }
    var box = document.getElementById("reply-text");
    if (!box) { return; }
    event.preventDefault();
    var text = button.getAttribute("data-canned-text");
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    if (document.activeElement !== box) { start = end = box.value.length; }
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
  });
})();
