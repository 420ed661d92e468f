/* Custody log in the browser: the same JSON Lines format and hash chain as the
 * Python toolkit (coursekit/evidence/custody.py), line for line.
 *
 * Each line is one entry, written in canonical JSON (keys sorted, no spaces,
 * ASCII only with \uXXXX escapes, exactly like Python's
 * json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)).
 * entry_hash is the SHA-256 of the canonical JSON of all the other fields;
 * prev_hash is the entry_hash of the line before (GENESIS for the first line).
 * verify() checks every line in the order and with the messages of the CLI's
 * parse_log(), so both name the same first bad line.
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

BL.GENESIS = "0000000000000000000000000000000000000000000000000000000000000000";
BL.LOG_FORMAT = "coursekit-custody/1";

var INIT_FIELDS = ["seq", "kind", "format", "time", "actor", "action", "note", "prev_hash", "entry_hash"];
var FILE_FIELDS = ["seq", "kind", "time", "actor", "action", "note", "path", "sha256", "size",
  "prev_hash", "entry_hash"];
var MAX_LINE_BYTES = 1 << 20;
var EXPLAINING_ACTION = new RegExp(
  "edit|chang|modif|annotat|crop|redact|convert|re-?encod|transcod|scrub|replac|updat|trim|" +
  "blur|export|compress|resiz|rotat|correct|cut|merg|revis|new version", "i");

/** Python's repr() of a short text, for messages that quote a value (e.g. 'abc'). */
function pyRepr(value) {
  if (typeof value !== "string") {
    if (value === null) return "None";
    if (value === true) return "True";
    if (value === false) return "False";
    return String(value);
  }
  var quote = value.indexOf("'") >= 0 && value.indexOf('"') < 0 ? '"' : "'";
  var body = value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
  if (quote === "'") body = body.replace(/'/g, "\\'");
  return quote + body + quote;
}

/** The one byte form the log uses: sorted keys, no spaces, ASCII only. */
BL.canonicalJson = function (obj) {
  var keys = Object.keys(obj).sort();
  var parts = keys.map(function (k) { return JSON.stringify(k) + ":" + JSON.stringify(obj[k]); });
  return ("{" + parts.join(",") + "}").replace(/[\u007f-\uffff]/g, function (c) {
    return "\\u" + ("0000" + c.charCodeAt(0).toString(16)).slice(-4);
  });
};

/** SHA-256 (hex) of a string's bytes (ASCII here) or of a Uint8Array. */
BL.sha256Hex = function (data) {
  var bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return window.hashwasm.sha256(bytes);
};

/** SHA-256 of the canonical JSON of an entry without its entry_hash field. */
BL.computeEntryHash = function (entry) {
  var copy = {};
  Object.keys(entry).forEach(function (k) { if (k !== "entry_hash") copy[k] = entry[k]; });
  return BL.sha256Hex(BL.canonicalJson(copy));
};

/** UTC ISO 8601 with a Z, to the second, like the CLI's format_time(). */
BL.formatTime = function (date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
};

/** One problem found. `message` is for the reader, in the page's language (BL.t); no code
 * compares it: the line numbers and paths are what code reads. */
function problem(message, line, path) {
  return { message: message, line: line === undefined ? null : line, path: path || null };
}

/** A problem as the reader sees it (its message is already in the page's language). */
BL.problemText = function (p) {
  if (p.line !== null) return BL.t("line {line}: {message}", { line: p.line, message: p.message });
  if (p.path !== null) return BL.t("file {path}: {message}", { path: pyRepr(p.path), message: p.message });
  return p.message;
};

function isText(v) { return typeof v === "string"; }
function isWhole(v) { return typeof v === "number" && Number.isInteger(v); }
function isHash(v) { return /^[0-9a-f]{64}$/.test(v); }

/** The checks of Python's datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ"). */
function validTime(value) {
  var m = /^(\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])T(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)Z$/.exec(value);
  if (!m) return false;
  var y = +m[1], mo = +m[2], d = +m[3].trim(), s = +m[6];
  if (y < 1 || s > 59) return false;
  var days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31,
    31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

/** Type and shape checks of one parsed entry (Python: _check_fields). */
function checkFields(entry, lineno) {
  var problems = [];
  var kind = entry.kind;
  if (kind !== "init" && kind !== "file") {
    return [problem(BL.t("unknown kind {kind} (expected 'init' or 'file')",
      { kind: pyRepr(kind === undefined ? null : kind) }), lineno)];
  }
  var expected = kind === "init" ? INIT_FIELDS : FILE_FIELDS;
  var have = Object.keys(entry);
  var missing = expected.filter(function (f) { return have.indexOf(f) < 0; }).sort();
  var extra = have.filter(function (f) { return expected.indexOf(f) < 0; }).sort();
  if (missing.length) problems.push(problem(BL.t("fields missing: {fields}", { fields: missing.join(", ") }), lineno));
  if (extra.length) problems.push(problem(BL.t("unexpected fields: {fields}", { fields: extra.join(", ") }), lineno));
  ["time", "actor", "action", "note", "prev_hash", "entry_hash"].forEach(function (name) {
    if (name in entry && !isText(entry[name])) {
      problems.push(problem(BL.t("field '{name}' should be text", { name: name }), lineno));
    }
  });
  ["prev_hash", "entry_hash", "sha256"].forEach(function (name) {
    var v = entry[name];
    if (isText(v) && !isHash(v)) problems.push(problem(BL.t("field '{name}' is not a SHA-256 hash", { name: name }), lineno));
  });
  ["seq", "size"].forEach(function (name) {
    if (name in entry && !isWhole(entry[name])) {
      problems.push(problem(BL.t("field '{name}' should be a whole number", { name: name }), lineno));
    }
  });
  if (kind === "file" && "path" in entry && !isText(entry.path)) {
    problems.push(problem(BL.t("field '{name}' should be text", { name: "path" }), lineno));
  }
  if (isText(entry.time) && !validTime(entry.time)) {
    problems.push(problem(BL.t("time {time} is not UTC ISO 8601 (like 2024-10-15T09:30:00Z)",
      { time: pyRepr(entry.time) }), lineno));
  }
  return problems;
}

/** A line with its strings emptied, to look at its numbers and brackets only. */
function withoutStrings(text) {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

function nestingDepth(text) {
  var depth = 0, deepest = 0;
  for (var i = 0; i < text.length; i++) {
    var c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) { depth++; if (depth > deepest) deepest = depth; }
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Decode one line to an object, or record why it cannot be read (Python: _parse_line). */
function parseLine(raw, lineno, problems) {
  function bad(message) { problems.push(problem(message, lineno)); return null; }
  if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
    return bad(BL.t("starts with a byte-order mark (BOM), which the tool never writes: the file was saved by a text editor"));
  }
  if (raw.length && raw[raw.length - 1] === 0x0d) {
    return bad(BL.t("ends with a Windows line end (CR LF); the tool writes LF only, so the file was converted or edited"));
  }
  if (raw.length > MAX_LINE_BYTES) {
    return bad(BL.t("is {n} bytes long; the tool's entries are far shorter, so this is not an entry it wrote", { n: raw.length }));
  }
  for (var i = 0; i < raw.length; i++) {
    if (raw[i] > 0x7f) {
      return bad(BL.t("contains bytes that are not plain ASCII; the tool writes only ASCII, so the line was altered"));
    }
  }
  var text = new TextDecoder("ascii").decode(raw);
  if (!text.replace(/[\s\x1c-\x1f]/g, "")) return bad(BL.t("is blank: a line was removed or a line break added"));
  var bare = withoutStrings(text);
  var entry;
  try {
    entry = JSON.parse(text);
  } catch (err) {
    var constant = /(^|[\[:,\s])-?(NaN|Infinity)(?=[\s,\]}]|$)/.exec(bare);
    if (constant) {
      return bad(BL.t("holds a value JSON does not allow ({value} is not a JSON number); the tool never writes NaN or Infinity", { value: constant[2] }));
    }
    if (nestingDepth(bare) > 990) {
      return bad(BL.t("is nested too deeply to be an entry (lists or objects inside each other thousands of times)"));
    }
    return bad(BL.t("is not valid JSON ({reason})", { reason: String(err && err.message || err).split("\n")[0] }));
  }
  if (/\d{4301,}/.test(bare)) return bad(BL.t("holds a number with thousands of digits, which no entry has"));
  if (nestingDepth(bare) > 990) {
    return bad(BL.t("is nested too deeply to be an entry (lists or objects inside each other thousands of times)"));
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return bad(BL.t("is JSON but not an object"));
  var keys = Object.keys(entry);
  for (var k = 0; k < keys.length; k++) {
    var v = entry[keys[k]];
    if (v !== null && typeof v === "object") {
      return bad(BL.t("holds nested lists or objects; an entry has only plain text and number fields"));
    }
  }
  for (k = 0; k < keys.length; k++) {
    if (typeof entry[keys[k]] === "number" && !isFinite(entry[keys[k]])) {
      return bad(BL.t("holds a number too large to represent (it reads as infinity)"));
    }
  }
  return entry;
}

/**
 * Parse and check a log's bytes: every line, its own hash and its link to the line before.
 * Resolves to {entries: [[lineno, entry], ...], problems: [...]} (Python: parse_log).
 */
BL.parseLog = async function (bytes) {
  var problems = [], entries = [];
  if (!bytes.length) {
    return { entries: [], problems: [problem(BL.t("the log is empty; even a new log has the first line that 'log init' writes, so the log was truncated or replaced"))] };
  }
  var lines = [], start = 0;
  for (var i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) { lines.push(bytes.subarray(start, i)); start = i + 1; }
  }
  if (start < bytes.length) {
    lines.push(bytes.subarray(start));
    problems.push(problem(BL.t("does not end with a line break: the last write was cut short or the file was edited"), lines.length));
  }
  var prevStored = BL.GENESIS;
  for (var n = 0; n < lines.length; n++) {
    var lineno = n + 1, raw = lines[n];
    var entry = parseLine(raw, lineno, problems);
    if (entry === null) { prevStored = null; continue; }
    var shape = checkFields(entry, lineno);
    problems.push.apply(problems, shape);
    if (BL.canonicalJson(entry) !== new TextDecoder("ascii").decode(raw)) {
      problems.push(problem(BL.t("is not in the exact form the tool writes (spacing, key order or escapes differ), so it was edited"), lineno));
    }
    if (!shape.length) {
      if ((await BL.computeEntryHash(entry)) !== entry.entry_hash) {
        problems.push(problem(BL.t("its content does not match its own entry_hash: the entry was changed after it was written"), lineno));
      }
      if (entry.seq !== lineno) {
        problems.push(problem(BL.t("has sequence number {seq} but is line {line}: entries were deleted, inserted or reordered",
          { seq: entry.seq, line: lineno }), lineno));
      }
      if (lineno === 1 && entry.kind !== "init") {
        problems.push(problem(BL.t("the first line is not the 'init' entry: the start of the log is missing"), lineno));
      }
      if (lineno > 1 && entry.kind === "init") {
        problems.push(problem(BL.t("an 'init' entry in the middle of the log: another log was spliced in"), lineno));
      }
      if (prevStored !== null && entry.prev_hash !== prevStored) {
        problems.push(problem(lineno === 1
          ? BL.t("prev_hash is not the genesis value: earlier entries were removed")
          : BL.t("prev_hash does not match the entry_hash of line {line}: an entry was deleted, inserted or reordered here, or the line before was rewritten",
            { line: lineno - 1 }), lineno));
      }
      entries.push([lineno, entry]);
    }
    prevStored = isText(entry.entry_hash) ? entry.entry_hash : null;
  }
  return { entries: entries, problems: problems };
};

/** What a person should look at in an intact log (Python: history_warnings). */
BL.historyWarnings = function (parsed) {
  var warnings = [], prevTime = null, seen = {};
  parsed.forEach(function (pair) {
    var lineno = pair[0], e = pair[1];
    if (isText(e.time)) {
      if (prevTime !== null && e.time < prevTime[1]) {
        warnings.push(problem(BL.t("its time {time} is earlier than line {line}'s {earlier}: the clock was wrong, or the entry was back-dated",
          { time: e.time, line: prevTime[0], earlier: prevTime[1] }), lineno));
      }
      prevTime = [lineno, e.time];
    }
    if (e.kind !== "file" || !isText(e.path) || !isText(e.sha256)) return;
    var before = Object.prototype.hasOwnProperty.call(seen, e.path) ? seen[e.path] : null;
    if (before && before[1] !== e.sha256 &&
        !EXPLAINING_ACTION.test(String(e.action) + " " + String(e.note))) {
      warnings.push(problem(BL.t("{path} has a different hash than on line {line}, but the action {action} does not say it was changed: another file may have been put in its place",
        { path: pyRepr(e.path), line: before[0], action: pyRepr(e.action) }), lineno));
    }
    seen[e.path] = [lineno, e.sha256];
  });
  return warnings;
};

/** The first line of a new log (Python: CustodyLog.create). */
BL.initEntry = async function (actor, note, now) {
  var entry = { seq: 1, kind: "init", format: BL.LOG_FORMAT, time: BL.formatTime(now || new Date()),
    actor: actor, action: "log created", note: note || "", prev_hash: BL.GENESIS };
  entry.entry_hash = await BL.computeEntryHash(entry);
  return BL.canonicalJson(entry) + "\n";
};

/**
 * One more line for a file (Python: CustodyLog.add). `parsed` is the intact log's parse;
 * `digest` is {path, sha256, size}. Resolves to {line, entry, changedSinceLine}.
 */
BL.fileEntry = async function (parsed, digest, actor, action, note, now) {
  var last = parsed.entries[parsed.entries.length - 1];
  var changed = null;
  for (var i = parsed.entries.length - 1; i >= 0; i--) {
    var e = parsed.entries[i][1];
    if (e.kind === "file" && e.path === digest.path) {
      if (e.sha256 !== digest.sha256) changed = parsed.entries[i][0];
      break;
    }
  }
  var entry = { seq: last[0] + 1, kind: "file", time: BL.formatTime(now || new Date()),
    actor: actor, action: action, note: note || "", path: digest.path, sha256: digest.sha256,
    size: digest.size, prev_hash: last[1].entry_hash };
  entry.entry_hash = await BL.computeEntryHash(entry);
  return { line: BL.canonicalJson(entry) + "\n", entry: entry, changedSinceLine: changed };
};
