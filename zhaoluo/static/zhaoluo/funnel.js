/* The funnel page's charts (ECharts, served locally). Data comes from json_script #funnel-data. */
(function () {
  "use strict";
  var source = document.getElementById("funnel-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var colors = { signed: "#b87333", started: "#8e9499", producing: "#4a78b5", at_capacity: "#c9a227" };
  var charts = [];

  // The year selector and key-only switch apply at once.
  var form = document.getElementById("funnel-form");
  if (form) {
    form.addEventListener("change", function () { form.submit(); });
  }

  var funnelEl = document.getElementById("funnel-chart");
  if (funnelEl) {
    var funnel = window.echarts.init(funnelEl);
    funnel.setOption({
      animation: false,
      color: [colors.signed, colors.started, colors.producing, colors.at_capacity],
      tooltip: { trigger: "item", formatter: "{b}：{c} 个" },
      series: [{
        type: "funnel",
        sort: "none",
        left: "10%", width: "80%", top: 10, bottom: 10,
        minSize: "32%",
        label: { show: true, position: "inside", formatter: "{b} {c}", color: "#fff", fontSize: 14 },
        data: data.funnel
      }]
    });
    charts.push(funnel);
  }

  var yearlyEl = document.getElementById("yearly-chart");
  if (yearlyEl) {
    var keys = ["signed", "started", "producing", "at_capacity"];
    var yearly = window.echarts.init(yearlyEl);
    yearly.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.years.map(function (y) { return y + "年"; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: keys.map(function (k) {
        return { name: data.labels[k], type: "bar", data: data.series[k], itemStyle: { color: colors[k] } };
      })
    });
    charts.push(yearly);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
