// Insight charts (数据研判): ECharts served from /static/vendor, data from the page's JSON block
// (no inline script: CSP). Chinese labels use the system's CJK fonts.
(function () {
  "use strict";
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif';

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // The warning list follows new warnings by itself: a new newest id reloads the page.
  var list = document.getElementById("warnings");
  if (list) {
    var newest = list.getAttribute("data-newest") || "";
    window.setInterval(function () {
      fetch("/api/insight/warnings", { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          var first = body && body.warnings.length ? body.warnings[0].id : "";
          if (body && first !== newest) { window.location.reload(); }
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
    }, 15000);
  }

  var holder = document.getElementById("insight-data");
  if (!holder || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var charts = [];

  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var instance = window.echarts.init(element, null, { renderer: "svg" });
    option.textStyle = { fontFamily: FONT };
    option.animation = false;
    instance.setOption(option);
    charts.push(instance);
    element.setAttribute("data-ready", "1");
  }

  chart("chart-daily", {
    tooltip: { trigger: "axis" },
    legend: { data: ["职工消息", "诉求"] },
    grid: { left: 50, right: 50, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.daily.map(function (d) { return d.day.slice(5); }) },
    yAxis: [{ type: "value", name: "消息" }, { type: "value", name: "诉求" }],
    series: [
      { name: "职工消息", type: "line", data: data.daily.map(function (d) { return d.messages; }) },
      { name: "诉求", type: "bar", yAxisIndex: 1, data: data.daily.map(function (d) { return d.appeals; }) }
    ]
  });

  var topics = data.topics.slice(0, 10).reverse();
  chart("chart-topics", {
    tooltip: { trigger: "axis" },
    legend: { data: ["本期", "上期"] },
    grid: { left: 100, right: 20, top: 30, bottom: 20 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: topics.map(function (t) { return t.label; }) },
    series: [
      { name: "本期", type: "bar", data: topics.map(function (t) { return t.count; }) },
      { name: "上期", type: "bar", data: topics.map(function (t) { return t.previous; }) }
    ]
  });

  var districts = data.districts.filter(function (d) { return d.messages || d.appeals; });
  chart("chart-districts", {
    tooltip: { trigger: "axis" },
    legend: { data: ["职工消息", "诉求"] },
    grid: { left: 50, right: 50, top: 40, bottom: 70 },
    xAxis: { type: "category", data: districts.map(function (d) { return d.label; }), axisLabel: { rotate: 40 } },
    yAxis: [{ type: "value", name: "消息" }, { type: "value", name: "诉求" }],
    series: [
      { name: "职工消息", type: "bar", data: districts.map(function (d) { return d.messages; }) },
      { name: "诉求", type: "bar", yAxisIndex: 1, data: districts.map(function (d) { return d.appeals; }) }
    ]
  });

  var most = data.map.reduce(function (top, d) { return Math.max(top, d.value); }, 0);
  chart("chart-map", {
    tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + (p.value || 0) + " 件诉求"; } },
    visualMap: { min: 0, max: Math.max(most, 1), left: 10, bottom: 20, text: ["多", "少"], calculable: true,
                 inRange: { color: ["#e6f0fa", "#6aa3d9", "#08306b"] } },
    series: [{ type: "map", map: "北京", roam: false, label: { show: true, fontSize: 11 },
               data: data.map }]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
}());
