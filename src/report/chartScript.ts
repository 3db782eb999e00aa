/**
 * The report's chart script: run once as the page loads, after vega and vega-lite (inlined by
 * chartRuntime.ts). For each `<script type="application/json" data-chart="ID">` it compiles the
 * vega-lite spec and draws it as SVG into the element ID, gives the SVG `role="img"`, the
 * container's `data-label` as its aria-label and `data-title` as its <title>, and finally marks
 * `<html data-charts="ready">` (or `"failed"`, with the reason in the container). Charts hold only
 * inline data, so the drawing finishes in the page's first task, before its load event.
 */
export const CHART_SCRIPT = `(async function () {
  var root = document.documentElement;
  var failed = 0;
  var specs = document.querySelectorAll('script[type="application/json"][data-chart]');
  for (var i = 0; i < specs.length; i++) {
    var box = document.getElementById(specs[i].getAttribute('data-chart'));
    if (!box) continue;
    try {
      var vg = vegaLite.compile(JSON.parse(specs[i].textContent)).spec;
      var view = new vega.View(vega.parse(vg), { renderer: 'svg', container: box, hover: false, logLevel: vega.Warn });
      await view.runAsync();
      var svg = box.querySelector('svg');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', box.getAttribute('data-label') || '');
      var title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
      title.textContent = box.getAttribute('data-title') || '';
      svg.insertBefore(title, svg.firstChild);
      box.removeAttribute('role');
      box.removeAttribute('aria-roledescription');
      view.finalize();
    } catch (e) {
      failed++;
      box.textContent = 'This chart could not be drawn: ' + (e && e.message ? e.message : String(e));
      box.className += ' missing';
    }
  }
  root.setAttribute('data-charts', failed > 0 ? 'failed' : 'ready');
})();`;
