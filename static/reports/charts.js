// Draws the charts of a page (reports/templates/reports/chart.html) with the vendored ECharts.
// Each chart is a container [data-chart="<id of its json_script>"]; the JSON holds the ECharts
// option and the drill-down URLs, [series][data index]. No inline script: the CSP forbids it.
(function () {
  "use strict";

  var SELECTOR = "[data-chart]";
  var DEFAULT_HEIGHT = 320;

  // A drill-down only ever opens a page of this site (reports/charts.py checks it too).
  function isLocalPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && "/\\".indexOf(url.charAt(1)) < 0;
  }

  function drilldownUrl(data, params) {
    var urls = (data.drilldown || [])[params.seriesIndex] || [];
    return urls[params.dataIndex];
  }

  // One observer for all charts: the width follows the container (a turned phone, an opened
  // menu, a resized window), never a fixed size.
  var resizer = new ResizeObserver(function (entries) {
    window.requestAnimationFrame(function () {
      entries.forEach(function (entry) {
        var chart = window.echarts.getInstanceByDom(entry.target);
        if (chart) chart.resize();
      });
    });
  });

  function draw(container) {
    if (window.echarts.getInstanceByDom(container)) return;
    var source = document.getElementById(container.getAttribute("data-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var height = parseInt(container.getAttribute("data-chart-height"), 10) || DEFAULT_HEIGHT;
    container.style.height = height + "px";
    var lang = document.documentElement.lang || "";
    var chart = window.echarts.init(container, null, {
      renderer: "svg",
      locale: lang.indexOf("zh") === 0 ? "ZH" : "EN",
    });
    chart.setOption(data.option);
    chart.on("click", function (params) {
      var url = drilldownUrl(data, params);
      if (isLocalPath(url)) window.location.assign(url);
    });
    resizer.observe(container);
  }

  function drawWithin(root) {
    if (root.matches && root.matches(SELECTOR)) draw(root);
    if (root.querySelectorAll) root.querySelectorAll(SELECTOR).forEach(draw);
  }

  function forget(element) {
    var chart = window.echarts.getInstanceByDom(element);
    if (!chart) return;
    resizer.unobserve(element);
    chart.dispose();
  }

  if (!window.echarts) return; // echarts.min.js did not load: the tables under the charts stay
  drawWithin(document);
  // Charts that htmx swaps in are drawn, and those it swaps out are let go.
  document.addEventListener("htmx:load", function (event) {
    drawWithin(event.target);
  });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    forget(event.target);
  });
})();
