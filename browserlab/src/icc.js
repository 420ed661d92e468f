/* Colour (ICC) profiles: read their free-text tags and clear them while keeping the
 * colours, as the Python toolkit does (coursekit/evidence/icc.py): description becomes
 * "Colour profile", copyright becomes empty, the device texts go, the header's date,
 * device and creator fields are zeroed; every other tag is kept byte for byte and the
 * profile ID (MD5) is recomputed if the profile has one.
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

var TEXT_TAGS = { desc: "description", cprt: "copyright", dmnd: "device maker", dmdd: "device model" };
BL.NEUTRAL_DESCRIPTION = "Colour profile";

function r32(b, i) { return ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3]; }
function sig(b, i) { return String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]); }
function latin1(b) { var s = ""; for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]); return s; }
function untilNul(b) { var z = b.indexOf(0); return z < 0 ? b : b.subarray(0, z); }
function w32(n) { return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]; }
function strBytes(s) { var a = []; for (var i = 0; i < s.length; i++) a.push(s.charCodeAt(i) & 0xff); return a; }

/** The text of a desc, mluc or text tag (null if it is none of these). */
function decodeText(blob) {
  var kind = sig(blob, 0);
  try {
    if (kind === "desc") return latin1(untilNul(blob.subarray(12, 12 + r32(blob, 8))));
    if (kind === "text") return latin1(untilNul(blob.subarray(8)));
    if (kind === "mluc") {
      var count = r32(blob, 8), size = r32(blob, 12), texts = [];
      for (var i = 0; i < Math.min(count, 64); i++) {
        var rec = 16 + i * size, length = r32(blob, rec + 4), offset = r32(blob, rec + 8), t = "";
        for (var k = offset; k + 1 < offset + length && k + 1 < blob.length; k += 2) {
          t += String.fromCharCode((blob[k] << 8) | blob[k + 1]);
        }
        if (t && texts.indexOf(t) < 0) texts.push(t);
      }
      return texts.join(" / ");
    }
  } catch (err) {
    return BL.t("<unreadable text>");
  }
  return null;
}

/** The tag table: [[signature, offset, size]]; empty if the profile is malformed. */
function tagTable(p) {
  if (p.length < 132 || sig(p, 36) !== "acsp") return [];
  var count = r32(p, 128), table = [];
  for (var i = 0; i < Math.min(count, 1000); i++) {
    var at = 132 + 12 * i;
    if (at + 12 > p.length) return [];
    var s = sig(p, at), offset = r32(p, at + 4), size = r32(p, at + 8);
    if (offset + size > p.length) return [];
    table.push([s, offset, size]);
  }
  return table;
}

/** The displayed name of a colour-profile item (the item's own name stays English: it is
 * sorted into a category by that name, as the CLI does). */
BL.iccNameLabel = function (name) {
  var labels = { description: BL.t("description"), copyright: BL.t("copyright"),
    "device maker": BL.t("device maker"), "device model": BL.t("device model"),
    "profile creator": BL.t("profile creator"), "device manufacturer": BL.t("device manufacturer"),
    "profile date": BL.t("profile date") };
  return has(labels, name) ? labels[name] : null;
};
function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

/** [[tag name, text]] for every free-text tag of a profile. */
BL.iccDescribe = function (p) {
  var found = [];
  tagTable(p).forEach(function (t) {
    if (Object.prototype.hasOwnProperty.call(TEXT_TAGS, t[0])) {
      var text = decodeText(p.subarray(t[1], t[1] + t[2]));
      if (text) found.push([TEXT_TAGS[t[0]], text]);
    }
  });
  return found;
};

/** What the header says about the profile's making: creator program, device, date. */
BL.iccHeaderItems = function (p) {
  if (p.length < 128 || sig(p, 36) !== "acsp") return [];
  var found = [];
  [["profile creator", 80], ["device manufacturer", 48], ["device model", 52]].forEach(function (f) {
    var bytes = p.subarray(f[1], f[1] + 4), text = latin1(bytes);
    var printable = Array.prototype.every.call(bytes, function (x) { return x >= 32 && x < 127; });
    if (text.replace(/[\0 ]/g, "") && printable) found.push([f[0], text.trim()]);
  });
  var h = function (i) { return (p[i] << 8) | p[i + 1]; };
  var pad = function (n, w) { return ("0000" + n).slice(-w); };
  if (h(24)) {
    found.push(["profile date", pad(h(24), 4) + ":" + pad(h(26), 2) + ":" + pad(h(28), 2) + " " +
      pad(h(30), 2) + ":" + pad(h(32), 2) + ":" + pad(h(34), 2)]);
  }
  return found;
};

