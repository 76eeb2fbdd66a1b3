// Presenter mode for workshops: one widget full screen, large type, high
// contrast, and keyboard shortcuts that also suit a presentation clicker
// (which sends arrow or page keys). It drives the widget's own controls, so
// everything stays in step with the page: the URL, the summary, the charts.
//   Space or K   play / pause          → Page Down, ↓   step forward
//   ← Page Up, ↑ step back            Home or R      restart
//   N            next preset           ?              these shortcuts
//   Esc or P     leave presenter mode
(function () {
  "use strict";
  var active = null;
  var help = [
    ["Space, K", "play or pause"],
    ["→, ↓, Page Down", "step forward"],
    ["←, ↑, Page Up", "step back"],
    ["Home, R", "restart"],
    ["N", "next preset"],
    ["?", "show or hide these shortcuts"],
    ["Esc, P", "leave presenter mode"],
  ];

  function control(widget, action) {
    return widget.querySelector('[data-action="' + action + '"]');
  }
  function presetSelect(widget) {
    var labels = widget.querySelectorAll(".control");
    for (var i = 0; i < labels.length; i++) {
      var l = labels[i].querySelector(".control-label");
      if (l && l.textContent === "Preset") return labels[i].querySelector("select");
    }
    return null;
  }
  function nextPreset(widget) {
    var select = presetSelect(widget);
    if (!select || select.options.length < 2) return;
    // Option 0 is the "Choose a preset…" prompt; cycle through the rest.
    var current = widget.getAttribute("data-preset-index") | 0;
    var next = (current % (select.options.length - 1)) + 1;
    widget.setAttribute("data-preset-index", String(next));
    select.value = select.options[next].value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function toggleHelp(widget, show) {
    var box = widget.querySelector(".presenter-help");
    if (!box) {
      box = document.createElement("div");
      box.className = "presenter-help";
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-label", "Keyboard shortcuts");
      var dl = document.createElement("dl");
      help.forEach(function (h) {
        var dt = document.createElement("dt");
        dt.textContent = h[0];
        var dd = document.createElement("dd");
        dd.textContent = h[1];
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      var title = document.createElement("h2");
      title.textContent = "Keyboard shortcuts";
      box.appendChild(title);
      box.appendChild(dl);
      box.hidden = true;
      widget.appendChild(box);
    }
    box.hidden = show === undefined ? !box.hidden : !show;
  }
  function enter(widget) {
    if (active) leave();
    active = widget;
    widget.classList.add("presenting");
    widget.setAttribute("tabindex", "-1");
    widget.focus();
    if (widget.requestFullscreen) widget.requestFullscreen().catch(function () {});
    // A hint of our own: the widget's status line belongs to the app.
    var hint = document.createElement("p");
    hint.className = "presenter-hint";
    hint.textContent = "Presenter mode: press ? for shortcuts, Esc to leave";
    widget.insertBefore(hint, widget.firstChild);
  }
  function leave() {
    if (!active) return;
    var widget = active;
    active = null;
    widget.classList.remove("presenting");
    toggleHelp(widget, false);
    var hint = widget.querySelector(".presenter-hint");
    if (hint) hint.remove();
    if (fullscreenIn(widget) && document.exitFullscreen) document.exitFullscreen().catch(function () {});
    var button = control(widget, "present");
    if (button) button.focus();
  }

  // The element an event began at, inside a widget's shadow root too (where
  // the document sees only the <sd-widget> host as its target).
  function source(e) {
    var path = e.composedPath ? e.composedPath() : [];
    return path.length ? path[0] : e.target;
  }
  function fullscreenIn(el) {
    var root = el.getRootNode ? el.getRootNode() : document;
    return (root.fullscreenElement !== undefined ? root.fullscreenElement : document.fullscreenElement) === el;
  }
  document.addEventListener("click", function (e) {
    var t = source(e);
    var b = t.closest && t.closest('[data-action="present"]');
    if (!b) return;
    var widget = b.closest(".widget");
    if (widget) (active === widget ? leave : enter)(widget);
  });
  // Leaving full screen by the browser's own means leaves presenter mode too.
  document.addEventListener("fullscreenchange", function () {
    if (active && !document.fullscreenElement && active.__wasFull) leave();
    if (active) active.__wasFull = fullscreenIn(active);
  });
  document.addEventListener("keydown", function (e) {
    if (!active || e.altKey || e.ctrlKey || e.metaKey) return;
    // Typing in a field keeps its keys.
    var t = source(e);
    var tag = t && t.tagName;
    if ((tag === "INPUT" && t.type !== "range") || tag === "TEXTAREA" || tag === "SELECT") return;
    var click = function (a) { var b = control(active, a); if (b) b.click(); };
    switch (e.key) {
      case " ": case "k": case "K": click("play"); break;
      case "ArrowRight": case "ArrowDown": case "PageDown": click("forward"); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": click("back"); break;
      case "Home": case "r": case "R": click("restart"); break;
      case "n": case "N": nextPreset(active); break;
      case "?": toggleHelp(active); break;
      case "Escape": case "p": case "P": leave(); break;
      default: return;
    }
    e.preventDefault();
  });
})();
