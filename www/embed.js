// The embed side of the playground's iframe protocol (docs/embedding.md).
// Active only on /embed/<widget> pages, and only when framed.
//  - Reports the content's height to the host page whenever it changes:
//      { type: "sdp:height", height: <CSS pixels> }
//  - Accepts from the host (anything else is ignored):
//      { type: "sdp:measure" }  (report the height again, for a host that started listening late)
//      { type: "sdp:theme", theme: "light" | "dark" | "auto" }
//      { type: "sdp:theme", accent: "#rrggbb" }
//      { type: "sdp:scenario", scenario: { widget: <this widget>, version: <n>, ... } }
//  - Reads ?accent=rrggbb (hex, no #) for the accent colour.
(function () {
  "use strict";
  var match = /^\/embed\/([a-z0-9-]+)\/?$/.exec(location.pathname);
  if (!match || window.parent === window) return;
  var kind = match[1];
  var root = document.documentElement;

  function setAccent(hex) {
    if (typeof hex === "string" && /^#?[0-9a-fA-F]{6}$/.test(hex)) {
      root.style.setProperty("--accent", hex.charAt(0) === "#" ? hex : "#" + hex);
      return true;
    }
    return false;
  }
  setAccent(new URLSearchParams(location.search).get("accent"));

  // The query with one parameter set, the others kept.
  function withParam(name, value) {
    var q = new URLSearchParams(location.search);
    q.set(name, value);
    return location.pathname + "?" + q.toString().replace(/%2C/g, ",") + location.hash;
  }

  // Unpadded base64url of the UTF-8 of `text`, as the app's links carry scenarios.
  function base64url(text) {
    var bytes = new TextEncoder().encode(text);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  var lastHeight = -1;
  function report() {
    var body = document.body;
    if (!body) return;
    var height = Math.ceil(body.getBoundingClientRect().height);
    if (height !== lastHeight && height > 0) {
      lastHeight = height;
      window.parent.postMessage({ type: "sdp:height", height: height }, "*");
    }
  }
  function observe() {
    if (typeof ResizeObserver === "function") new ResizeObserver(report).observe(document.body);
    window.addEventListener("load", report);
    report();
  }
  if (document.body) observe();
  else document.addEventListener("DOMContentLoaded", observe);

  window.addEventListener("message", function (e) {
    // Only the frame's own host may steer it.
    if (e.source !== window.parent) return;
    var m = e.data;
    if (!m || typeof m !== "object" || typeof m.type !== "string") return;
    if (m.type === "sdp:measure") {
      lastHeight = -1;
      report();
    } else if (m.type === "sdp:theme") {
      if (m.theme === "light" || m.theme === "dark") root.setAttribute("data-theme", m.theme);
      else if (m.theme === "auto") root.removeAttribute("data-theme");
      if (m.theme === "light" || m.theme === "dark" || m.theme === "auto") {
        history.replaceState(null, "", withParam("theme", m.theme));
      }
      setAccent(m.accent);
    } else if (m.type === "sdp:scenario") {
      var s = m.scenario;
      if (!s || typeof s !== "object" || Array.isArray(s) || s.widget !== kind || typeof s.version !== "number") return;
      var json;
      try { json = JSON.stringify(s); } catch (err) { return; }
      if (json.length > 1048576) return;
      history.replaceState(null, "", withParam("s", base64url(json)));
      // The page mounts its widget again on popstate (src/mount.rs), from the new scenario.
      window.dispatchEvent(new PopStateEvent("popstate"));
    }
  });
})();