function descTag(text) {
  var a = strBytes(text).concat([0]);
  return [].concat(strBytes("desc\0\0\0\0"), w32(a.length), a, new Array(8 + 3 + 67).fill(0));
}
function mlucTag(text) {
  var body = [];
  for (var i = 0; i < text.length; i++) body.push(text.charCodeAt(i) >> 8, text.charCodeAt(i) & 0xff);
  return [].concat(strBytes("mluc\0\0\0\0"), w32(1), w32(12), strBytes("enUS"), w32(body.length),
    w32(28), body);
}
function textLike(original, text) {
  var kind = original.length >= 4 ? sig(original, 0) : "";
  if (kind === "mluc") return mlucTag(text);
  if (kind === "text") return [].concat(strBytes("text\0\0\0\0"), strBytes(text), [0]);
  return descTag(text);
}

async function withId(p, hasId) {
  if (!hasId) return p;
  var work = new Uint8Array(p);
  work.fill(0, 44, 48); work.fill(0, 64, 68); work.fill(0, 84, 100);
  var hex = await window.hashwasm.md5(work), out = new Uint8Array(p);
  for (var i = 0; i < 16; i++) out[84 + i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

function anyNonZero(b, start, end) {
  for (var i = start; i < end; i++) if (b[i]) return true;
  return false;
}

/** A profile whose text tags `texts` hold new text (added if missing), `drop` removed. */
function replaceTexts(p, texts, drop) {
  var table = tagTable(p), present = table.map(function (t) { return t[0]; });
  Object.keys(texts).forEach(function (s) { if (present.indexOf(s) < 0) table.push([s, -1, 0]); });
  var kept = table.filter(function (t) { return drop.indexOf(t[0]) < 0; });
  var data = [], entries = [], placed = {}, pos = 128 + 4 + 12 * kept.length;
  kept.forEach(function (t, i) {
    var blob, key;
    if (Object.prototype.hasOwnProperty.call(texts, t[0])) {
      var original = t[1] >= 0 ? p.subarray(t[1], t[1] + t[2]) : strBytes(t[0] === "desc" ? "desc" : "text");
      blob = textLike(original, texts[t[0]]);
      key = "new" + i;
    } else {
      blob = Array.prototype.slice.call(p.subarray(t[1], t[1] + t[2]));
      key = t[1] + ":" + t[2];
    }
    if (!Object.prototype.hasOwnProperty.call(placed, key)) {
      var padding = (4 - (pos % 4)) % 4;
      for (var k = 0; k < padding; k++) data.push(0);
      pos += padding;
      placed[key] = [pos, blob.length];
      Array.prototype.push.apply(data, blob);
      pos += blob.length;
    }
    entries.push([t[0]].concat(placed[key]));
  });
  var out = Array.prototype.slice.call(p.subarray(0, 128)).concat(w32(entries.length));
  entries.forEach(function (e) { out = out.concat(strBytes(e[0]), w32(e[1]), w32(e[2])); });
  var result = new Uint8Array(out.length + data.length);
  result.set(out, 0);
  result.set(data, out.length);
  result.set(w32(result.length), 0);
  return result;
}

/**
 * The profile with its free text cleared; what changed is pushed onto `changes`.
 * A malformed profile is returned unchanged with a note.
 */
BL.cleanProfile = async function (p, changes) {
  var table = tagTable(p);
  if (!table.length) {
    changes.push(BL.t("the colour profile could not be read, so it was kept as it was"));
    return p;
  }
  var texts = {};
  table.forEach(function (t) {
    if (Object.prototype.hasOwnProperty.call(TEXT_TAGS, t[0])) texts[t[0]] = decodeText(p.subarray(t[1], t[1] + t[2]));
  });
  var wanted = { desc: BL.NEUTRAL_DESCRIPTION, cprt: "" }, found = [];
  var removedText = { dmnd: BL.t("colour profile device maker text removed"),
    dmdd: BL.t("colour profile device model text removed") };
  var clearedText = { desc: BL.t("colour profile description text cleared"),
    cprt: BL.t("colour profile copyright text cleared") };
  ["dmnd", "dmdd"].forEach(function (s) { if (s in texts) found.push(removedText[s]); });
  ["desc", "cprt"].forEach(function (s) {
    if (s in texts && texts[s] !== wanted[s]) found.push(clearedText[s]);
  });
  var header = BL.iccHeaderItems(p).map(function (x) { return BL.iccNameLabel(x[0]) || x[0]; });
  if (header.length) found.push(BL.t("colour profile header cleared ({fields})", { fields: header.join(", ") }));
  if (!found.length) return p;
  Array.prototype.push.apply(changes, found);
  var replace = {};
  ["desc", "cprt"].forEach(function (s) { if (s in texts) replace[s] = wanted[s]; });
  var out = replaceTexts(p, replace, ["dmnd", "dmdd"]);
  out.fill(0, 24, 36); // creation date
  out.fill(0, 48, 56); // device manufacturer and model
  out.fill(0, 80, 84); // creator program
  return withId(out, anyNonZero(p, 84, 100));
};
