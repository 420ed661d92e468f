/* The page's controls: wires the four tools to the forms in
 * chapters/evidence-lab-browser.md. Nothing leaves the page: files are read with the
 * File API, results are shown in live regions, and saved copies are offered as
 * downloads made from memory (blob: links).
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

function $(id) { return document.getElementById(id); }
function el(tag, text, cls) {
  var e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function say(box, nodes) {
  box.textContent = "";
  nodes.forEach(function (n) { box.appendChild(typeof n === "string" ? el("p", n) : n); });
}
function list(items) {
  var ul = el("ul");
  items.forEach(function (t) { ul.appendChild(typeof t === "string" ? el("li", t) : t); });
  return ul;
}
function reason(err) { return err && err.message ? err.message : String(err); }
async function readBytes(file) { return new Uint8Array(await file.arrayBuffer()); }

/** Photos are read whole; anything this large is not a photo (a video, say) and would fill a
 * phone's memory, so it is refused before it is read. Hashing streams and has no limit. */
var PHOTO_LIMIT = 200 * 1000 * 1000;
function tooLarge(file) {
  return file.size > PHOTO_LIMIT ? BL.t("{name} is {size}, larger than any photo this page reads (up to {limit}). Is it a video? Its fingerprint can still be taken below.",
    { name: file.name, size: BL.humanSize(file.size), limit: BL.humanSize(PHOTO_LIMIT) }) : null;
}

var links = {};
function offer(id, bytes, name, type) {
  var a = $(id);
  if (links[id]) URL.revokeObjectURL(links[id]);
  links[id] = URL.createObjectURL(new Blob([bytes], { type: type }));
  a.href = links[id];
  a.download = name;
  a.hidden = false;
}

/** Plain words for what each category means for the people in and behind a photo
 * (made when shown, so they are in the page's language). */
function why(category) {
  var texts = {};
  texts[BL.LOCATION] = BL.t("Where the photo was taken. Anyone with the file can put this on a map.");
  texts[BL.DEVICE] = BL.t("Which phone or camera made it, sometimes with a serial number that links photos to one device and its owner.");
  texts[BL.PEOPLE] = BL.t("Names of the photographer, the owner or people in the picture.");
  texts[BL.TIME] = BL.t("When it was taken or edited, which can place a person somewhere at a moment.");
  texts[BL.COMMENTS] = BL.t("Captions, keywords, notes and profile texts, which may name people or places.");
  texts[BL.OTHER] = BL.t("Technical details about how to show the picture; usually harmless.");
  return texts[category];
}

/** Plain names for the items most photos carry; the technical name follows in brackets. */
var PLAIN = null;
function plainNames() {
  if (!PLAIN) {
    PLAIN = { GPSLatitude: BL.t("latitude"), GPSLongitude: BL.t("longitude"), GPSAltitude: BL.t("altitude"),
      GPSDateStamp: BL.t("GPS date"), GPSTimeStamp: BL.t("GPS time"), Make: BL.t("device maker"), Model: BL.t("device model"),
      SerialNumber: BL.t("serial number"), BodySerialNumber: BL.t("serial number"), LensSerialNumber: BL.t("lens serial number"),
      LensModel: BL.t("lens model"), Software: BL.t("software"), HostComputer: BL.t("computer"), Artist: BL.t("photographer"),
      Copyright: BL.t("copyright line"), OwnerName: BL.t("owner's name"), CameraOwnerName: BL.t("owner's name"),
      XPAuthor: BL.t("author (Windows)"), DateTimeOriginal: BL.t("taken"), CreateDate: BL.t("digitised"),
      ModifyDate: BL.t("last changed"), OffsetTimeOriginal: BL.t("time zone when taken"),
      ImageDescription: BL.t("description"), UserComment: BL.t("comment"), XPComment: BL.t("comment (Windows)"),
      XPTitle: BL.t("title (Windows)"), XPKeywords: BL.t("keywords (Windows)"), "dc:creator": BL.t("creator"),
      "dc:description": BL.t("description"), "dc:title": BL.t("title"), "dc:rights": BL.t("rights") };
  }
  return PLAIN;
}
/** Names the lab itself gives to what it finds (not tag names written in the file). */
function labName(name) {
  if (name === "XMP packet") return BL.t("XMP packet");
  if (name === "extended XMP") return BL.t("extended XMP");
  if (name === "IPTC/Photoshop block") return BL.t("IPTC/Photoshop block");
  if (name === "application data") return BL.t("application data");
  return BL.iccNameLabel(name);
}
/** Where an item was found, as the reader sees it (the group itself stays English: code
 * compares it). */
