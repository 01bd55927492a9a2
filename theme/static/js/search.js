/* Search with lunr.js over year shards built by plugins/search_index.
   Loads nothing until the header box gets focus (or the /tim-kiem/ page opens).
   All data goes into the DOM with textContent: titles and queries are never HTML. */
(function () {
  "use strict";
  var VN, L, manifest, boot, BASE = "", shards = {}, listeners = [];

  function script(src) {
    return new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = src; s.onload = ok;
      s.onerror = function () { fail(new Error(src)); };
      document.head.appendChild(s);
    });
  }
  function json(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  // Transport form -> lunr's JSON (twin of builder.expand in Python).
  function expand(c) {
    var F = c.fields, n = c.n, k1 = c.k1, b = c.b, tfx = {}, vec = [], fv = [], NONE = {};
    var avg = c.len.map(function (l) { var s = 0; for (var i = 0; i < l.length; i++) s += l[i]; return n ? s / n : 0; });
    c.tf.forEach(function (x) { (tfx[x[0]] || (tfx[x[0]] = {}))[x[1] + "," + x[2]] = x[3]; });
    for (var d = 0; d < n; d++) vec.push(F.map(function () { return []; }));
    var inv = c.terms.map(function (term, t) {
      var posting = {}, docs = [];
      c.post[t].forEach(function (gaps, f) {
        var refs = {}, d = 0;
        // lunr only reads (clones) the metadata: one shared empty object will do
        for (var k = 0; k < gaps.length; k++) { d = k ? d + gaps[k] : gaps[0]; refs[d] = NONE; docs.push(f, d); }
        posting[F[f]] = refs;
      });
      posting._index = t;
      var df = docs.length / 2, idf = Math.log(1 + Math.abs((n - df + 0.5) / (df + 0.5))), x = tfx[t];
      for (var j = 0; j < docs.length; j += 2) {
        var f = docs[j], dd = docs[j + 1], tf = (x && x[f + "," + dd]) || 1;
        var score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (c.len[f][dd] / avg[f])) + tf);
        vec[dd][f].push(t, Math.round(score * c.boosts[f] * 1000) / 1000);
      }
      return [term, posting];
    });
    for (d = 0; d < n; d++) for (var f = 0; f < F.length; f++) fv.push([F[f] + "/" + d, vec[d][f]]);
    return { version: "2.3.9", fields: F, fieldVectors: fv, invertedIndex: inv, pipeline: c.pipeline };
  }

  // Same labels as plugins/search_index/pipeline.py; registered before Index.load.
  function register() {
    var trimmer = function (token) {
      token.update(function (s) { return VN.trim(VN.normalize(s).toLowerCase()); });
      return token.toString() ? token : undefined;
    };
    var dual = function (token) {
      var s = token.toString(), f = VN.fold(s);
      return f === s ? token : [token, token.clone(function () { return f; })];
    };
    L.Pipeline.registerFunction(trimmer, "vi-trimmer");
    L.Pipeline.registerFunction(dual, "vi-dual");
  }

  function start() {
    if (!boot) {
      boot = json(MANIFEST).then(function (m) {
        manifest = m;
        return Promise.all([
          window.lunr ? 0 : script(DIR + m.lunr),
          window.VietnameseText ? 0 : script(attr("vn"))
        ]);
      }).then(function () {
        L = window.lunr; VN = window.VietnameseText;
        register();
        return manifest;
      });
      boot.catch(function () { boot = null; });
    }
    return boot;
  }

  // One year: {core: {idx, docs}, lead: {idx, leads}}; parts arrive one by one.
  function loadPart(entry, part) {
    var y = entry.year, s = shards[y] || (shards[y] = { year: y });
    if (!s["p" + part]) {
      s["p" + part] = json(DIR + entry[part]).then(function (data) {
        s[part] = { idx: L.Index.load(expand(data.index)), rows: data.docs || data.leads };
        listeners.forEach(function (fn) { fn(); });
        if (part === "core") warm(s);
      });
      s["p" + part].catch(function () { s["p" + part] = null; });
    }
    return s["p" + part];
  }
  // Split titles into syllables while the reader is idle, so the first keystrokes need not.
  function warm(s) {
    var i = 0, n = s.core.rows.length, later = window.requestIdleCallback || setTimeout;
    later(function step() {
      for (var end = Math.min(n, i + 100); i < end; i++) tokens(s, i);
      if (i < n) later(step);
    });
  }
  function loadYear(entry) {
    return loadPart(entry, "core").then(function () { return loadPart(entry, "lead"); });
  }
  // Newest year first, then older years one after another.
  function loadYears(years) {
    return years.reduce(function (p, e) { return p.then(function () { return loadYear(e); }); }, Promise.resolve());
  }

  function queryTerms(q, typing) {
    var syl = VN.syllables(q), prefix = typing && !/\s$/.test(q);
    var n = syl.length, lastLen = n ? syl[n - 1].length : 0;
    // While typing, a last syllable of one letter is ignored and one of two letters is
    // matched whole: a 1-2 letter prefix expands to a large part of the index.
    if (prefix && lastLen < 2) syl.pop();
    return syl.map(function (s, i) {
      var last = prefix && i === n - 1;
      return { exact: s, fold: VN.fold(s), prefix: last && lastLen > 2, optional: last && lastLen === 2 && n > 1 };
    });
  }

  // exactOnly: no prefix expansion (the lead's vocabulary is large; its hits come once a word is whole).
  function run(idx, terms, exactOnly) {
    var P = L.Query.presence, W = L.Query.wildcard;
    return idx.query(function (q) {
      terms.forEach(function (t) {
        var w = t.prefix && !exactOnly ? W.TRAILING : W.NONE;
        // Folded term required (every syllable must match); exact spelling only adds score.
        q.term(t.fold, { usePipeline: false, wildcard: w, presence: t.optional ? P.OPTIONAL : P.REQUIRED });
        if (t.exact !== t.fold) q.term(t.exact, { usePipeline: false, wildcard: w, boost: 3 });
      });
    });
  }

  function words(text, folded) { return VN.tokenize(text, folded); }
  // Title syllables (exact, folded) per row, computed once: keystrokes repeat them.
  function tokens(s, ref) {
    var c = s.tok || (s.tok = {});
    if (!c[ref]) { var te = words(s.core.rows[ref][0]); c[ref] = [te, te.map(VN.fold)]; }
    return c[ref];
  }
  // Does the query stand as adjacent syllables in `tokens`? The last one may be a prefix.
  function phrase(tokens, terms, key) {
    outer: for (var i = 0; i + terms.length <= tokens.length; i++) {
      for (var j = 0; j < terms.length; j++) {
        var tok = tokens[i + j], want = terms[j][key];
        if (terms[j].prefix || terms[j].optional ? tok.indexOf(want) !== 0 : tok !== want) continue outer;
      }
      return true;
    }
    return false;
  }

  function rowUrl(row) {
    return BASE + (row[1] || row[2].slice(0, 4) + "/" + row[2].slice(5, 7) + "/" + VN.slugify(row[0]) + ".html");
  }

  // Results from every loaded year. lunr scores are relative to a shard, so each
  // year's are divided by its best; adjacency and exact spelling (from the stored
  // title and lead) then rank across years.
  function search(q, opts) {
    opts = opts || {};
    var terms = queryTerms(q, opts.typing), out = [];
    out.terms = terms;
    if (!terms.length || !manifest) return out;
    manifest.years.forEach(function (e) {
      var s = shards[e.year];
      if (!s || !s.core || (opts.year && String(e.year) !== String(opts.year))) return;
      var score = {}, best = 0;
      run(s.core.idx, terms).forEach(function (r) { score[r.ref] = r.score; });
      if (s.lead && !opts.titlesOnly) run(s.lead.idx, terms, true).forEach(function (r) { score[r.ref] = (score[r.ref] || 0) + r.score / 2; });
      var refs = Object.keys(score);
      refs.forEach(function (r) { best = Math.max(best, score[r]); });
      // Adjacency bonuses need the title's syllables: only for the best candidates of a year.
      refs.sort(function (a, b) { return score[b] - score[a]; });
      refs.forEach(function (ref, rank) {
        var row = s.core.rows[ref], cat = manifest.categories[row[3]] || "";
        if (opts.category && cat !== opts.category) return;
        var lead = s.lead ? s.lead.rows[ref] : "", bonus = 0;
        if (rank < 100) {
          var tok = tokens(s, ref);
          bonus = phrase(tok[0], terms, "exact") ? 2 : phrase(tok[1], terms, "fold") ? 1 :
            lead && phrase(tok[2] || (tok[2] = words(lead, true)), terms, "fold") ? 0.5 : 0;
        }
        out.push({ score: score[ref] / (best || 1) + bonus, title: row[0], row: row, date: row[2], category: cat, lead: lead });
      });
    });
    out.sort(function (a, b) { return b.score - a.score || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0); });
    return out;
  }

  // Node tests drive the same engine with real lunr (tests/js/search.test.mjs).
  if (typeof module === "object" && module.exports) {
    module.exports = {
      expand: expand, search: search, register: register, url: function (r) { return rowUrl(r.row); },
      warm: function () {  // what the page does in idle time after each year arrives
        for (var y in shards) for (var i = 0; i < shards[y].core.rows.length; i++) tokens(shards[y], i);
      },
      init: function (lunr, vn, m, base) { L = lunr; VN = vn; manifest = m; BASE = base || ""; register(); },
      add: function (year, part, data) {
        var s = shards[year] || (shards[year] = { year: year });
        s[part] = { idx: L.Index.load(expand(data.index)), rows: data.docs || data.leads };
      }
    };
    return;
  }
  var box = document.querySelector("form[data-search-manifest]");
  if (!box || !window.fetch || !window.Promise) return;
  var attr = function (n) { return box.getAttribute("data-search-" + n); };
  var MANIFEST = attr("manifest"), DIR = MANIFEST.replace(/[^/]*$/, "");
  BASE = attr("base");

  // Text with the query's syllables in <mark>, compared folded ("dan" marks "dân").
  function highlight(el, text, terms) {
    var re = VN.wordRegExp(), last = 0, m;  // the same syllables the index was built from
    while ((m = re.exec(text))) {
      var f = VN.fold(VN.normalize(m[0]).toLowerCase()), hit = terms.some(function (t) {
        return t.prefix || t.optional ? f.indexOf(t.fold) === 0 : f === t.fold;
      });
      if (!hit) continue;
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
    return el;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function viDate(iso) { return iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4); }
  function item(r, terms, withLead) {
    var li = el("li", "search-hit"), a = el("a", "search-hit__title");
    a.href = rowUrl(r.row);  // slugify per shown result only: it is not cheap
    highlight(a, r.title, terms);
    li.appendChild(a);
    var meta = el("p", "search-hit__meta", r.category);
    var time = el("time", "", viDate(r.date));
    time.dateTime = r.date;
    meta.appendChild(document.createTextNode(r.category ? " · " : ""));
    meta.appendChild(time);
    li.appendChild(meta);
    if (withLead && r.lead) li.appendChild(highlight(el("p", "search-hit__lead"), r.lead, terms));
    return li;
  }
  function debounce(fn, ms) {
    var t;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }
  function failed(status) {
    status.textContent = "Không tải được dữ liệu tìm kiếm. Vui lòng kiểm tra kết nối và thử lại.";
  }

  // --- header box: top results in a list under the box ---
  var input = box.querySelector("input[name=q]"), panel = box.querySelector(".search-suggest");
  var sStatus = panel.querySelector("[role=status]"), sList = panel.querySelector("ol"), sAll = panel.querySelector("a");
  function showPanel(on) { panel.hidden = !on; }
  function suggest() {
    var q = input.value.trim();
    sList.textContent = "";
    if (!q) { showPanel(false); return; }
    sAll.href = attr("page") + "?q=" + encodeURIComponent(q);
    sAll.textContent = "Xem tất cả kết quả cho “" + q + "”";
    showPanel(true);
    if (!manifest) { sStatus.textContent = "Đang tải dữ liệu tìm kiếm…"; return; }
    // The header list shows six titles: title/tag/category hits; the page also searches leads.
    var res = search(input.value, { typing: true, titlesOnly: true });
    res.slice(0, 6).forEach(function (r) { sList.appendChild(item(r, res.terms, false)); });
    sStatus.textContent = res.length ? res.length + " kết quả" : "Chưa thấy kết quả. Thử gõ không dấu hoặc bớt từ.";
    // A real query was shown: now fetch the lead and the older years, one after another.
    if (res.terms.length) setTimeout(function () { loadYears(manifest.years).then(null, function () { failed(sStatus); }); });
  }
  var suggestSoon = debounce(suggest, 120);
  input.addEventListener("focus", function () {
    start().then(function (m) {
      if (m.years.length) loadPart(m.years[0], "core");
    }, function () { failed(sStatus); });
  });
  input.addEventListener("input", function () {
    suggestSoon();
    // Newest year first; suggest() fetches the rest once it has shown results.
    start().then(function (m) {
      if (!input.value.trim() || !m.years.length) return;
      return loadPart(m.years[0], "core").then(suggest);
    }).then(null, function () { failed(sStatus); });
  });
  listeners.push(function () { if (!panel.hidden) suggestSoon(); });
  box.addEventListener("keydown", function (ev) {
    var links = [].slice.call(panel.querySelectorAll("a")), i = links.indexOf(document.activeElement);
    if (ev.key === "Escape") { showPanel(false); input.focus(); }
    else if (ev.key === "ArrowDown" && !panel.hidden && links.length) { ev.preventDefault(); links[Math.min(i + 1, links.length - 1)].focus(); }
    else if (ev.key === "ArrowUp" && i >= 0) { ev.preventDefault(); (i ? links[i - 1] : input).focus(); }
  });
  box.addEventListener("focusout", function (ev) {
    if (!ev.relatedTarget || !box.contains(ev.relatedTarget)) showPanel(false);
  });

  // --- the /tim-kiem/ page ---
  var page = document.getElementById("trang-tim-kiem");
  if (!page) return;
  var pq = page.elements.q, pCat = page.elements.cm, pYear = page.elements.nam;
  var pStatus = document.getElementById("ket-qua-trang-thai"), pList = document.getElementById("ket-qua-tim-kiem");
  var more = document.getElementById("ket-qua-them"), shown = 20, PAGE = 20;
  var params = new URLSearchParams(location.search);
  pq.value = params.get("q") || "";
  pCat.value = params.get("cm") || "";
  pYear.value = params.get("nam") || "";
  if (pCat.selectedIndex < 0) pCat.value = "";
  if (pYear.selectedIndex < 0) pYear.value = "";

  function pending() {
    return manifest.years.some(function (e) {
      return (!pYear.value || String(e.year) === pYear.value) && !(shards[e.year] && shards[e.year].lead);
    });
  }
  function render() {
    var q = pq.value.trim(), url = new URL(location.href);
    [["q", q], ["cm", pCat.value], ["nam", pYear.value]].forEach(function (p) {
      if (p[1]) url.searchParams.set(p[0], p[1]); else url.searchParams.delete(p[0]);
    });
    history.replaceState(null, "", url);
    pList.textContent = "";
    more.hidden = true;
    if (!q) { pStatus.textContent = "Nhập từ khóa để tìm tin bài."; return; }
    if (!manifest) { pStatus.textContent = "Đang tải dữ liệu tìm kiếm…"; return; }
    var res = search(pq.value, { typing: document.activeElement === pq, category: pCat.value, year: pYear.value });
    res.slice(0, shown).forEach(function (r) { pList.appendChild(item(r, res.terms, true)); });
    more.hidden = res.length <= shown;
    var loading = pending() ? " (đang tải thêm tin các năm trước…)" : "";
    if (res.length) {
      pStatus.textContent = "Tìm thấy " + res.length + " kết quả cho “" + q + "”" + loading + ".";
    } else if (loading) {
      pStatus.textContent = "Đang tìm “" + q + "”" + loading;
    } else {
      pStatus.textContent = "Không tìm thấy kết quả nào cho “" + q + "”. Hãy thử gõ không dấu (ví dụ “dan van”), bớt từ" +
        (pCat.value || pYear.value ? ", hoặc bỏ lọc chuyên mục và năm." : ".");
    }
  }
  var renderSoon = debounce(render, 120);
  function loadForPage() {
    return start().then(function (m) {
      var years = m.years.filter(function (e) { return !pYear.value || String(e.year) === pYear.value; });
      return loadYears(years);
    }).then(null, function () { failed(pStatus); });
  }
  listeners.push(renderSoon);
  page.addEventListener("submit", function (ev) { ev.preventDefault(); shown = PAGE; render(); });
  pq.addEventListener("input", function () { shown = PAGE; renderSoon(); });
  [pCat, pYear].forEach(function (s) {
    s.addEventListener("change", function () { shown = PAGE; render(); loadForPage(); });
  });
  more.addEventListener("click", function () {
    var first = pList.children.length;
    shown += PAGE;
    render();
    if (pList.children[first]) pList.children[first].querySelector("a").focus();
  });
  render();
  loadForPage().then(render);
})();
