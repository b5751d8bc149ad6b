// The leadership dashboard's charts (Apache ECharts, vendored). The figures come from the
// page's json_script tag; nothing here computes them. A click on a bar or a point opens the
// records behind it (the metrics page's drill-down), for its unit or its month.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const L = data.labels;
  const links = data.links;
  const big = {fontSize: 18};
  // Every category label is drawn (interval 0): on a projector none may be skipped.
  const every = Object.assign({interval: 0}, big);
  const ROW = 34; // px per unit in the charts by unit, so that each unit's name has its line
  const charts = [];

  function recordsUrl(code, query) {
    const params = new URLSearchParams(Object.assign({period: links.period}, query));
    return links.records.replace("CODE", encodeURIComponent(code)) + "?" + params.toString();
  }

  function chart(id, option, onClick, rows) {
    const el = document.getElementById(id);
    if (!el) return;
    if (rows) el.style.height = Math.max(300, rows * ROW + 90) + "px";
    const c = echarts.init(el, null, {renderer: "canvas"});
    c.setOption(Object.assign({textStyle: big, animation: false}, option));
    if (onClick) {
      c.on("click", function (params) {
        const url = onClick(params);
        if (url) window.location.assign(url);
      });
    }
    charts.push(c);
  }

  chart("chart-trend", {
    tooltip: {trigger: "axis"},
    legend: {textStyle: big},
    grid: {left: 20, right: 20, top: 50, bottom: 20, containLabel: true},
    xAxis: {type: "category", data: data.trend.months, axisLabel: every},
    yAxis: {type: "value", axisLabel: big},
    series: [
      {name: L.registered, type: "bar", data: data.trend.registered, itemStyle: {color: "#9bb7d9"}},
      {name: L.checked, type: "line", data: data.trend.checked, lineStyle: {width: 4}, itemStyle: {color: "#0b3a73"}, symbolSize: 10},
    ],
  }, function (p) {
    const query = {period: data.trend.keys[p.dataIndex]};
    if (p.seriesIndex === 0) query.part = "denominator";
    return recordsUrl(links.trend, query);
  });

  if (data.alerts.available) {
    chart("chart-alerts", {
      tooltip: {trigger: "axis"},
      legend: {textStyle: big},
      grid: {left: 20, right: 20, top: 50, bottom: 20, containLabel: true},
      xAxis: {type: "category", data: data.alerts.months, axisLabel: every},
      yAxis: {type: "value", minInterval: 1, axisLabel: big},
      series: [
        {name: L.alertsOpened, type: "bar", data: data.alerts.opened, itemStyle: {color: "#e4a0a6"}},
        {name: L.alertsClosed, type: "line", data: data.alerts.closed, lineStyle: {width: 4}, itemStyle: {color: "#198754"}, symbolSize: 10},
      ],
    }, function (p) {
      const code = p.seriesIndex === 0 ? links.alerts.opened : links.alerts.closed;
      return recordsUrl(code, {period: data.alerts.keys[p.dataIndex]});
    });
  }

  if (data.colours.available) {
    const colourCodes = [links.colours.red, links.colours.yellow, links.colours.green];
    chart("chart-colours", {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {textStyle: big},
      grid: {left: 10, right: 30, top: 50, bottom: 20, containLabel: true},
      xAxis: {type: "value", axisLabel: big},
      yAxis: {type: "category", data: data.colours.units, axisLabel: every, inverse: true},
      series: [
        {name: L.red, type: "bar", stack: "c", data: data.colours.red, itemStyle: {color: "#dc3545"}},
        {name: L.yellow, type: "bar", stack: "c", data: data.colours.yellow, itemStyle: {color: "#ffc107"}},
        {name: L.green, type: "bar", stack: "c", data: data.colours.green, itemStyle: {color: "#198754"}},
      ],
    }, function (p) {
      return recordsUrl(colourCodes[p.seriesIndex], {unit: data.colours.unitIds[p.dataIndex]});
    }, data.colours.units.length);
  }

  chart("chart-training", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {textStyle: big},
    grid: {left: 10, right: 30, top: 50, bottom: 20, containLabel: true},
    xAxis: {type: "value", max: 100, axisLabel: big},
    yAxis: {type: "category", data: data.training.units, axisLabel: every, inverse: true},
    series: [
      {name: L.attendance, type: "bar", data: data.training.attendance, itemStyle: {color: "#0b3a73"}},
      {name: L.passRate, type: "bar", data: data.training.passRate, itemStyle: {color: "#6f9fd8"}},
    ],
  }, function (p) {
    const code = p.seriesIndex === 0 ? links.training.attendance : links.training.passRate;
    return recordsUrl(code, {unit: data.training.unitIds[p.dataIndex]});
  }, data.training.units.length);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
