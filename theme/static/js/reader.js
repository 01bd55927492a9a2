/* Reader participation: today's date in the header (Asia/Ho_Chi_Minh), the star rating
   (#danh-gia), "Tin xem nhiều" (#tin-xem-nhieu) and the comments loader (#y-kien: loads
   comments.js only when the reader scrolls near). Service down or slower than 4 s: the
   rating shows "—" with its stars disabled, the most-read block stays hidden. */
(function () {
  var s = document.currentScript, base = s && s.dataset.counterUrl;
  var TZ = 'Asia/Ho_Chi_Minh';
  var DAYS = ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
  var WD = {Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6};

  function today(now) {
    var parts = {};
    new Intl.DateTimeFormat('en-US', {timeZone: TZ, weekday: 'short', day: '2-digit', month: '2-digit',
      year: 'numeric'}).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    return DAYS[WD[parts.weekday]] + ', ' + parts.day + '/' + parts.month + '/' + parts.year;
  }
  window.readerToday = today;
  var t = document.querySelector('[data-today]');
  if (t) try { t.textContent = today(new Date()); } catch (e) {}

  if (!base || !window.fetch || !window.Promise) return;
  base = base.replace(/\/+$/, '');

  // The cards file of a counter path (plugins/reader/policy.py card_group): its first segment.
  function cardGroup(path) {
    var parts = String(path).replace(/^\/+/, '').split('/');
    return parts.length > 1 && parts[0] ? parts[0] : '_';
  }
  window.readerCardGroup = cardGroup;

  // counter.js (earlier in the page) tells whether its hit reached the service: a down
  // service gets no more requests on this page or in this tab (issue 13's back-off).
  function whenUp() { return window.portalCounterUp || Promise.resolve(true); }

  function get(url, opts) {
    return whenUp().then(function (up) {
      if (!up) throw new Error('down');
      return fetchJSON(url, opts);
    });
  }

  function fetchJSON(url, opts) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctl) ctl.abort(); }, 4000);
    opts = opts || {};
    opts.credentials = 'omit';
    if (ctl) opts.signal = ctl.signal;
    return fetch(url, opts).then(function (r) {
      clearTimeout(timer);
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }

  /* Star rating */
  var rating = document.getElementById('danh-gia');
  if (rating) {
    var rpath = rating.getAttribute('data-rating-path'), key = 'danh-gia:' + rpath;
    var stars = rating.querySelector('fieldset'), note = rating.querySelector('[data-rating-note]');
    var fmt1 = new Intl.NumberFormat('vi-VN', {maximumFractionDigits: 1});
    var show = function (r) {
      rating.querySelector('[data-rating-points]').textContent = r ? r.points.toLocaleString('vi-VN') : '\u2014';
      rating.querySelector('[data-rating-votes]').textContent = r ? r.votes.toLocaleString('vi-VN') : '\u2014';
      rating.querySelector('[data-rating-average]').textContent =
        r && r.votes ? ' (trung bình ' + fmt1.format(r.average) + '/5 sao)' : '';
    };
    var voted = function () { try { return localStorage.getItem(key); } catch (e) { return null; } };
    get(base + '/v1/rating?path=' + encodeURIComponent(rpath)).then(function (r) {
      show(r);
      if (voted()) note.textContent = 'Bạn đã đánh giá bài viết này ' + voted() + ' sao.';
      else stars.disabled = false;
    }, function () { show(null); stars.disabled = true; });
    rating.querySelector('form').addEventListener('submit', function (e) {
      e.preventDefault();
      var c = rating.querySelector('input[name="so-sao"]:checked');
      if (stars.disabled) return;
      if (!c) { note.textContent = 'Xin chọn số sao trước khi gửi.'; return; }
      stars.disabled = true;
      get(base + '/v1/rate', {method: 'POST', headers: {'Content-Type': 'text/plain;charset=UTF-8'},
        body: JSON.stringify({path: rpath, stars: +c.value})}).then(function (r) {
        show(r);
        try { localStorage.setItem(key, c.value); } catch (x) {}
        note.textContent = r.counted ? 'Cảm ơn bạn đã đánh giá ' + c.value + ' sao.'
          : 'Bạn đã đánh giá bài viết này hôm nay; mỗi người một lượt.';
      }, function () {
        show(null);
        note.textContent = 'Chưa gửi được đánh giá; xin thử lại sau.';
      });
    });
  }

  /* Tin xem nhiều */
  var mr = document.getElementById('tin-xem-nhieu');
  if (mr) {
    var n = +mr.getAttribute('data-most-read-count') || 8, site = mr.getAttribute('data-site-url') || '';
    get(base + '/v1/top?days=' + (mr.getAttribute('data-most-read-days') || 7) + '&limit=' + (n + 1)).then(function (top) {
      var items = top.items || [], groups = {};
      items.forEach(function (it) { groups[cardGroup(it.path)] = 1; });
      // Only the cards files these items are in (a year each with dated URLs).
      return Promise.all(Object.keys(groups).map(function (g) {
        // A missing or slow year drops only its own items, not the whole block.
        return fetchJSON(mr.getAttribute('data-most-read-cards') + encodeURIComponent(g) + '.json')
          .then(null, function () { return {}; });
      })).then(function (files) { return [items, files]; });
    }).then(function (res) {
      var cards = {}, list = mr.querySelector('ol'), here = location.pathname, shown = 0;
      res[1].forEach(function (f) { for (var k in (f.cards || {})) cards[k] = f.cards[k]; });
      res[0].forEach(function (it) {
        var c = cards[it.path];
        if (!c || shown >= n || (site + '/' + c.u).replace(/^https?:\/\/[^/]+/, '') === here) return;
        var li = document.createElement('li'), a = document.createElement('a');
        a.href = site + '/' + c.u;
        if (c.i) {
          var img = document.createElement('img');
          img.src = c.i; img.alt = ''; img.width = 80; img.height = 50; img.loading = 'lazy';
          a.appendChild(img);
        }
        a.appendChild(document.createTextNode(c.t));
        li.appendChild(a);
        list.appendChild(li);
        shown++;
      });
      if (shown) mr.hidden = false;
    }, function () {});
  }

  /* Comments: the widget's script arrives only when the section is near the viewport. */
  var cm = document.getElementById('y-kien');
  if (cm) {
    var load = function () {
      var down = function () {
        cm.querySelector('[data-comments-status]').textContent = 'Chưa tải được ý kiến bạn đọc; xin thử lại sau.';
      };
      whenUp().then(function (up) {
        if (!up) return down();  // the service is down: no request at all
        var sc = document.createElement('script');
        sc.src = cm.getAttribute('data-comments-script');
        sc.async = true;
        sc.onerror = down;
        document.head.appendChild(sc);
      });
    };
    if (!window.IntersectionObserver) return load();
    var io = new IntersectionObserver(function (es) {
      if (es.some(function (x) { return x.isIntersecting; })) { io.disconnect(); load(); }
    }, {rootMargin: '600px 0px'});
    io.observe(cm);
  }
})();
