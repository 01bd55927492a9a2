/* Văn bản list filter: type, issuing body, field, year, and a search over số ký hiệu and
   trích yếu with diacritics folded by vietnamese.js. Fetches van-ban/data.json (every
   document) on first use only. Download hits: counter.js handles a[data-count-hit]. */
(function () {
  "use strict";

  var form = document.getElementById("loc-van-ban");
  var VT = window.VietnameseText;
  if (!form || !VT || !window.fetch) return;

  var table = document.getElementById("ds-van-ban");
  var tbody = table.tBodies[0];
  var original = tbody.innerHTML;
  var status = document.getElementById("vb-trang-thai");
  var pager = document.getElementById("vb-phan-trang");
  var siteurl = form.getAttribute("data-siteurl") || "";
  var MAX_ROWS = 200;
  var rows = null, loading = null, timer = 0;

  // fold(normalize(x)) == fold(x): tone placement only moves marks that fold strips, and
  // plain fold is ~7x faster (scripts/bench_documents.py).
  function key(text) { return VT.fold(String(text)).toLowerCase(); }

  function load() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-src")).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (data) {
        rows = data.map(function (d) { d.k = key(d.n + " " + d.t); return d; });
        return rows;
      });
    }
    return loading;
  }

  function values() {
    return {
      q: form.elements.q.value.trim(), loai: form.elements.loai.value, co_quan: form.elements.co_quan.value,
      linh_vuc: form.elements.linh_vuc.value, nam: form.elements.nam.value
    };
  }

  function matches(d, v, words) {
    if (v.loai && d.l !== v.loai) return false;
    if (v.co_quan && d.c !== v.co_quan) return false;
    if (v.linh_vuc && d.f.indexOf(v.linh_vuc) < 0) return false;
    if (v.nam && d.d.slice(0, 4) !== v.nam) return false;
    for (var i = 0; i < words.length; i++) if (d.k.indexOf(words[i]) < 0) return false;
    return true;
  }

  function cell(tr, label, cls) {
    var td = tr.insertCell(-1);
    td.className = cls;
    td.setAttribute("data-label", label);
    return td;
  }

  function row(d) {
    var tr = document.createElement("tr");
    cell(tr, "Số ký hiệu", "doc-table__number").textContent = d.n;
    var t = document.createElement("time");
    t.dateTime = d.d;
    t.textContent = d.d.slice(8, 10) + "/" + d.d.slice(5, 7) + "/" + d.d.slice(0, 4);
    cell(tr, "Ngày ban hành", "doc-table__date").appendChild(t);
    var title = cell(tr, "Trích yếu", "doc-table__title");
    var a = document.createElement("a");
    a.href = siteurl + "/" + d.u;
    a.textContent = d.t;
    var meta = document.createElement("span");
    meta.className = "doc-table__meta";
    meta.textContent = d.l + " · " + d.c;
    title.appendChild(a);
    title.appendChild(meta);
    var s = document.createElement("span");
    s.className = "doc-status doc-status--" + (d.s === "Hết hiệu lực" ? "expired" : d.s === "Còn hiệu lực" ? "active" : "pending");
    s.textContent = d.s;
    cell(tr, "Tình trạng", "doc-table__status").appendChild(s);
    return tr;
  }

  function syncUrl(v) {
    var params = new URLSearchParams();
    Object.keys(v).forEach(function (k) { if (v[k]) params.set(k, v[k]); });
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : "") + location.hash);
  }

  function apply() {
    var v = values();
    syncUrl(v);
    var active = v.q || v.loai || v.co_quan || v.linh_vuc || v.nam;
    if (!active) {
      tbody.innerHTML = original;
      if (pager) pager.hidden = false;
      status.textContent = "";
      return;
    }
    load().then(function (all) {
      if (JSON.stringify(values()) !== JSON.stringify(v)) return; // a newer input is on its way
      var words = key(v.q).split(/\s+/).filter(Boolean);
      var found = all.filter(function (d) { return matches(d, v, words); });
      var frag = document.createDocumentFragment();
      found.slice(0, MAX_ROWS).forEach(function (d) { frag.appendChild(row(d)); });
      tbody.textContent = "";
      tbody.appendChild(frag);
      if (pager) pager.hidden = true;
      status.textContent = found.length
        ? "Tìm thấy " + found.length + " văn bản" + (found.length > MAX_ROWS ? "; hiển thị " + MAX_ROWS + " văn bản mới nhất, hãy thu hẹp bộ lọc." : ".")
        : "Không tìm thấy văn bản phù hợp.";
    }, function () {
      status.textContent = "Không tải được dữ liệu tra cứu. Vui lòng thử lại sau.";
    });
  }

  function later() { clearTimeout(timer); timer = setTimeout(apply, 150); }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });

  // Filters in the URL (links from a document's fields, shared searches).
  var params = new URLSearchParams(location.search), any = false;
  ["q", "loai", "co_quan", "linh_vuc", "nam"].forEach(function (k) {
    var val = params.get(k);
    if (val && form.elements[k]) { form.elements[k].value = val; any = true; }
  });
  if (any) apply();
})();
