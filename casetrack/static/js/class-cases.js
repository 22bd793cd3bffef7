// The class-case chart (类案分析): cases by coded reason, drawn from the numbers the page embeds as JSON. The table
// below holds the same numbers, so without ECharts or JavaScript nothing is lost.
(function () {
  var source = document.getElementById('class-case-data');
  var target = document.getElementById('class-case-chart');
  if (!source || !target || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  if (!data.reasons.length) return;
  var chart = window.echarts.init(target, null, { renderer: 'svg' });
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: data.reasons.slice().reverse() },
    series: [{ type: 'bar', data: data.counts.slice().reverse(), itemStyle: { color: '#c0392b' }, label: { show: true, position: 'right' } }]
  });
  window.addEventListener('resize', function () { chart.resize(); });
})();
