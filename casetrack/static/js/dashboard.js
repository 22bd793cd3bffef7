// Draw the dashboard's charts from the numbers the page embeds as JSON (no inline script: the page must keep
// working under a Content-Security-Policy). The table beside each chart holds the same numbers, so without
// ECharts or JavaScript nothing is lost.
(function () {
  var source = document.getElementById('dashboard-data');
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var palette = ['#1d4e89', '#c05621', '#2f855a', '#805ad5'];

  // The legend's sizes, given to ECharts and used here to work out how tall the legend is at a given width:
  // ECharts wraps a legend that does not fit on one line but never moves the plot down to make room for it,
  // so on a phone the second legend line sat on the axis' "100%".
  var LEGEND = { padding: 5, itemGap: 10, itemWidth: 25, itemHeight: 14, fontSize: 12, textGap: 5 };
  var measure = document.createElement('canvas').getContext('2d');
  measure.font = LEGEND.fontSize + 'px sans-serif';

  function legendHeight(names, width) {
    var room = width - 2 * LEGEND.padding;
    var rows = 1;
    var x = 0;
    names.forEach(function (name) {
      var item = LEGEND.itemWidth + LEGEND.textGap + measure.measureText(name).width;
      if (x > 0 && x + LEGEND.itemGap + item > room) {
        rows += 1;
        x = item;
      } else {
        x += (x > 0 ? LEGEND.itemGap : 0) + item;
      }
    });
    return 2 * LEGEND.padding + rows * LEGEND.itemHeight + (rows - 1) * LEGEND.itemGap;
  }

  function percent(value) {
    return value === null || value === undefined ? '—' : value.toFixed(2) + '%';
  }

  // What depends on the chart's width: the plot starts below the legend (plus room for half of the top axis
  // label), unit names get at most a third of a narrow chart, and month labels thin out when they would touch.
  function layout(spec, width) {
    var names = spec.series.map(function (series) { return series.name; });
    var categoryLabel = spec.horizontal
      ? { interval: 0, width: Math.min(160, Math.round(width / 3)), overflow: 'truncate' }
      : { interval: 'auto', hideOverlap: true };
    var axes = {};
    axes[spec.horizontal ? 'yAxis' : 'xAxis'] = { axisLabel: categoryLabel };
    axes.grid = { left: 8, right: 24, top: legendHeight(names, width) + 12, bottom: 8, containLabel: true };
    return axes;
  }

  function option(spec, width) {
    var categoryAxis = {
      type: 'category',
      data: spec.categories,
      inverse: !!spec.horizontal // the unit with most cases on top, as in the table
    };
    var valueAxis = spec.percent
      ? { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } }
      : { type: 'value', minInterval: 1 };
    var base = {
      color: palette,
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: 'axis', valueFormatter: spec.percent ? percent : undefined },
      legend: {
        top: 0,
        left: 'center',
        padding: LEGEND.padding,
        itemGap: LEGEND.itemGap,
        itemWidth: LEGEND.itemWidth,
        itemHeight: LEGEND.itemHeight,
        textStyle: { fontSize: LEGEND.fontSize, fontFamily: 'sans-serif' }
      },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (series) {
        // A month without a figure is a gap in the line, never a zero.
        return { name: series.name, type: spec.kind, data: series.data, connectNulls: false, barMaxWidth: 28 };
      })
    };
    var sized = layout(spec, width);
    base.grid = sized.grid;
    ['xAxis', 'yAxis'].forEach(function (key) {
      if (sized[key]) base[key].axisLabel = Object.assign({}, base[key].axisLabel, sized[key].axisLabel);
    });
    return base;
  }

  data.charts.forEach(function (spec) {
    var element = document.getElementById('chart-' + spec.id);
    function fitHeight(width) {
      if (!spec.horizontal) return;
      var names = spec.series.map(function (series) { return series.name; });
      element.style.height = Math.max(240, 34 * spec.categories.length + 70 + legendHeight(names, width)) + 'px';
    }
    fitHeight(element.clientWidth);
    // SVG rather than canvas: crisp on a phone's dense screen, lighter on its memory, and its labels are
    // elements a test can find.
    var chart = window.echarts.init(element, null, { renderer: 'svg', locale: data.locale });
    chart.setOption(option(spec, element.clientWidth));

    // Follow the chart's own box, not only the window: the box also changes width when the page's columns
    // fold into one.
    var width = element.clientWidth;
    function follow() {
      if (element.clientWidth !== width) {
        width = element.clientWidth;
        fitHeight(width);
        chart.setOption(layout(spec, width));
      }
      if (chart.getWidth() !== element.clientWidth || chart.getHeight() !== element.clientHeight) chart.resize();
    }
    if (window.ResizeObserver) {
      new ResizeObserver(follow).observe(element);
    } else {
      window.addEventListener('resize', follow);
    }
  });
})();
