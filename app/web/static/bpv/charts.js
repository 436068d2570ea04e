// Draws every <canvas data-chart="ID"> with chart.js from the JSON configuration in
// <script type="application/json" id="ID">, which the server builds. The only additions made
// here are what JSON cannot carry: functions that format ticks and tooltips.
(function () {
  "use strict";

  var pounds = new Intl.NumberFormat("en-GB", {
    style: "currency",
    currency: "GBP",
    notation: "compact",
    maximumFractionDigits: 2
  });

  function formatTicks(scales) {
    Object.keys(scales || {}).forEach(function (name) {
      var ticks = scales[name].ticks;
      if (ticks && ticks.format === "pounds") {
        delete ticks.format;
        ticks.callback = function (value) { return pounds.format(value); };
      }
    });
  }

  function labelPoints(config) {
    var plugins = (config.options.plugins = config.options.plugins || {});
    plugins.tooltip = plugins.tooltip || {};
    plugins.tooltip.callbacks = {
      label: function (item) {
        var raw = item.raw || {};
        if (raw.label) { return raw.label; }
        return item.dataset.label + ": " + item.formattedValue;
      }
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") { return; }
    var config = JSON.parse(source.textContent);
    config.options = config.options || {};
    formatTicks(config.options.scales);
    labelPoints(config);
    new window.Chart(canvas, config);
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