function groupLabel(group) {
  var m = /^EXIF block (\d+)( GPS)?$/.exec(group);
  if (m) return m[2] ? BL.t("EXIF block {n} GPS", { n: m[1] }) : BL.t("EXIF block {n}", { n: m[1] });
  if (group === "ICC profile") return BL.t("ICC profile");
  if (group === "PNG text") return BL.t("PNG text");
  if (group === "PNG chunk") return BL.t("PNG chunk");
  if (group === "WebP chunk") return BL.t("WebP chunk");
  if (group === "JPEG comment") return BL.t("JPEG comment");
  return group;
}
function plainName(name) {
  var plain = plainNames();
  if (Object.prototype.hasOwnProperty.call(plain, name)) return BL.t("{plain} ({name})", { plain: plain[name], name: name });
  return labName(name) || name;
}

function metaReport(name, meta) {
  var nodes = [el("p", meta.width
    ? BL.t("{name}: {format}, {width} × {height} pixels", { name: name, format: meta.format, width: meta.width, height: meta.height })
    : BL.t("{name}: {format}", { name: name, format: meta.format }))];
  var groups = {};
  meta.items.forEach(function (t) { (groups[t.category] = groups[t.category] || []).push(t); });
  var revealing = BL.CATEGORIES.filter(function (c) { return c !== BL.OTHER && groups[c]; });
  if (meta.positions.length) {
    var seen = {};
    meta.positions.forEach(function (p) {
      var text = BL.positionText(p);
      if (seen[text]) return;
      seen[text] = true;
      nodes.push(el("p", p.group === "GPS" ? BL.t("Position: {position}", { position: text })
        : BL.t("Position: {position} (found in {group})", { position: text, group: groupLabel(p.group) }), "bl-warning"));
    });
  }
  if (!revealing.length && !meta.positions.length) {
    nodes.push(el("p", BL.t("No location, device, people, time or comment metadata found."), "bl-ok"));
  } else {
    nodes.push(el("p", BL.t("This photo reveals {n} kind(s) of information besides the picture itself:", { n: revealing.length })));
  }
  BL.CATEGORIES.forEach(function (c) {
    if (!groups[c]) return;
    var details = el("details");
    if (c !== BL.OTHER) details.open = true;
    var summary = el("summary", BL.t("{category} ({n})", { category: BL.categoryLabel(c), n: groups[c].length }));
    details.appendChild(summary);
    details.appendChild(el("p", why(c)));
    details.appendChild(list(groups[c].map(function (t) {
      var value = t.value.length > 300 ? t.value.slice(0, 300) + "…" : t.value;
      return t.group === "EXIF" || t.group === "GPS" ? BL.t("{name}: {value}", { name: plainName(t.name), value: value })
        : BL.t("{name}: {value}  [{group}]", { name: plainName(t.name), value: value, group: groupLabel(t.group) });
    })));
    details.dataset.category = c;
    nodes.push(details);
  });
  if (meta.hasThumbnail) {
    nodes.push(el("p", BL.t("Thumbnail: the file holds a small preview image. It can show the picture as it was before a crop or blur.")));
  }
  meta.notes.forEach(function (n) { nodes.push(el("p", BL.t("Note: {note}", { note: n }))); });
  return nodes;
}

function setupMeta() {
  var input = $("bl-meta-file"), out = $("bl-meta-out");
  if (!input) return;
  input.addEventListener("change", async function () {
    var file = input.files[0];
    if (!file) return;
    if (tooLarge(file)) { say(out, [el("p", tooLarge(file), "bl-error")]); return; }
    say(out, [BL.t("Reading {name}…", { name: file.name })]);
    try {
      say(out, metaReport(file.name, await BL.readMetadata(await readBytes(file))));
    } catch (err) {
      say(out, [el("p", BL.t("{name} could not be read: {reason}.", { name: file.name, reason: reason(err) }), "bl-error")]);
    }
  });
}

