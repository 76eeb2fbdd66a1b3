// Downloads of what a widget shows: a lane's chart as a standalone SVG file
// (colours inlined, so it looks the same outside the page) and the lane's
// table as CSV. Both are made from the drawn page, so they match it exactly.
// SDPExport.svg(figure) and SDPExport.csv(figure) return the file's text.
(function () {
  "use strict";
  var PROPS = ["fill", "stroke", "stroke-width", "stroke-dasharray", "opacity", "fill-opacity", "font-size", "font-family"];

  function svg(figure) {
    var original = figure.querySelector("svg.chart");
    if (!original) return null;
    var copy = original.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    var box = (original.getAttribute("viewBox") || "0 0 600 118").split(/\s+/);
    copy.setAttribute("width", box[2]);
    copy.setAttribute("height", box[3]);
    copy.removeAttribute("class");
    // Inline each element's computed paint: the page's CSS variables do not travel with the file.
    var from = original.querySelectorAll("*");
    var to = copy.querySelectorAll("*");
    for (var i = 0; i < from.length && i < to.length; i++) {
      var cs = getComputedStyle(from[i]);
      var style = PROPS.map(function (p) { return p + ":" + cs.getPropertyValue(p); }).join(";");
      to[i].setAttribute("style", style);
      to[i].removeAttribute("class");
    }
    var bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    bg.setAttribute("width", "100%");
    bg.setAttribute("height", "100%");
    bg.setAttribute("fill", getComputedStyle(original).backgroundColor || "#fff");
    copy.insertBefore(bg, copy.firstChild);
    var title = figure.querySelector(".lane-name");
    var t = document.createElementNS("http://www.w3.org/2000/svg", "title");
    t.textContent = (title ? title.textContent + ": " : "") + (original.getAttribute("aria-label") || "");
    copy.insertBefore(t, copy.firstChild);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }

  function csv(figure) {
    var table = figure.querySelector("details.data-table table");
    if (!table) return null;
    var quote = function (v) { return /[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; };
    return Array.prototype.map.call(table.rows, function (row) {
      return Array.prototype.map.call(row.cells, function (c) { return quote(c.textContent.trim()); }).join(",");
    }).join("\n") + "\n";
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function baseName(figure) {
    var widget = figure.closest(".widget");
    var kinds = ["rate-limiter", "circuit-breaker", "hash-ring", "sharding"];
    var kind = kinds.filter(function (k) { return widget && widget.classList.contains(k); })[0] || "widget";
    var lane = figure.querySelector(".lane-name");
    var slug = (lane ? lane.textContent : "lane").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    return kind + "-" + slug;
  }

  document.addEventListener("click", function (e) {
    // composedPath()[0]: the button itself, inside a widget's shadow root too.
    var path = e.composedPath ? e.composedPath() : [];
    var t = path.length ? path[0] : e.target;
    var b = t.closest && t.closest('[data-action="export-svg"], [data-action="export-csv"]');
    if (!b) return;
    var figure = b.closest("figure");
    if (!figure) return;
    if (b.getAttribute("data-action") === "export-svg") {
      var s = svg(figure);
      if (s) download(baseName(figure) + ".svg", "image/svg+xml", s);
    } else {
      var c = csv(figure);
      if (c) download(baseName(figure) + ".csv", "text/csv", c);
    }
  });
  window.SDPExport = { svg: svg, csv: csv };
})();
