// Preview only (plugins/dev_server.py injects it; never in the built site): reload the
// page after a successful rebuild, and list the build's errors over the page until fixed.
(function () {
  "use strict";
  var seen = null;
  var box = null;
  function show(errors) {
    var lines = (errors.problems || []).concat(errors.other || []);
    if (!box) {
      box = document.createElement("section");
      box.id = "loi-dung-trang";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:2147483647;max-height:60vh;overflow:auto;" +
        "background:#fff3f3;color:#5a0000;border-bottom:4px solid #b00020;padding:12px 16px;" +
        "font:15px/1.5 system-ui,sans-serif;box-shadow:0 2px 12px rgba(0,0,0,.3)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var h = document.createElement("h2");
    h.style.cssText = "margin:0 0 6px;font-size:18px";
    h.textContent = (errors.problems && errors.problems.length ? errors.problems.length + " lỗi nội dung" : "Dựng trang không thành công") +
      ": trang đang hiện là bản dựng thành công gần nhất.";
    box.appendChild(h);
    var p = document.createElement("p");
    p.style.margin = "0 0 6px";
    p.textContent = "Sửa các lỗi dưới đây rồi lưu tệp; trang tự cập nhật khi dựng lại được.";
    box.appendChild(p);
    var ul = document.createElement("ul");
    ul.style.cssText = "margin:0;padding-left:20px;font-family:ui-monospace,monospace;font-size:14px";
    lines.forEach(function (t) {
      var li = document.createElement("li");
      li.textContent = t;
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function poll() {
    fetch("/__portal/status.json", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen === null) seen = s.build;
      else if (s.build !== seen) { location.reload(); return; }
      if (s.errors) show(s.errors);
      else if (box) { box.remove(); box = null; }
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