function cleanName(name, format) {
  var dot = name.lastIndexOf(".");
  var stem = dot > 0 ? name.slice(0, dot) : name;
  var ext = dot > 0 ? name.slice(dot) : { JPEG: ".jpg", PNG: ".png", WebP: ".webp" }[format];
  return stem + "-clean" + ext;
}

function setupScrub() {
  var input = $("bl-scrub-file"), out = $("bl-scrub-out");
  if (!input) return;
  input.addEventListener("change", async function () {
    var file = input.files[0];
    $("bl-scrub-save").hidden = true;
    if (!file) return;
    if (tooLarge(file)) { say(out, [el("p", tooLarge(file), "bl-error")]); return; }
    say(out, [BL.t("Cleaning a copy of {name}…", { name: file.name })]);
    try {
      var original = await readBytes(file);
      var result = await BL.scrubBytes(original);
      var before = await BL.readMetadata(original);
      var left = await BL.leftovers(result.format, result.bytes);
      var same = BL.bytesEqual(BL.imageData(result.format, original), BL.imageData(result.format, result.bytes));
      if (!same) left.push(BL.t("the image data differs from the original's"));
      if (left.length) {
        say(out, [el("p", BL.t("The check of the new copy found something that should have gone, so no copy is offered:"), "bl-error"), list(left)]);
        return;
      }
      var removed = before.items.filter(function (t) { return t.category !== BL.OTHER; })
        .map(function (t) { return BL.t("{category}: {name}", { category: BL.categoryLabel(t.category), name: plainName(t.name) }); });
      if (before.hasThumbnail) removed.push(BL.t("Thumbnail: embedded preview image"));
      var name = cleanName(file.name, result.format);
      offer("bl-scrub-save", result.bytes, name, { JPEG: "image/jpeg", PNG: "image/png", WebP: "image/webp" }[result.format]);
      $("bl-scrub-save").textContent = BL.t("Save the cleaned copy ({name}, {size})", { name: name, size: BL.humanSize(result.bytes.length) });
      var nodes = [
        el("p", BL.t("Checked: the new copy holds no location, device, people, time or comment metadata, and its image data is byte for byte the same as the original's (nothing was re-encoded). Your original file was not changed."), "bl-ok"),
        el("p", removed.length ? BL.t("Removed ({n}):", { n: removed.length }) : BL.t("Removed: nothing revealing was found."))];
      if (removed.length) nodes.push(list(removed));
      result.notes.forEach(function (n) { nodes.push(el("p", BL.t("Note: {note}", { note: n }))); });
      nodes.push(el("p", BL.t("Check the picture itself too: faces, street signs, house numbers and reflections are not metadata, and no tool removes them.")));
      say(out, nodes);
    } catch (err) {
      say(out, [el("p", BL.t("{name} could not be cleaned: {reason}.", { name: file.name, reason: reason(err) }), "bl-error")]);
    }
  });
}

function setupHash() {
  var form = $("bl-hash-form"), out = $("bl-hash-out"), bar = $("bl-hash-progress");
  if (!form) return;
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var file = $("bl-hash-file").files[0];
    if (!file) { say(out, [el("p", BL.t("Choose a file first."), "bl-error")]); return; }
    var expect = $("bl-hash-expect").value.trim().toLowerCase();
    say(out, [BL.t("Hashing {name} ({size})…", { name: file.name, size: BL.humanSize(file.size) })]);
    bar.value = 0;
    var started = performance.now(), lastShown = 0;
    try {
      var digest = await BL.hashFile(file, function (done, total) {
        bar.value = total ? Math.round(1000 * done / total) / 10 : 100;
        var now = performance.now();
        if (now - lastShown > 1000) { lastShown = now; $("bl-hash-done").textContent = BL.t("{percent}%", { percent: Math.floor(bar.value) }); }
      });
      var seconds = (performance.now() - started) / 1000;
      bar.value = 100;
      $("bl-hash-done").textContent = BL.t("{percent}%", { percent: 100 });
      out.dataset.sha256 = digest.sha256;
      out.dataset.seconds = String(seconds);
      var nodes = [el("p", BL.t("SHA-256 of {name} ({size} bytes):", { name: digest.path, size: digest.size })),
        el("code", digest.sha256, "bl-hash"),
        el("p", BL.t("The same line as sha256sum and the toolkit print:")),
        el("code", BL.sha256sumLine(digest), "bl-hash")];
      if (expect) {
        nodes.push(expect === digest.sha256
          ? el("p", BL.t("It matches the hash you were given: this is the same file, bit for bit."), "bl-ok")
          : el("p", BL.t("It does NOT match the hash you were given: this file is different (or the hash was copied wrongly)."), "bl-error"));
      }
      say(out, nodes);
    } catch (err) {
      say(out, [el("p", BL.t("{name}: {reason}.", { name: file.name, reason: reason(err) }), "bl-error")]);
    }
  });
}

