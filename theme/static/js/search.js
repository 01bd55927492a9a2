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

  // Transport form -> lunr's JSON (twin of builder.expand in Python). With `keep`, also
  // fills it with each term's postings and lunr's weights (see prefixScores).
  function expand(c, keep) {
    var F = c.fields, n = c.n, k1 = c.k1, b = c.b, tfx = {}, vec = [], fv = [], NONE = {};
    var total = 0, at = 0;
    c.post.forEach(function (row) { row.forEach(function (g) { total += g.length; }); });
    var start = new Int32Array(c.terms.length + 1), where = new Int32Array(total), weight = new Float32Array(total);
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
      start[t] = at;
      var df = docs.length / 2, idf = Math.log(1 + Math.abs((n - df + 0.5) / (df + 0.5))), x = tfx[t];
      for (var j = 0; j < docs.length; j += 2) {
        var f = docs[j], dd = docs[j + 1], tf = (x && x[f + "," + dd]) || 1;
        var score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (c.len[f][dd] / avg[f])) + tf);
        var w = Math.round(score * c.boosts[f] * 1000) / 1000;
        vec[dd][f].push(t, w);
        where[at] = dd * F.length + f; weight[at++] = w;
      }
      return [term, posting];
    });
    start[c.terms.length] = at;
    if (keep) {
      keep.terms = c.terms; keep.n = n; keep.nf = F.length; keep.start = start; keep.where = where; keep.weight = weight;
      keep.folded = new Uint8Array(c.terms.length);  // 1: the term is a folded form, 2: it is not; filled on use
    }
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
        return Promise.all([
          window.lunr ? 0 : script(DIR + m.lunr),
          window.VietnameseText ? 0 : script(attr("vn"))
        ]).then(function () { return m; });
      }).then(function (m) {
        L = window.lunr; VN = window.VietnameseText;
        register();
        manifest = m;  // only now: searches wait for it, and need lunr and vietnamese.js
        return manifest;
      });
      boot.catch(function () { boot = null; });
    }
    return boot;
  }

  // One year: {core: {idx, docs}, lead: {idx, leads}}; parts arrive one by one.
  // `site`: another portal of the network (its shards and folder); default this site's.
  function loadPart(entry, part, site) {
    var all = site ? site.shards : shards, dir = site ? site.dir : DIR;
    var y = entry.year, s = all[y] || (all[y] = { year: y });
    if (!s["p" + part]) {
      s["p" + part] = json(dir + entry[part]).then(function (data) {
        s[part] = load(data);
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
  function load(data) {
    var keep = {};
    return { idx: L.Index.load(expand(data.index, keep)), rows: data.docs || data.leads, px: keep };
  }
  // Some year (of `year`, if given) still lacks a part: more results may arrive.
  function pending(year) {
    return manifest.years.some(function (e) {
      return (!year || String(e.year) === String(year)) && !(shards[e.year] && shards[e.year].lead);
    });
  }
  function loadYear(entry, site) {
    return loadPart(entry, "core", site).then(function () { return loadPart(entry, "lead", site); });
  }
  // Newest year first, then older years one after another.
  function loadYears(years, site) {
    return years.reduce(function (p, e) { return p.then(function () { return loadYear(e, site); }); }, Promise.resolve());
  }
  // Run fn with another portal's manifest, shards and base as this one's (network search):
  // search() and pending() read them, synchronously.
  function inSite(site, fn) {
    if (!site || site.own) return fn();
    var saved = [manifest, shards, BASE];
    manifest = site.manifest; shards = site.shards; BASE = site.base;
    try { return fn(); } finally { manifest = saved[0]; shards = saved[1]; BASE = saved[2]; }
  }

  // Syllables of the query. The last one is "open" (a prefix) unless the query ends after it
  // (a space or punctuation): every word it may become must still match (issue 19).
  function queryTerms(q) {
    var syl = VN.syllables(q), n = syl.length;
    var terms = syl.map(function (s) { return { exact: s, fold: VN.fold(s) }; });
    var nfc = q.normalize("NFC").toLowerCase();
    if (n && /[\p{L}\p{Nd}]$/u.test(nfc)) {
      var last = terms[n - 1], raw = nfc.match(VN.wordRegExp()).pop();
      last.prefix = true;
      // "hoà" is normalised to "hòa", which does not begin "hoàng": keep the spelling as typed too.
      last.exacts = raw !== last.exact ? [last.exact, raw] : [last.exact];
    }
    return terms;
  }

  // lunr query, every syllable a whole word: folded term required, exact spelling only adds score.
  function run(idx, terms) {
    var P = L.Query.presence;
    return idx.query(function (q) {
      terms.forEach(function (t) {
        q.term(t.fold, { usePipeline: false, presence: P.REQUIRED });
        if (t.exact !== t.fold) q.term(t.exact, { usePipeline: false, boost: 3 });
      });
    });
  }

  // Terms of a part beginning with `pre`: [first, end) in its sorted terms (Python sorted them
  // by code point; the same order as JS's < for letters of the Basic Multilingual Plane).
  function span(x, pre) {
    var lo = 0, hi = x.terms.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (x.terms[mid] < pre) lo = mid + 1; else hi = mid; }
    for (hi = lo; hi < x.terms.length && x.terms[hi].lastIndexOf(pre, 0) === 0; hi++);
    return [lo, hi];
  }
  function has(x, w) { var r = span(x, w); return r[0] < x.terms.length && x.terms[r[0]] === w; }
  function isFolded(x, t) {
    if (!x.folded[t]) x.folded[t] = VN.fold(x.terms[t]) === x.terms[t] ? 1 : 2;
    return x.folded[t] === 1;
  }

  // Matches (ascending refs) and a score per row for a query whose last syllable is open, from
  // the postings expand() kept. lunr's own trailing wildcard finds the same rows but costs
  // 100-600 ms for one or two letters at 10k articles (a Set union per expanded term); this
  // walks each term's postings once.
  // Score as lunr's (query vector · field vector / |query vector|, summed over fields) for the
  // whole syllables; the open one counts as one more query term whose weight in a field is the
  // best weight of the index terms it begins (folded ones; exact spellings boost 3, optional).
  function prefixScores(x, terms) {
    var n = x.n, nf = x.nf, acc = new Float64Array(n), need = new Uint8Array(n), seen = new Int32Array(n);
    var qw = {}, required = {}, clause = 0, norm = 0, count = 0, out = { refs: [], score: acc };
    function find(w) { return has(x, w) ? span(x, w)[0] : -1; }
    function each(t, fn) { for (var p = x.start[t]; p < x.start[t + 1]; p++) fn(x.where[p], x.weight[p]); }
    function mark(d) { if (seen[d] !== clause) { seen[d] = clause; need[d]++; } }
    for (var i = 0; i < terms.length; i++) {
      var tm = terms[i];
      if (tm.prefix) continue;
      var f = find(tm.fold);
      if (f < 0) return out;  // a required whole word absent from this part
      qw[f] = (qw[f] || 0) + 1;
      required[f] = 1;
      if (tm.exact !== tm.fold) { var e = find(tm.exact); if (e >= 0) qw[e] = (qw[e] || 0) + 3; }
    }
    Object.keys(qw).forEach(function (t) {
      var b = qw[t];
      norm += b * b;
      each(+t, function (k, w) { acc[(k / nf) | 0] += b * w; });
    });
    Object.keys(required).forEach(function (t) {
      clause++; count++;
      each(+t, function (k) { mark((k / nf) | 0); });
    });
    var open = terms[terms.length - 1];
    if (open && open.prefix) {
      var best = new Float32Array(n * nf), got = new Uint8Array(n * nf), touched = [];  // per row x field
      var add = function (k, w) {
        if (!got[k]) { got[k] = 1; touched.push(k); best[k] = w; } else if (w > best[k]) best[k] = w;
      };
      var flush = function (boost, req) {
        clause++;
        for (var j = 0; j < touched.length; j++) {
          var k = touched[j], d = (k / nf) | 0;
          acc[d] += boost * best[k]; got[k] = 0;
          if (req) mark(d);
        }
        touched.length = 0;
      };
      var r = span(x, open.fold), any = false;
      for (var t = r[0]; t < r[1]; t++) if (isFolded(x, t)) { any = true; each(t, add); }
      if (!any) return out;
      flush(1, true); count++; norm += 1;
      if (open.exact !== open.fold) {
        any = false;
        open.exacts.forEach(function (ex) {
          var r2 = span(x, ex);
          for (var t2 = r2[0]; t2 < r2[1]; t2++) { any = true; each(t2, add); }
        });
        if (any) { flush(3, false); norm += 9; }
      }
    }
    norm = Math.sqrt(norm);
    for (var d = 0; d < n; d++) if (need[d] === count && count) { acc[d] /= norm; out.refs.push(d); }
    return out;
  }

  function words(text, folded) { return VN.tokenize(text, folded); }
  // Title syllables (exact, folded) per row, computed once: keystrokes repeat them.
  function tokens(s, ref) {
    var c = s.tok || (s.tok = {});
    if (!c[ref]) { var te = words(s.core.rows[ref][0]); c[ref] = [te, te.map(VN.fold)]; }
    return c[ref];
  }
  // Does the query stand as adjacent syllables in `tokens`? The open last one may be a prefix.
  function phrase(tokens, terms, key) {
    outer: for (var i = 0; i + terms.length <= tokens.length; i++) {
      for (var j = 0; j < terms.length; j++) {
        var tok = tokens[i + j], t = terms[j];
        if (!t.prefix ? tok !== t[key] : key === "fold" ? tok.lastIndexOf(t.fold, 0) !== 0 :
            !t.exacts.some(function (e) { return tok.lastIndexOf(e, 0) === 0; })) continue outer;
      }
      return true;
    }
    return false;
  }

  function rowUrl(row, base) {
    return (base == null ? BASE : base) + (row[1] || row[2].slice(0, 4) + "/" + row[2].slice(5, 7) + "/" + VN.slugify(row[0]) + ".html");
  }

  // Results from every loaded year. lunr scores are relative to a shard, so each
  // year's are divided by its best; adjacency and exact spelling (from the stored
  // title and lead) then rank across years. An open last syllable matches as a prefix
  // whether or not the reader is still typing, so a prefix never finds less than the word.
  // Typing ranks by prefixScores. A submitted query whose last syllable is a whole word of
  // the index ("dan va": "và") is a finished query: its results come first in lunr's order,
  // as before, and prefix-only matches follow; otherwise ("nam p") it ranks as typing does.
  function search(q, opts) {
    opts = opts || {};
    var terms = queryTerms(q), out = [], open = terms.length && terms[terms.length - 1].prefix;
    out.terms = terms;
    if (!terms.length || !manifest) return out;
    var loaded = manifest.years.map(function (e) { return shards[e.year]; }).filter(function (s) { return s && s.core; });
    var finished = open && !opts.typing && loaded.some(function (s) {
      return [s.core, !opts.titlesOnly && s.lead].some(function (p) { return p && has(p.px, terms[terms.length - 1].exact); });
    });
    // A year's matches (refs ascending) and scores: core, plus half the lead's (the results
    // page searches leads too). Typed arrays: a one-letter prefix matches most of a year.
    var scores = function (s, fn) {
      var n = s.core.rows.length, score = new Float64Array(n), seen = new Uint8Array(n), refs = [];
      var add = function (ref, v) { if (!seen[ref]) { seen[ref] = 1; refs.push(ref); } score[ref] += v; };
      fn(s.core, add, 1);
      if (s.lead && !opts.titlesOnly) fn(s.lead, add, 0.5);
      return { refs: refs.sort(function (a, b) { return a - b; }), score: score, seen: seen };
    };
    var byPrefix = function (p, add, k) {
      var r = prefixScores(p.px, terms);
      for (var i = 0; i < r.refs.length; i++) add(r.refs[i], k * r.score[r.refs[i]]);
    };
    var byWord = function (p, add, k) { run(p.idx, terms).forEach(function (r) { add(+r.ref, k * r.score); }); };
    var wholeTerms = terms.map(function (t) { return { exact: t.exact, fold: t.fold }; });
    manifest.years.forEach(function (e) {
      var s = shards[e.year];
      if (!s || !s.core || (opts.year && String(e.year) !== String(opts.year))) return;
      var tiers = [scores(s, open && !finished ? byPrefix : byWord)];
      if (finished) {
        var more = scores(s, byPrefix);
        more.refs = more.refs.filter(function (ref) { return !tiers[0].seen[ref]; });
        tiers.push(more);
      }
      tiers.forEach(function (t, tier) {
        var refs = t.refs, score = t.score, best = 0, ts = finished && !tier ? wholeTerms : terms;
        refs.forEach(function (r) { best = Math.max(best, score[r]); });
        // Adjacency bonuses need the title's syllables: only for the best candidates of a year.
        refs.sort(function (a, b) { return score[b] - score[a] || a - b; });
        refs.forEach(function (ref, rank) {
          var row = s.core.rows[ref], cat = manifest.categories[row[3]] || "";
          if (opts.category && cat !== opts.category) return;
          var lead = s.lead ? s.lead.rows[ref] : "", bonus = 0;
          if (rank < 100) {
            var tok = tokens(s, ref);
            bonus = phrase(tok[0], ts, "exact") ? 2 : phrase(tok[1], ts, "fold") ? 1 :
              lead && phrase(tok[2] || (tok[2] = words(lead, true)), ts, "fold") ? 0.5 : 0;
          }
          out.push({ tier: tier, score: score[ref] / (best || 1) + bonus, title: row[0], row: row, date: row[2], category: cat, lead: lead });
        });
      });
    });
    out.sort(function (a, b) {
      return a.tier - b.tier || b.score - a.score || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
    });
    return out;
  }

  // Node tests drive the same engine with real lunr (tests/js/search.test.mjs).
  if (typeof module === "object" && module.exports) {
    module.exports = {
      expand: expand, search: search, register: register, url: function (r) { return rowUrl(r.row); },
      prefixScores: function (year, part, q) {  // {ref: score}, as lunr's results
        var r = prefixScores(shards[year][part].px, queryTerms(q)), o = {};
        r.refs.forEach(function (ref) { o[ref] = r.score[ref]; });
        return o;
      },
      warm: function () {  // what the page does in idle time after each year arrives
        for (var y in shards) for (var i = 0; i < shards[y].core.rows.length; i++) tokens(shards[y], i);
      },
      init: function (lunr, vn, m, base) { L = lunr; VN = vn; manifest = m; BASE = base || ""; register(); },
      add: function (year, part, data) {
        var s = shards[year] || (shards[year] = { year: year });
        s[part] = load(data);
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
        return t.prefix ? f.indexOf(t.fold) === 0 : f === t.fold;
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
    a.href = rowUrl(r.row, r.base);  // slugify per shown result only: it is not cheap
    highlight(a, r.title, terms);
    li.appendChild(a);
    var meta = el("p", "search-hit__meta", r.category);
    if (r.site) {  // network search: which portal the article is on
      var from = el("span", "search-hit__site", r.site);
      meta.insertBefore(from, meta.firstChild);
      if (r.category) meta.insertBefore(document.createTextNode(" · "), from.nextSibling);
    }
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
    // The reader is on a result (ArrowDown): a re-render now, from a year that arrived or a
    // debounce that was already waiting, would remove the focused link and Enter would do nothing.
    if (!panel.hidden && sList.contains(document.activeElement)) { stale = true; return; }
    stale = false;
    sList.textContent = "";
    if (!q) { showPanel(false); return; }
    sAll.href = attr("page") + "?q=" + encodeURIComponent(q);
    sAll.textContent = "Xem tất cả kết quả cho “" + q + "”";
    showPanel(true);
    // Until the newest year is here a search finds nothing: say so, not "no results".
    var first = manifest && manifest.years.length && shards[manifest.years[0].year];
    if (!manifest || (manifest.years.length && !(first && first.core))) {
      sStatus.textContent = "Đang tải dữ liệu tìm kiếm…";
      return;
    }
    // The header list shows six titles: title/tag/category hits; the page also searches leads.
    var res = search(input.value, { typing: true, titlesOnly: true });
    res.slice(0, 6).forEach(function (r) { sList.appendChild(item(r, res.terms, false)); });
    sStatus.textContent = res.length ? res.length + " kết quả" : "Chưa thấy kết quả. Thử gõ không dấu hoặc bớt từ.";
    sList.setAttribute("aria-busy", String(pending()));  // older years still on their way
    // A real query was shown: now fetch the lead and the older years, one after another.
    if (res.terms.length) setTimeout(function () { loadYears(manifest.years).then(null, function () { failed(sStatus); }); });
  }
  var suggestSoon = debounce(suggest, 120), stale = false;
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
  // A year arrived: show its results (suggest() itself leaves the list alone while the reader is on it).
  listeners.push(function () { if (!panel.hidden) suggestSoon(); });
  box.addEventListener("keydown", function (ev) {
    var links = [].slice.call(panel.querySelectorAll("a")), i = links.indexOf(document.activeElement);
    if (ev.key === "Escape") { showPanel(false); input.focus(); }
    else if (ev.key === "ArrowDown" && !panel.hidden && links.length) { ev.preventDefault(); links[Math.min(i + 1, links.length - 1)].focus(); }
    else if (ev.key === "ArrowUp" && i >= 0) {
      ev.preventDefault();
      (i ? links[i - 1] : input).focus();
      // Back in the box after a year arrived while the reader was on a result: show it now.
      if (!i && stale) suggestSoon();
    }
  });
  box.addEventListener("focusout", function (ev) {
    if (!ev.relatedTarget || !box.contains(ev.relatedTarget)) showPanel(false);
  });

  // --- the /tim-kiem/ page ---
  var page = document.getElementById("trang-tim-kiem");
  if (!page) return;
  var pq = page.elements.q, pCat = page.elements.cm, pYear = page.elements.nam;
  // The province's page searches its communes too (data-search-network, plugins/network):
  // only the chosen portals' manifests and shards, and only the chosen year's, are fetched.
  var pSite = page.elements.xa, network = pSite ? JSON.parse(page.getAttribute("data-search-network")) : [];
  var own = { own: true, name: page.getAttribute("data-search-site-name") };
  network.forEach(function (n) { n.shards = {}; n.dir = n.manifest.replace(/[^/]*$/, ""); });
  function chosen() {
    var v = pSite ? pSite.value : "tinh";
    return v === "" ? [own].concat(network) : v === "tinh" ? [own] : network.filter(function (n) { return n.slug === v; });
  }
  function siteReady(n) {
    if (n.own) return start();
    if (!n.boot) {
      n.boot = start().then(function () { return json(n.manifest); }).then(function (m) {
        n.manifest = m;
        addYears(m);
        return m;
      });
      n.boot.catch(function () { n.boot = null; });
    }
    return n.boot;
  }
  // The year filter lists the province's years; a commune's other years join it once known.
  function addYears(m) {
    m.years.forEach(function (e) {
      var y = String(e.year), opts = [].slice.call(pYear.options, 1);
      if (opts.some(function (o) { return o.value === y; })) return;
      var o = document.createElement("option"), before = opts.filter(function (x) { return x.value < y; })[0];
      o.value = o.textContent = y;
      pYear.insertBefore(o, before || null);
    });
  }
  function searchChosen(q, opts) {
    if (!pSite) return search(q, opts);
    var all = [];
    chosen().forEach(function (n) {
      if (!n.own && !n.manifest) return;
      var res = inSite(n, function () { return search(q, opts); });
      all.terms = all.terms || res.terms;
      res.forEach(function (r) { r.site = n.own ? own.name : n.name; if (!n.own) r.base = n.base; all.push(r); });
    });
    all.terms = all.terms || [];
    all.sort(function (a, b) {
      return a.tier - b.tier || b.score - a.score || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0);
    });
    return all;
  }
  function pendingChosen(year) {
    return chosen().some(function (n) { return !(n.own ? manifest : n.manifest) || inSite(n, function () { return pending(year); }); });
  }
  var pStatus = document.getElementById("ket-qua-trang-thai"), pList = document.getElementById("ket-qua-tim-kiem");
  var more = document.getElementById("ket-qua-them"), shown = 20, PAGE = 20;
  var params = new URLSearchParams(location.search);
  pq.value = params.get("q") || "";
  pCat.value = params.get("cm") || "";
  pYear.value = params.get("nam") || "";
  if (pSite) pSite.value = params.get("xa") || "";
  if (pSite && pSite.selectedIndex < 0) pSite.value = "";
  if (pCat.selectedIndex < 0) pCat.value = "";
  if (pYear.selectedIndex < 0) pYear.value = "";

  function render() {
    var q = pq.value.trim(), url = new URL(location.href);
    [["q", q], ["cm", pCat.value], ["nam", pYear.value], ["xa", pSite ? pSite.value : ""]].forEach(function (p) {
      if (p[1]) url.searchParams.set(p[0], p[1]); else url.searchParams.delete(p[0]);
    });
    history.replaceState(null, "", url);
    pList.textContent = "";
    more.hidden = true;
    pList.setAttribute("aria-busy", String(!manifest || pendingChosen(pYear.value)));  // years still on their way
    if (!q) { pStatus.textContent = "Nhập từ khóa để tìm tin bài."; return; }
    if (!manifest) { pStatus.textContent = "Đang tải dữ liệu tìm kiếm…"; return; }
    var res = searchChosen(pq.value, { typing: document.activeElement === pq, category: pCat.value, year: pYear.value });
    res.slice(0, shown).forEach(function (r) { pList.appendChild(item(r, res.terms, true)); });
    more.hidden = res.length <= shown;
    var loading = pendingChosen(pYear.value) ? " (đang tải thêm tin các năm trước…)" : "";
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
    return start().then(function () {
      return Promise.all(chosen().map(function (n) {
        return siteReady(n).then(function (m) {
          var years = m.years.filter(function (e) { return !pYear.value || String(e.year) === pYear.value; });
          return loadYears(years, n.own ? null : n);
        });
      }));
    }).then(null, function () { failed(pStatus); });
  }
  listeners.push(function () { if (!pList.contains(document.activeElement)) renderSoon(); });
  page.addEventListener("submit", function (ev) { ev.preventDefault(); shown = PAGE; render(); });
  pq.addEventListener("input", function () { shown = PAGE; renderSoon(); });
  [pCat, pYear, pSite].filter(Boolean).forEach(function (s) {
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
