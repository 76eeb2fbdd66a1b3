// For pages that embed playground widgets in iframes (docs/embedding.md).
// Sizes every <iframe data-sdp-embed> to the height its widget reports, so
// the frame never scrolls, and offers helpers to steer a frame:
//   SDP.setScenario(iframe, scenario)   SDP.setTheme(iframe, "light" | "dark" | "auto", "#rrggbb")
// A message counts only when it comes from one of those frames' windows;
// sandboxed frames have an opaque origin, so the window is what is checked.
(function () {
  "use strict";
  if (window.SDP) return;
  function frames() {
    return Array.prototype.slice.call(document.querySelectorAll("iframe[data-sdp-embed]"));
  }
  window.addEventListener("message", function (e) {
    var m = e.data;
    if (!m || m.type !== "sdp:height" || typeof m.height !== "number") return;
    if (!(m.height > 0 && m.height < 100000)) return;
    frames().forEach(function (f) {
      if (f.contentWindow === e.source) f.style.height = Math.ceil(m.height) + "px";
    });
  });
  function post(frame, message) {
    if (frame && frame.contentWindow) frame.contentWindow.postMessage(message, "*");
  }
  // A frame may have reported before this script listened: ask each again,
  // now and whenever one (re)loads.
  function measure(frame) { post(frame, { type: "sdp:measure" }); }
  function measureAll() { frames().forEach(measure); }
  frames().forEach(function (f) {
    f.addEventListener("load", function () { measure(f); });
  });
  measureAll();
  window.addEventListener("load", measureAll);
  // Frames added or finishing late: ask again while the page settles.
  [500, 2000, 5000].forEach(function (ms) { setTimeout(measureAll, ms); });
  window.SDP = {
    setScenario: function (frame, scenario) { post(frame, { type: "sdp:scenario", scenario: scenario }); },
    setTheme: function (frame, theme, accent) { post(frame, { type: "sdp:theme", theme: theme, accent: accent }); },
  };
})();