/** A custody log is text, a few hundred bytes a line: a file this large is not one. */
var LOG_LIMIT = 100 * 1000 * 1000;
function logTooLarge(file) {
  return BL.t("{name} is {size}, far larger than a custody log; was the wrong file chosen?",
    { name: file.name, size: BL.humanSize(file.size) });
}

/** The custody log being written in this page (its bytes as text). */
var current = "";

function showLog() {
  $("bl-log-text").textContent = current || BL.t("(no log yet)");
  if (current) {
    offer("bl-log-save", new TextEncoder().encode(current), $("bl-log-name").value.trim() || "custody-log.jsonl", "application/x-ndjson");
  }
  $("bl-log-add-button").disabled = !current;
}

function setupLog() {
  var out = $("bl-log-out");
  if (!out) return;
  $("bl-log-start").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var actor = $("bl-log-start-actor").value.trim();
    if (!actor) { say(out, [el("p", BL.t("Say who starts the log (a role is fine)."), "bl-error")]); return; }
    if (current && !window.confirm(BL.t("Start a new log? The log shown now is not kept unless you saved it."))) return;
    current = await BL.initEntry(actor, $("bl-log-start-note").value);
    showLog();
    say(out, [el("p", BL.t("A new log was started (line 1). Add files to it, then download it."), "bl-ok")]);
  });
  $("bl-log-open").addEventListener("change", async function () {
    var file = $("bl-log-open").files[0];
    if (!file) return;
    if (file.size > LOG_LIMIT) { say(out, [el("p", logTooLarge(file), "bl-error")]); return; }
    var bytes = await readBytes(file), parsed = await BL.parseLog(bytes);
    if (parsed.problems.length) {
      say(out, [el("p", BL.t("{name} is damaged, so it was not opened for adding (verify it below to see why):", { name: file.name }), "bl-error"),
        list(parsed.problems.slice(0, 5).map(BL.problemText))]);
      return;
    }
    current = new TextDecoder("ascii").decode(bytes);
    $("bl-log-name").value = file.name;
    showLog();
    say(out, [el("p", BL.t("{name} opened: {n} entries, chain intact. New entries go after line {n}.",
      { name: file.name, n: parsed.entries.length }), "bl-ok")]);
  });
  $("bl-log-add").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var file = $("bl-log-add-file").files[0];
    var actor = $("bl-log-add-actor").value.trim(), action = $("bl-log-add-action").value.trim();
    if (!current) { say(out, [el("p", BL.t("Start or open a log first."), "bl-error")]); return; }
    if (!file || !actor || !action) {
      say(out, [el("p", BL.t("Choose the file and say who handled it and what happened."), "bl-error")]);
      return;
    }
    if (!file.size) {
      say(out, [el("p", BL.t("{name} is empty (0 bytes); an evidence file is never empty, so a copy or download may have failed.", { name: file.name }), "bl-error")]);
      return;
    }
    say(out, [BL.t("Hashing {name}…", { name: file.name })]);
    try {
      var digest = await BL.hashFile(file);
      var parsed = await BL.parseLog(new TextEncoder().encode(current));
      var added = await BL.fileEntry(parsed, digest, actor, action, $("bl-log-add-note").value);
      current += added.line;
      showLog();
      var nodes = [el("p", BL.t("Line {line} added for {name} (sha256 {hash}…). Download the log to keep it.",
        { line: added.entry.seq, name: digest.path, hash: digest.sha256.slice(0, 16) }), "bl-ok")];
      if (added.changedSinceLine) {
        nodes.push(el("p", BL.t("Note: this file's hash differs from its entry on line {line}: it changed since then.",
          { line: added.changedSinceLine }), "bl-error"));
      }
      say(out, nodes);
    } catch (err) {
      say(out, [el("p", BL.t("{name}: {reason}.", { name: file.name, reason: reason(err) }), "bl-error")]);
    }
  });

  $("bl-verify-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var vout = $("bl-verify-out"), logFile = $("bl-verify-log").files[0];
    var useCurrent = !logFile && current;
    if (!logFile && !useCurrent) { say(vout, [el("p", BL.t("Choose a log file to verify."), "bl-error")]); return; }
    if (logFile && logFile.size > LOG_LIMIT) { say(vout, [el("p", logTooLarge(logFile), "bl-error")]); return; }
    var name = logFile ? logFile.name : BL.t("the log in this page");
    say(vout, [BL.t("Checking {name}…", { name: name })]);
    var bytes = logFile ? await readBytes(logFile) : new TextEncoder().encode(current);
    var parsed = await BL.parseLog(bytes), problems = parsed.problems.slice();
    var warnings = BL.historyWarnings(parsed.entries);
    var files = Array.prototype.slice.call($("bl-verify-files").files || []);
    var latest = {}, checked = 0, unchecked = [];
    parsed.entries.forEach(function (p) { if (p[1].kind === "file") latest[p[1].path] = p; });
    for (var path in latest) {
      var base = path.split(/[\\/]/).pop();
      var match = files.filter(function (f) { return f.name === base; })[0];
      if (!match) { unchecked.push(path); continue; }
      checked += 1;
      var now = await BL.hashFile(match), e = latest[path][1];
      if (now.sha256 !== e.sha256) {
        problems.push({ line: null, path: path, message: BL.t("changed since line {line}: logged sha256 {logged}… ({loggedSize} bytes), now {now}… ({nowSize} bytes)",
          { line: latest[path][0], logged: e.sha256.slice(0, 16), loggedSize: e.size, now: now.sha256.slice(0, 16), nowSize: now.size }) });
      }
    }
    var head = parsed.entries.length ? parsed.entries[parsed.entries.length - 1][1].entry_hash : null;
    var nodes = [el("p", BL.t("{name}: {entries} entries read, {checked} logged files checked.",
      { name: name, entries: parsed.entries.length, checked: checked }))];
    if (!problems.length) {
      nodes.push(el("p", checked ? BL.t("OK: the chain of entries is intact and every file you chose matches its latest logged hash.")
        : BL.t("OK: the chain of entries is intact."), "bl-ok"));
    } else {
      nodes.push(el("p", BL.t("FAILED: {n} problem(s). The first bad line is named first:", { n: problems.length }), "bl-error"));
      nodes.push(list(problems.map(BL.problemText)));
    }
    if (warnings.length) {
      nodes.push(el("p", BL.t("{n} warning(s) for a person to look at:", { n: warnings.length })));
      nodes.push(list(warnings.map(function (w) { return BL.t("warning: {problem}", { problem: BL.problemText(w) }); })));
    }
    if (unchecked.length) {
      nodes.push(el("p", BL.t("Not checked (choose these files too to check them): {files}", { files: unchecked.join(", ") })));
    }
    if (head) {
      var h = el("p", BL.t("Head hash (keep a copy elsewhere to detect cut-off entries):") + " ");
      h.appendChild(el("code", head));
      nodes.push(h);
    }
    vout.dataset.ok = problems.length ? "false" : "true";
    vout.dataset.firstBadLine = String((problems.filter(function (p) { return p.line !== null; })[0] || {}).line || "");
    say(vout, nodes);
  });
  showLog();
}

function start() {
  if (!window.hashwasm || !window.exifr || !window.DecompressionStream) {
    var box = $("bl-support");
    if (box) {
      box.hidden = false;
      box.textContent = BL.t("This browser is missing something the lab needs (it may be too old). Try an up-to-date Firefox, Chrome, Edge or Safari.");
    }
  }
  setupMeta();
  setupScrub();
  setupHash();
  setupLog();
  document.documentElement.dataset.browserlab = "ready";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
