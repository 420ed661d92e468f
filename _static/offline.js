// "Save for offline": the reader can store the whole course in this browser and read it
// later without a connection. Nothing is stored until they press the button, which states
// the size first. Works only on pages served over http(s); a page opened from the offline
// zip (file://) keeps the control hidden and registers nothing. The service worker
// (course-sw.js) and the numbers below are written by coursekit/site_offline.py at build time.
(function () {
  "use strict";
  var SIZE = 0; // offline-size
  var BUILD = ""; // offline-build
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    var box = document.querySelector(".course-offline");
    if (!box || !/^https?:$/.test(location.protocol) || !("serviceWorker" in navigator) || !window.caches) return;
    var button = box.querySelector(".course-offline-save");
    var status = box.querySelector(".course-offline-status");
    var root = new URL(document.documentElement.getAttribute("data-content_root") || "./", location.href).href;
    var worker = root + "course-sw.js";
    var saved = false;
    // A translated page's control carries its own words (data-save, data-saved, …).
    function word(key, fallback, values) {
      var text = box.getAttribute("data-" + key);
      text = text === null ? fallback : text;
      Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
      return text;
    }

    function size() {
      return SIZE >= 1048576 ? (SIZE / 1048576).toFixed(1) + " " + word("mb", "MB")
        : Math.max(1, Math.round(SIZE / 1024)) + " " + word("kb", "KB");
    }
    function say(text) { status.textContent = text; }
    function manifest() {
      if (document.querySelector('link[rel="manifest"]')) return;
      var link = document.createElement("link");
      link.rel = "manifest";
      link.href = root + "manifest.webmanifest";
      document.head.appendChild(link);
    }
    function showSaved() {
      saved = true;
      button.textContent = word("remove", "Remove the offline copy");
      say(word("saved", "Saved in this browser ({size}): the course opens here without a connection.",
               {size: size()}));
      manifest();
    }
    function showUnsaved() {
      saved = false;
      button.textContent = word("save", "Save for offline ({size})", {size: size()});
    }

    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "course-offline-progress") {
        say(word("saving", "Saving… {pct}%", {pct: Math.round(100 * data.done / data.total)}));
      } else if (data.type === "course-offline-saved") {
        button.disabled = false;
        showSaved();
      } else if (data.type === "course-offline-failed") {
        button.disabled = false;
        showUnsaved();
        say(word("failed", "Could not save the course ({reason}). Nothing was kept; try again later.",
                 {reason: data.reason}));
      }
    });

    function save() {
      button.disabled = true;
      say(word("saving", "Saving… {pct}%", {pct: 0}));
      navigator.serviceWorker.register(worker, { scope: root }).catch(function (err) {
        button.disabled = false;
        say(word("failed", "Could not save the course ({reason}). Nothing was kept; try again later.",
                 {reason: err.message}));
      });
    }

    function remove() {
      button.disabled = true;
      navigator.serviceWorker.getRegistration(root).then(function (reg) {
        return reg ? reg.unregister() : false;
      }).then(function () {
        return caches.keys();
      }).then(function (names) {
        var mine = "course-offline " + root;
        return Promise.all(names.filter(function (n) { return n.indexOf(mine) === 0; })
          .map(function (n) { return caches.delete(n); }));
      }).then(function () {
        button.disabled = false;
        showUnsaved();
        say(word("removed", "The offline copy is removed from this browser."));
      });
    }

    button.addEventListener("click", function () { if (saved) remove(); else save(); });
    showUnsaved();
    box.hidden = false;
    navigator.serviceWorker.getRegistration(root).then(function (reg) {
      if (reg && reg.active && reg.scope === root) showSaved();
    });
  }
})();
