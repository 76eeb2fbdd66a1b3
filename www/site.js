// The site's small script, on every page but an embed: the reader's
// progress along the learning path (kept in this browser's localStorage,
// never sent anywhere), a copy button on each code block, and search over
// the articles, answered in the page from /search.json (written at build
// time by `sdp site`, fetched the first time the search box is used).
(function () {
  "use strict";
  var KEY = "sdp-read";
  // The slugs marked read, from what storage holds (anything else is no marks).
  var parse = function (text) {
    try {
      var list = JSON.parse(text || "[]");
      return Array.isArray(list)
        ? list.filter(function (s) {
            return typeof s === "string";
          })
        : [];
    } catch (e) {
      return [];
    }
  };
  var read = [];
  try {
    read = parse(localStorage.getItem(KEY));
  } catch (e) {
    read = [];
  }
  var save = function () {
    try {
      localStorage.setItem(KEY, JSON.stringify(read));
    } catch (e) {}
  };
  var all = function (selector) {
    return Array.prototype.slice.call(document.querySelectorAll(selector));
  };

  // Progress: each article's card and its "Mark as read" button, and the count on the home page.
  var paint = function () {
    all(".card[data-slug]").forEach(function (card) {
      var done = read.indexOf(card.getAttribute("data-slug")) >= 0;
      card.classList.toggle("read", done);
      var mark = card.querySelector(".read-mark");
      if (mark) mark.textContent = done ? " · read" : "";
    });
    all(".mark-read").forEach(function (button) {
      var done = read.indexOf(button.getAttribute("data-slug")) >= 0;
      button.hidden = false;
      button.setAttribute("aria-pressed", done ? "true" : "false");
    });
    all(".path-progress").forEach(function (p) {
      var total = Number(p.getAttribute("data-total"));
      var slugs = all(".card[data-slug]").map(function (c) {
        return c.getAttribute("data-slug");
      });
      var n = read.filter(function (s, i) {
        return slugs.indexOf(s) >= 0 && read.indexOf(s) === i;
      }).length;
      p.textContent = " You have read " + n + " of " + total + ".";
    });
  };
  all(".mark-read").forEach(function (button) {
    button.addEventListener("click", function () {
      var slug = button.getAttribute("data-slug");
      var at = read.indexOf(slug);
      if (at >= 0) read.splice(at, 1);
      else read.push(slug);
      save();
      paint();
    });
  });
  window.addEventListener("storage", function (e) {
    if (e.key !== KEY) return;
    read = parse(e.newValue);
    paint();
  });
  paint();

  // Copy buttons on code blocks.
  all(".prose pre").forEach(function (pre) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      navigator.clipboard.writeText(code.textContent).then(
        function () {
          button.textContent = "Copied";
          setTimeout(function () {
            button.textContent = "Copy";
          }, 2000);
        },
        function () {
          button.textContent = "Copy failed";
        },
      );
    });
    pre.classList.add("has-copy");
    pre.insertBefore(button, pre.firstChild);
  });

  // Search.
  var box = document.querySelector(".search");
  if (!box || !window.fetch || !window.Promise) return;
  var input = box.querySelector("input");
  var list = box.querySelector(".search-results");
  var status = box.querySelector(".search-status");
  box.hidden = false;
  var index = null;
  var loading = null;
  var load = function () {
    if (!loading) {
      loading = fetch("/search.json")
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (entries) {
          index = entries.map(function (e) {
            return { e: e, a: e.a.toLowerCase(), h: e.h.toLowerCase(), t: e.t.toLowerCase() };
          });
          show();
        })
        .catch(function () {
          loading = null;
          status.textContent = "Search is unavailable offline until a page has been visited online.";
        });
    }
    return loading;
  };
  // The text around the first place `word` occurs in `text`, with the word marked.
  var snippet = function (text, word) {
    var at = text.toLowerCase().indexOf(word);
    var p = document.createElement("span");
    p.className = "snippet";
    if (at < 0) {
      p.textContent = text.slice(0, 120) + (text.length > 120 ? "…" : "");
      return p;
    }
    var from = Math.max(0, text.lastIndexOf(" ", Math.max(0, at - 50)));
    var to = Math.min(text.length, at + word.length + 80);
    p.appendChild(document.createTextNode((from > 0 ? "…" : "") + text.slice(from, at).trimStart()));
    var m = document.createElement("mark");
    m.textContent = text.slice(at, at + word.length);
    p.appendChild(m);
    p.appendChild(document.createTextNode(text.slice(at + word.length, to) + (to < text.length ? "…" : "")));
    return p;
  };
  var show = function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!words.length) {
      list.hidden = true;
      status.textContent = "";
      return;
    }
    if (!index) {
      load();
      return;
    }
    var hits = [];
    index.forEach(function (x) {
      var score = 0;
      for (var i = 0; i < words.length; i++) {
        var w = words[i];
        // An article's title counts on its own entry, not on each of its sections.
        var s = (!x.h && x.a.indexOf(w) >= 0 ? 8 : 0) + (x.h.indexOf(w) >= 0 ? 4 : 0) + (x.t.indexOf(w) >= 0 ? 1 : 0);
        if (!s) return;
        score += s;
      }
      hits.push({ x: x, score: score });
    });
    hits.sort(function (p, q) {
      return q.score - p.score;
    });
    hits.slice(0, 8).forEach(function (hit) {
      var e = hit.x.e;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.u;
      var title = document.createElement("strong");
      title.textContent = e.h ? e.a + " › " + e.h : e.a;
      a.appendChild(title);
      a.appendChild(snippet(e.t, words[0]));
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = !hits.length;
    status.textContent = hits.length
      ? hits.length + (hits.length === 1 ? " result" : " results") + (hits.length > 8 ? ", the first 8 shown" : "")
      : "No results";
  };
  input.addEventListener("focus", load);
  input.addEventListener("input", show);
  var links = function () {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  };
  box.addEventListener("keydown", function (e) {
    var items = links();
    var at = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!items.length) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) input.focus();
      else items[Math.min(next, items.length - 1)].focus();
    } else if (e.key === "Enter" && document.activeElement === input && items.length) {
      e.preventDefault();
      items[0].click();
    } else if (e.key === "Escape") {
      input.value = "";
      show();
      input.focus();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    // Fields keep their keys (inside a widget's shadow root too), and so does presenter mode.
    var t = e.composedPath ? e.composedPath()[0] : e.target;
    if (document.querySelector(".presenting")) return;
    var tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    e.preventDefault();
    input.focus();
  });
  // The list closes when focus or a click leaves the box, and after following a result.
  var close = function () {
    list.hidden = true;
  };
  document.addEventListener("click", function (e) {
    if (!box.contains(e.target)) close();
  });
  box.addEventListener("focusout", function (e) {
    if (!e.relatedTarget || !box.contains(e.relatedTarget)) close();
  });
  window.addEventListener("hashchange", close);
})();
