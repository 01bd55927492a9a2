/* Article tools: font size (remembered), print, copy link, back. No dependencies. */
(function () {
  "use strict";
  var KEY = "portal-font-scale", MIN = 0.85, MAX = 1.6, STEP = 0.15;
  var root = document.documentElement;
  function read() {
    try { var v = parseFloat(localStorage.getItem(KEY)); return v >= MIN && v <= MAX ? v : 1; } catch (e) { return 1; }
  }
  function apply(v) {
    root.style.setProperty("--font-scale", String(v));
    try { localStorage.setItem(KEY, String(v)); } catch (e) { /* private mode */ }
  }
  var scale = read();
  if (scale !== 1) apply(scale);
  function say(text) {
    var s = document.querySelector(".tools__status");
    if (s) s.textContent = text;
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest && ev.target.closest("[data-font],[data-action]");
    if (!el) return;
    if (el.hasAttribute("data-font")) {
      scale = Math.min(MAX, Math.max(MIN, Math.round((scale + STEP * Number(el.getAttribute("data-font"))) * 100) / 100));
      apply(scale);
      say("Cỡ chữ " + Math.round(scale * 100) + "%");
      return;
    }
    var action = el.getAttribute("data-action");
    if (action === "print") { window.print(); }
    else if (action === "copy") {
      var url = el.getAttribute("data-url") || location.href;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(function () { say("Đã sao chép liên kết"); }, function () { say(url); });
      } else { say(url); }
    } else if (action === "back" && history.length > 1 && document.referrer.indexOf(location.origin) === 0) {
      ev.preventDefault();
      history.back();
    }
  });
})();
