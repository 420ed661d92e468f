/* The lab's words in the reader's language. Every text the reader sees goes through
 * BL.t with one double-quoted English literal (the message id, which may hold {placeholders})
 * and an object of the placeholders' values. A translated page holds its messages in
 * <script type="application/json" id="bl-messages">{"English": "translation", ...}</script>
 * (written by the book's build from the gettext catalogue); without it, or if it cannot be
 * read, the English text is used. Data (categories compared in code, the custody log's
 * content, tag names, file names, hashes) never goes through here: only what is displayed.
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

var messages = null, found = false;
var PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
var has = function (o, k) { return Object.prototype.hasOwnProperty.call(o, k); };

/** The page's messages, read once (not while the page is still loading and has none yet). */
function pageMessages() {
  if (messages !== null) return messages;
  var box = typeof document !== "undefined" ? document.getElementById("bl-messages") : null;
  if (!box) {
    if (typeof document !== "undefined" && document.readyState === "loading") return {};
    messages = {};
    return messages;
  }
  found = true;
  messages = {};
  try {
    var parsed = JSON.parse(box.textContent);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) messages = parsed;
  } catch (err) {
    messages = {}; // unreadable: English
  }
  return messages;
}

/**
 * The translation of `msgid` (or `msgid` itself when there is none), with every {name}
 * replaced by String(values[name]) when `values` has that key; other placeholders stay.
 */
BL.t = function (msgid, values) {
  var all = pageMessages();
  var text = has(all, msgid) && typeof all[msgid] === "string" && all[msgid] ? all[msgid] : msgid;
  if (!values) return text;
  return text.replace(PLACEHOLDER, function (whole, name) {
    return has(values, name) ? String(values[name]) : whole;
  });
};

/** Whether the page has a messages element (a translated edition). */
BL.translated = function () {
  pageMessages();
  return found;
};
