/* Visitor counter widget: sends one hit for this page, then (only if the hit reached
   the service) fills [data-count-stat] (online, today, ...) and [data-count-path] (views
   of a path). Links with data-count-hit="/path" (attachments) send a hit when clicked.
   Service down or slower than 3 s: every number shows "—"; nothing is thrown or logged.
   A hit that fails to connect marks the service down for the rest of this page view and
   this tab (sessionStorage holds only that flag): no more requests, so the browser's own
   "Failed to load resource" line appears once per tab at most. */
(function () {
  var s = document.currentScript, d = s && s.dataset, base = d && d.counterUrl;
  if (!base || !window.fetch || !window.Promise) return;
  base = base.replace(/\/+$/, '');
  var prefix = d.sitePath || '', path = location.pathname, done = 0, KEY = 'portal-counter-down', down = 0;
  try { down = sessionStorage.getItem(KEY) === '1'; } catch (x) {}
  if (prefix && path.indexOf(prefix) === 0) path = path.slice(prefix.length) || '/';
  var fmt = new Intl.NumberFormat('vi-VN');
  var nodes = document.querySelectorAll('[data-count-stat],[data-count-path]');
  var q = [];
  nodes.forEach(function (n) {
    var p = n.getAttribute('data-count-path');
    if (p && q.indexOf(p) < 0) q.push(p);
  });
  function fill(r) {
    if (done) return;
    done = 1;
    clearTimeout(timer);
    nodes.forEach(function (n) {
      var k = n.getAttribute('data-count-stat'), p = n.getAttribute('data-count-path');
      var v = r && (k ? r[k] : r.views && r.views[p]);
      n.textContent = typeof v === 'number' ? fmt.format(v) : '\u2014';
    });
  }
  function fail() {
    down = 1;
    try { sessionStorage.setItem(KEY, '1'); } catch (x) {}
    fill(null);
  }
  var ctl = window.AbortController ? new AbortController() : null;
  var timer = setTimeout(function () { fill(null); if (ctl) ctl.abort(); }, 3000);
  function counts() {
    if (!nodes.length || done) return fill(null);
    fetch(base + '/v1/counts' + (q.length ? '?path=' + q.map(encodeURIComponent).join('&path=') : ''),
          {credentials: 'omit', signal: ctl && ctl.signal})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(fill, function () { fill(null); });
  }
  function hit(p, beacon) {
    var body = JSON.stringify({path: p}), url = base + '/v1/hit';
    if (beacon && navigator.sendBeacon) return navigator.sendBeacon(url, body);
    return fetch(url, {method: 'POST', body: body, keepalive: true, mode: 'no-cors', credentials: 'omit'});
  }
  // The hit's outcome, for the page's other calls to the service (reader.js): they wait
  // for it and send nothing when the service is down.
  window.portalCounterUp = down ? Promise.resolve(false)
    : hit(path).then(function () { counts(); return true; }, function () { fail(); return false; });
  if (down) fill(null);
  document.addEventListener('click', function (e) {
    var a = !down && e.target.closest && e.target.closest('a[data-count-hit]');
    if (a) try { hit(a.getAttribute('data-count-hit'), 1); } catch (x) {}
  });
})();
