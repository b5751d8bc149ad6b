// The leadership dashboard's charts (Apache ECharts, vendored). The figures come from the
// page's json_script tag; nothing here computes them.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const L = data.labels;
  const big = {fontSize: 18};
  const charts = [];

  function chart(id, option) {
    const el = document.getElementById(id);
    if (!el) return;
    const c = echarts.init(el, null, {renderer: "canvas"});
    c.setOption(Object.assign({textStyle: big, animation: false}, option));
    charts.push(c);
  }

  chart("chart-trend", {
    tooltip: {trigger: "axis"},
    legend: {textStyle: big},
    grid: {left: 70, right: 20, top: 50, bottom: 40},
    xAxis: {type: "category", data: data.trend.months, axisLabel: big},
    yAxis: {type: "value", axisLabel: big},
    series: [
      {name: L.registered, type: "bar", data: data.trend.registered, itemStyle: {color: "#9bb7d9"}},
      {name: L.checked, type: "line", data: data.trend.checked, lineStyle: {width: 4}, itemStyle: {color: "#0b3a73"}, symbolSize: 10},
    ],
  });

  if (data.alerts.available) {
    chart("chart-alerts", {
      tooltip: {trigger: "axis"},
      legend: {textStyle: big},
      grid: {left: 70, right: 20, top: 50, bottom: 40},
      xAxis: {type: "category", data: data.alerts.months, axisLabel: big},
      yAxis: {type: "value", minInterval: 1, axisLabel: big},
      series: [
        {name: L.alertsOpened, type: "bar", data: data.alerts.opened, itemStyle: {color: "#e4a0a6"}},
        {name: L.alertsClosed, type: "line", data: data.alerts.closed, lineStyle: {width: 4}, itemStyle: {color: "#198754"}, symbolSize: 10},
      ],
    });
  }

  if (data.colours.available) {
    chart("chart-colours", {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {textStyle: big},
      grid: {left: 150, right: 30, top: 50, bottom: 30},
      xAxis: {type: "value", axisLabel: big},
      yAxis: {type: "category", data: data.colours.units, axisLabel: big, inverse: true},
      series: [
        {name: L.red, type: "bar", stack: "c", data: data.colours.red, itemStyle: {color: "#dc3545"}},
        {name: L.yellow, type: "bar", stack: "c", data: data.colours.yellow, itemStyle: {color: "#ffc107"}},
        {name: L.green, type: "bar", stack: "c", data: data.colours.green, itemStyle: {color: "#198754"}},
      ],
    });
  }

  chart("chart-training", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {textStyle: big},
    grid: {left: 150, right: 30, top: 50, bottom: 30},
    xAxis: {type: "value", max: 100, axisLabel: big},
    yAxis: {type: "category", data: data.training.units, axisLabel: big, inverse: true},
    series: [
      {name: L.attendance, type: "bar", data: data.training.attendance, itemStyle: {color: "#0b3a73"}},
      {name: L.passRate, type: "bar", data: data.training.passRate, itemStyle: {color: "#6f9fd8"}},
    ],
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
