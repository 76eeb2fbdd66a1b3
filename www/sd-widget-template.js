// sd-widget.js: places playground widgets directly in another site's page.
//
//   <script src="https://<playground>/sd-widget.js" async></script>
//   <sd-widget kind="hash-ring" preset="hot-keys" theme="dark"></sd-widget>
//
// Attributes: kind (rate-limiter, circuit-breaker, hash-ring, …), and
// optionally preset (a preset's name), scenario (the s= value of a widget's
// link, which wins over preset), heading (a title shown above the widget)
// and theme (light, dark or auto). Changing an attribute restarts the widget.
// Each element renders in its own shadow root with the playground's
// stylesheet and its family's, so the page's styles and the widget's stay apart. The bundle of
// a widget's family is fetched once per page, however many of its widgets
// the page shows. `sdp site` writes this file from sd-widget-template.js
// with the build's file names.
(function () {
  "use strict";
  if (window.customElements === undefined || customElements.get("sd-widget")) return;
  var BUNDLES = __BUNDLES__;
  var STYLE = "__STYLE__";
  // The playground's origin: where this script came from. Without it (loaded
  // as a module, or by a bundler) the files cannot be found, and each
  // element says so.
  var script = document.currentScript;
  var site = script && script.src ? new URL(script.src).origin : null;
  var loading = {};
  var helpers = false;

  // The presenter and download buttons are driven by these two scripts.
  function loadHelpers() {
    if (helpers) return;
    helpers = true;
    ["presenter.js", "export.js"].forEach(function (name) {
      var s = document.createElement("script");
      s.src = site + "/" + name;
      s.defer = true;
      document.head.appendChild(s);
    });
  }

  function bundle(kind) {
    if (!site) return Promise.reject(new Error("load sd-widget.js with a classic <script src> tag, so that it knows where the playground is"));
    if (!Object.prototype.hasOwnProperty.call(BUNDLES, kind)) {
      return Promise.reject(new Error("no widget kind \"" + kind + "\"; kinds: " + Object.keys(BUNDLES).join(", ")));
    }
    // A module whose one function returns i8x16.splat(0): the simulations need WebAssembly SIMD.
    var simd = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11];
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(new Uint8Array(simd))) {
      return Promise.reject(new Error("this browser lacks WebAssembly SIMD, which the simulations need (Chrome or Edge 91, Firefox 89, Safari 16.4 or later)"));
    }
    var files = BUNDLES[kind];
    if (!loading[kind]) {
      loading[kind] = import(site + "/" + files.js)
        .then(function (m) {
          return m.default({ module_or_path: site + "/" + files.wasm }).then(function () { return m; });
        })
        .catch(function (e) {
          // A failed load (a network error) is tried again by the next element.
          delete loading[kind];
          throw e;
        });
    }
    return loading[kind];
  }

  function SdWidget() {
    return Reflect.construct(HTMLElement, [], SdWidget);
  }
  SdWidget.prototype = Object.create(HTMLElement.prototype);
  SdWidget.prototype.constructor = SdWidget;
  Object.setPrototypeOf(SdWidget, HTMLElement);

  SdWidget.prototype.connectedCallback = function () {
    var el = this;
    if (el._sdp) return;
    var root = el.shadowRoot || el.attachShadow({ mode: "open" });
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = site + "/" + STYLE;
    var box = document.createElement("div");
    box.className = "sd-widget-root";
    var kind = el.getAttribute("kind") || "";
    // The family's own rules, after the shared ones they refine.
    var own = document.createElement("link");
    own.rel = "stylesheet";
    if (Object.prototype.hasOwnProperty.call(BUNDLES, kind)) own.href = site + "/" + BUNDLES[kind].css;
    root.replaceChildren(link, own, box);
    el._sdp = { box: box, id: null };
    loadHelpers();
    bundle(kind)
      .then(function (m) {
        if (el._sdp && el._sdp.box === box) {
          el._sdp.id = m.mount_widget(box, site, kind, el.getAttribute("preset") || "", el.getAttribute("scenario") || "", el.getAttribute("heading") || "");
          el._sdp.module = m;
        }
      })
      .catch(function (e) {
        box.setAttribute("role", "alert");
        box.className = "widget-error";
        box.textContent = "This widget could not start: " + (e && e.message ? e.message : String(e));
      });
  };

  SdWidget.prototype.disconnectedCallback = function () {
    var state = this._sdp;
    this._sdp = null;
    if (state && state.module && state.id !== null) state.module.unmount_widget(state.id);
  };

  // theme only restyles (:host([theme=…]) in the stylesheet); the others restart the widget.
  SdWidget.observedAttributes = ["kind", "preset", "scenario", "heading"];
  SdWidget.prototype.attributeChangedCallback = function (name, before, after) {
    if (before === after || !this._sdp) return;
    this.disconnectedCallback();
    this.connectedCallback();
  };

  customElements.define("sd-widget", SdWidget);
})();
