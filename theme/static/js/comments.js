/* Reader comments (#y-kien) over the reader service's Isso API: approved comments
   (oldest first, newest last) and the form. Text is put in with textContent, never as
   HTML. Loaded by reader.js when the section is near. */
(function () {
  var cm = document.getElementById('y-kien');
  if (!cm || cm.getAttribute('data-comments-ready')) return;
  cm.setAttribute('data-comments-ready', '1');
  var base = cm.getAttribute('data-comments-url'), path = cm.getAttribute('data-comments-path');
  var status = cm.querySelector('[data-comments-status]'), list = cm.querySelector('[data-comments-list]');
  var form = cm.querySelector('[data-comments-form]'), count = cm.querySelector('[data-comments-count]');
  var max = +cm.getAttribute('data-comments-max') || 2000;
  var fmt = new Intl.DateTimeFormat('en-GB', {timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit',
    year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'});
  function when(d) {  /* "02/12/2026 05:24", as the article's own dates */
    var p = {};
    fmt.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p.day + '/' + p.month + '/' + p.year + ' ' + p.hour + ':' + p.minute;
  }
  var DOWN = 'Chưa tải được ý kiến bạn đọc; xin thử lại sau.';

  function timeout(ms) {
    var ctl = window.AbortController ? new AbortController() : null;
    if (ctl) setTimeout(function () { ctl.abort(); }, ms);
    return ctl && ctl.signal;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function render(data) {
    var items = (data.replies || []).slice().sort(function (a, b) { return a.created - b.created; });
    list.textContent = '';
    items.forEach(function (c) {
      var li = el('li', 'comments__item'), meta = el('p', 'comments__meta');
      var d = new Date(c.created * 1000);
      meta.appendChild(el('strong', 'comments__author', c.author || 'Bạn đọc'));
      meta.appendChild(document.createTextNode(' · '));
      var tm = el('time', null, when(d));
      tm.dateTime = d.toISOString();
      meta.appendChild(tm);
      li.appendChild(meta);
      String(c.text || '').split(/\n{2,}/).forEach(function (para) { li.appendChild(el('p', 'comments__text', para)); });
      list.appendChild(li);
    });
    var n = data.total_replies || items.length;
    count.textContent = ' (' + n.toLocaleString('vi-VN') + ')';
    list.hidden = !items.length;
    status.textContent = items.length ? '' : (cm.getAttribute('data-comments-state') === 'closed'
      ? 'Bài viết không còn nhận ý kiến.' : 'Chưa có ý kiến nào được đăng.');
    status.hidden = !status.textContent;
    if (form) form.hidden = false;
    else if (items.length) { status.textContent = 'Bài viết không còn nhận ý kiến.'; status.hidden = false; }
  }
  fetch(base + '/?plain=1&uri=' + encodeURIComponent(path), {credentials: 'omit', signal: timeout(5000)})
    .then(function (r) {
      if (r.status === 404) return {replies: [], total_replies: 0};
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(render, function () { status.textContent = DOWN; status.hidden = false; });

  if (!form) return;
  var sent = form.querySelector('[data-comments-sent]');
  var ERR = {
    links: 'Ý kiến không được chứa liên kết.',
    length: 'Nội dung cần từ 3 đến ' + max.toLocaleString('vi-VN') + ' ký tự.',
    author: 'Xin ghi họ và tên (tối đa 80 ký tự).',
    closed: 'Bài viết không còn nhận ý kiến.'
  };
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = form.elements, text = f.text.value.trim(), author = f.author.value.trim();
    if (!author) { sent.textContent = ERR.author; return f.author.focus(); }
    if (text.length < 3 || text.length > max) { sent.textContent = ERR.length; return f.text.focus(); }
    var btn = form.querySelector('button');
    btn.disabled = true;
    sent.textContent = 'Đang gửi…';
    fetch(base + '/new?uri=' + encodeURIComponent(path), {
      method: 'POST', credentials: 'omit', headers: {'Content-Type': 'application/json'}, signal: timeout(10000),
      body: JSON.stringify({author: author, email: f.email.value.trim() || null, text: text,
        homepage: f.homepage.value})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (b) { return {s: r.status, b: b}; });
    }).then(function (r) {
      btn.disabled = false;
      if (r.s === 201 || r.s === 202) {
        form.reset();
        sent.textContent = 'Ý kiến của bạn đã được gửi và đang chờ duyệt';
      } else if (r.s === 403 && !(r.b && r.b.error)) {
        sent.textContent = 'Bạn vừa gửi ý kiến; xin đợi một phút rồi gửi tiếp.';
      } else {
        sent.textContent = ERR[r.b && r.b.error] || 'Chưa gửi được ý kiến; xin thử lại sau.';
      }
    }, function () {
      btn.disabled = false;
      sent.textContent = 'Chưa gửi được ý kiến; xin thử lại sau.';
    });
  });
})();
