// Draw the dashboard's charts from the numbers the page embeds as JSON (no inline script: the page must keep
// working under a Content-Security-Policy). The table beside each chart holds the same numbers, so without
// ECharts or JavaScript nothing is lost.
(function () {
  var source = document.getElementById('dashboard-data');
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var palette = ['#1d4e89', '#c05621', '#2f855a', '#805ad5'];

  function percent(value) {
    return value === null || value === undefined ? '—' : value.toFixed(2) + '%';
  }

  function option(spec) {
    var categoryAxis = {
      type: 'category',
      data: spec.categories,
      inverse: !!spec.horizontal, // the unit with most cases on top, as in the table
      axisLabel: { interval: 0, width: 160, overflow: 'truncate' }
    };
    var valueAxis = spec.percent
      ? { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } }
      : { type: 'value', minInterval: 1 };
    return {
      color: palette,
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: 'axis', valueFormatter: spec.percent ? percent : undefined },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (series) {
        // A month without a figure is a gap in the line, never a zero.
        return { name: series.name, type: spec.kind, data: series.data, connectNulls: false, barMaxWidth: 28 };
      })
    };
  }

  var charts = data.charts.map(function (spec) {
    var element = document.getElementById('chart-' + spec.id);
    if (spec.horizontal) {
      element.style.height = Math.max(240, 34 * spec.categories.length + 70) + 'px';
    }
    var chart = window.echarts.init(element, null, { locale: data.locale });
    chart.setOption(option(spec));
    return chart;
  });
  window.addEventListener('resize', function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
