/* Scrubbed copies of JPEG, PNG and WebP files, made at the level of the container
 * (segments and chunks), so the compressed image data is copied byte for byte and
 * never re-encoded. What is kept follows the Python scrubber
 * (coursekit/evidence/scrubber.py, png.py, icc.py):
 *
 * - JPEG: JFIF (APP0, thumbnail removed), the colour profile (APP2 ICC, its texts
 *   cleared), Adobe APP14 (needed to decode colours), the tables and frame headers,
 *   a new minimal EXIF holding only the orientation; everything from the first scan
 *   (SOS) to the end-of-image marker copied as it is. Every other APP segment,
 *   comment and anything after the end is dropped.
 * - PNG: IHDR, PLTE, IDAT (byte for byte), tRNS and the colour chunks; the ICC
 *   profile with its texts cleared; a new minimal eXIf with the orientation.
 *   Text chunks (and the XMP in them), eXIf, tIME, private chunks and bytes after
 *   IEND are dropped.
 * - WebP: VP8/VP8L/ALPH kept byte for byte; ICCP kept with its texts cleared; EXIF,
 *   XMP and any other chunk dropped; the VP8X flags and the RIFF size fixed.
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

function ScrubError(message) { this.message = message; }
ScrubError.prototype = Object.create(Error.prototype);
ScrubError.prototype.name = "ScrubError";
BL.ScrubError = ScrubError;

function u16be(b, i) { return (b[i] << 8) | b[i + 1]; }
function u32be(b, i) { return ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3]; }
function u32le(b, i) { return b[i] + (b[i + 1] << 8) + (b[i + 2] << 16) + ((b[i + 3] << 24) >>> 0); }
function ascii(b, start, end) { return String.fromCharCode.apply(null, b.subarray(start, end)); }
function concat(parts) {
  var total = 0;
  parts.forEach(function (p) { total += p.length; });
  var out = new Uint8Array(total), pos = 0;
  parts.forEach(function (p) { out.set(p, pos); pos += p.length; });
  return out;
}
function bytesOf(text) {
  var out = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
function be16(n) { return new Uint8Array([(n >> 8) & 0xff, n & 0xff]); }
function be32(n) { return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]); }
function le32(n) { return new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]); }
BL.bytesEqual = function (a, b) {
  if (a.length !== b.length) return false;
  for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Which of the three formats the bytes are (by content, not by name), or null. */
BL.sniff = function (b) {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "JPEG";
  if (b.length > 8 && ascii(b, 0, 8) === "\x89PNG\r\n\x1a\n") return "PNG";
  if (b.length > 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "WebP";
  if (b.length > 12 && ascii(b, 4, 8) === "ftyp") return "HEIF";
  return null;
};

// --- JPEG ----------------------------------------------------------------------------

/** The JPEG container: segments before the first scan, the scan data, what follows. */
BL.jpegLayout = function (b) {
  var n = b.length, pos = 2, segments = [], scanStart = -1;
  if (!(b[0] === 0xff && b[1] === 0xd8)) throw new ScrubError(BL.t("it does not start like a JPEG"));
  for (;;) {
    if (pos + 2 > n) throw new ScrubError(BL.t("it is cut short in its header (byte {pos})", { pos: pos }));
    if (b[pos] !== 0xff) throw new ScrubError(BL.t("it holds data where a marker should be (byte {pos})", { pos: pos }));
    var marker = b[pos + 1];
    if (marker === 0xff) { pos += 1; continue; }
    if (marker === 0xd9 || (marker >= 0xd0 && marker <= 0xd8) || marker === 0x01) {
      throw new ScrubError(BL.t("it has an unexpected marker at byte {pos}", { pos: pos }));
    }
    if (pos + 4 > n) throw new ScrubError(BL.t("it is cut short in a segment header (byte {pos})", { pos: pos }));
    var end = pos + 2 + u16be(b, pos + 2);
    if (end > n || end < pos + 4) throw new ScrubError(BL.t("a segment at byte {pos} runs past the end", { pos: pos }));
    if (marker === 0xda) { scanStart = pos; pos = end; break; }
    segments.push({ marker: marker, start: pos, end: end });
    pos = end;
  }
  var between = [];
  for (;;) {
    var i = b.indexOf(0xff, pos);
    if (i < 0 || i + 1 >= n) throw new ScrubError(BL.t("the image data is cut short (no end-of-image marker)"));
    var m = b[i + 1];
    if (m === 0x00 || (m >= 0xd0 && m <= 0xd7)) pos = i + 2;
    else if (m === 0xff) pos = i + 1;
    else if (m === 0xd9) {
      return { segments: segments, scanStart: scanStart, scanEnd: i + 2, between: between,
        trailing: n - (i + 2) };
    } else {
      if (i + 4 > n) throw new ScrubError(BL.t("it is cut short inside the image data"));
      var e = i + 2 + u16be(b, i + 2);
      if (e > n || e < i + 4) throw new ScrubError(BL.t("a segment at byte {pos} runs past the end", { pos: i }));
      between.push(m);
      pos = e;
    }
  }
};

/** The compressed image data of a JPEG: from the first SOS marker through EOI. */
BL.jpegImageData = function (b) {
  var layout = BL.jpegLayout(b);
  return b.subarray(layout.scanStart, layout.scanEnd);
};

/** The orientation (1-8) in a TIFF/EXIF block, or null. `t` starts at "II*\0"/"MM\0*". */
function tiffOrientation(t) {
  if (t.length < 8) return null;
  var le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return null;
  var r16 = function (i) { return le ? t[i] | (t[i + 1] << 8) : (t[i] << 8) | t[i + 1]; };
  var r32 = function (i) { return le ? u32le(t, i) : u32be(t, i); };
  var ifd = r32(4);
  if (ifd + 2 > t.length) return null;
  var count = r16(ifd);
  for (var k = 0; k < count; k++) {
    var at = ifd + 2 + 12 * k;
    if (at + 12 > t.length) return null;
    if (r16(at) === 0x0112 && r16(at + 2) === 3) {
      var v = r16(at + 8);
      return v >= 1 && v <= 8 ? v : null;
    }
  }
  return null;
}
BL.tiffOrientation = tiffOrientation;

/** A new EXIF (TIFF) block holding only the orientation, big-endian, one IFD entry. */
function orientationTiff(orientation) {
  return concat([bytesOf("MM\x00\x2a"), be32(8), be16(1), be16(0x0112), be16(3), be32(1),
    be16(orientation), be16(0), be32(0)]);
}

var ICC_JPEG = "ICC_PROFILE\x00";

function jpegIccSegments(profile) {
  var size = 65519 - ICC_JPEG.length - 2, parts = [];
  for (var i = 0; i < profile.length; i += size) parts.push(profile.subarray(i, i + size));
  if (!parts.length) parts.push(new Uint8Array(0));
  return parts.map(function (part, idx) {
    return concat([new Uint8Array([0xff, 0xe2]), be16(ICC_JPEG.length + 4 + part.length),
      bytesOf(ICC_JPEG), new Uint8Array([idx + 1, parts.length]), part]);
  });
}

async function scrubJpeg(b, notes) {
  var layout = BL.jpegLayout(b);
  if (layout.between.some(function (m) { return (m >= 0xe0 && m <= 0xef) || m === 0xfe; })) {
    throw new ScrubError(BL.t("it has metadata between its image scans, so it cannot be cleaned without re-encoding the picture"));
  }
  var jfif = null, orientation = null, kept = [], iccParts = [], iccAt = null;
  layout.segments.forEach(function (seg) {
    var raw = b.subarray(seg.start, seg.end), payload = raw.subarray(4);
    if (seg.marker === 0xe0) {
      if (jfif === null && ascii(payload, 0, 5) === "JFIF\x00" && payload.length >= 14) {
        var body = concat([payload.subarray(0, 12), new Uint8Array([0, 0])]);
        jfif = concat([new Uint8Array([0xff, 0xe0]), be16(body.length + 2), body]);
      }
    } else if (seg.marker === 0xe1) {
      if (orientation === null && ascii(payload, 0, 6) === "Exif\x00\x00") {
        orientation = tiffOrientation(payload.subarray(6));
      }
    } else if (seg.marker === 0xe2) {
      if (ascii(payload, 0, 12) === ICC_JPEG) {
        if (iccAt === null) iccAt = kept.length;
        iccParts.push([payload.length > 12 ? payload[12] : 0, payload.subarray(14)]);
      }
    } else if (seg.marker === 0xee) {
      if (ascii(payload, 0, 5) === "Adobe") kept.push(raw);
    } else if ((seg.marker >= 0xe0 && seg.marker <= 0xef) || seg.marker === 0xfe) {
      // every other application segment and every comment is dropped
    } else {
      kept.push(raw); // tables and frame headers: DQT, DHT, SOFn, DRI...
    }
  });
  if (iccParts.length) {
    iccParts.sort(function (x, y) { return x[0] - y[0]; });
    var cleaned = await BL.cleanProfile(concat(iccParts.map(function (p) { return p[1]; })), notes);
    Array.prototype.splice.apply(kept, [iccAt, 0].concat(jpegIccSegments(cleaned)));
  }
  var exif = new Uint8Array(0);
  if (orientation !== null) {
    var tiff = concat([bytesOf("Exif\x00\x00"), orientationTiff(orientation)]);
    exif = concat([new Uint8Array([0xff, 0xe1]), be16(tiff.length + 2), tiff]);
  }
  if (layout.trailing) notes.push(BL.t("removed {n} bytes after the end of the image", { n: layout.trailing }));
  return concat([new Uint8Array([0xff, 0xd8]), jfif || new Uint8Array(0), exif].concat(kept)
    .concat([b.subarray(layout.scanStart, layout.scanEnd)]));
}

// --- PNG -----------------------------------------------------------------------------

var CRC_TABLE = (function () {
  var table = new Uint32Array(256);
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
function crc32(bytes) {
  var c = 0xffffffff;
  for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

var PNG_KEEP = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "pHYs",
  "bKGD", "iCCP", "cICP", "mDCv", "cLLi"];
BL.PNG_KEEP = PNG_KEEP;

/** Every chunk of a PNG, checksums checked: [{type, data, start, end}], trailing bytes apart. */
BL.pngChunks = function (b) {
  if (BL.sniff(b) !== "PNG") throw new ScrubError(BL.t("it does not start like a PNG"));
  var pos = 8, out = [];
  for (;;) {
    if (pos + 12 > b.length) throw new ScrubError(BL.t("it is cut short at byte {pos} (no IEND chunk)", { pos: pos }));
    var length = u32be(b, pos), type = ascii(b, pos + 4, pos + 8), end = pos + 12 + length;
    if (end > b.length) throw new ScrubError(BL.t("the {type} chunk at byte {pos} runs past the end", { type: type, pos: pos }));
    var data = b.subarray(pos + 8, pos + 8 + length);
    if (crc32(b.subarray(pos + 4, pos + 8 + length)) !== u32be(b, end - 4)) {
      throw new ScrubError(BL.t("the {type} chunk at byte {pos} is damaged (its checksum does not match)", { type: type, pos: pos }));
    }
    out.push({ type: type, data: data, start: pos, end: end });
    pos = end;
    if (type === "IEND") return { chunks: out, trailing: b.length - pos };
  }
};

function pngChunk(type, data) {
  var typed = concat([bytesOf(type), data]);
  return concat([be32(data.length), typed, be32(crc32(typed))]);
}

/** The PNG's compressed image data: its IDAT chunks, concatenated. */
BL.pngImageData = function (b) {
  return concat(BL.pngChunks(b).chunks.filter(function (c) { return c.type === "IDAT"; })
    .map(function (c) { return c.data; }));
};

async function streamThrough(bytes, stream) {
  var out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}
BL.inflate = function (bytes) { return streamThrough(bytes, new DecompressionStream("deflate")); };
BL.deflate = function (bytes) { return streamThrough(bytes, new CompressionStream("deflate")); };

async function scrubPng(b, notes) {
  var parsed = BL.pngChunks(b), out = [bytesOf("\x89PNG\r\n\x1a\n")], dropped = {};
  var orientation = null;
  parsed.chunks.forEach(function (c) {
    if (c.type === "eXIf" && orientation === null) orientation = tiffOrientation(c.data);
  });
  for (var i = 0; i < parsed.chunks.length; i++) {
    var c = parsed.chunks[i];
    if (c.type === "iCCP") {
      var zero = c.data.indexOf(0), profile = null;
      try { profile = await BL.inflate(c.data.subarray(zero + 2)); } catch (err) { profile = null; }
      if (zero < 0 || profile === null) {
        notes.push(BL.t("the colour profile was unreadable and was removed"));
        continue;
      }
      var changes = [], cleaned = await BL.cleanProfile(profile, changes);
      Array.prototype.push.apply(notes, changes);
      if (ascii(c.data, 0, zero) !== "ICC profile" || changes.length) {
        out.push(pngChunk("iCCP", concat([bytesOf("ICC profile\x00\x00"), await BL.deflate(cleaned)])));
      } else {
        out.push(b.subarray(c.start, c.end));
      }
    } else if (PNG_KEEP.indexOf(c.type) >= 0) {
      out.push(b.subarray(c.start, c.end));
    } else if (["tEXt", "zTXt", "iTXt", "eXIf", "tIME"].indexOf(c.type) < 0) {
      dropped[c.type] = true;
    }
    if (c.type === "IHDR" && orientation !== null && orientation !== 1) {
      out.push(pngChunk("eXIf", orientationTiff(orientation)));
    }
  }
  if (parsed.trailing) notes.push(BL.t("removed {n} bytes after the end of the image", { n: parsed.trailing }));
  var names = Object.keys(dropped).sort();
  if (names.length) notes.push(BL.t("removed chunks {names} (private or unknown data)", { names: names.join(", ") }));
  return concat(out);
}

// --- WebP ----------------------------------------------------------------------------

/** The RIFF chunks of a WebP file: [{fourcc, data, start, end}] (end includes padding). */
BL.webpChunks = function (b) {
  if (BL.sniff(b) !== "WebP") throw new ScrubError(BL.t("it does not start like a WebP file"));
  var end = Math.min(b.length, 8 + u32le(b, 4)), pos = 12, out = [];
  while (pos + 8 <= end) {
    var fourcc = ascii(b, pos, pos + 4), size = u32le(b, pos + 4);
    if (pos + 8 + size > b.length) throw new ScrubError(BL.t("the {fourcc} chunk runs past the end of the file", { fourcc: fourcc }));
    var next = pos + 8 + size + (size % 2);
    out.push({ fourcc: fourcc, data: b.subarray(pos + 8, pos + 8 + size), start: pos,
      end: Math.min(next, b.length) });
    pos = next;
  }
  if (!out.length) throw new ScrubError(BL.t("it holds no image"));
  return out;
};

/** The WebP's image data: its ALPH, VP8 and VP8L chunks as stored. */
BL.webpImageData = function (b) {
  return concat(BL.webpChunks(b).filter(function (c) {
    return ["VP8 ", "VP8L", "ALPH"].indexOf(c.fourcc) >= 0;
  }).map(function (c) { return b.subarray(c.start, c.start + 8 + c.data.length); }));
};

function riffChunk(fourcc, data) {
  var parts = [bytesOf(fourcc), le32(data.length), data];
  if (data.length % 2) parts.push(new Uint8Array(1));
  return concat(parts);
}

async function scrubWebp(b, notes) {
  var chunks = BL.webpChunks(b), body = [], flags = 0, vp8x = null, hasIcc = false;
  if (chunks.some(function (c) { return c.fourcc === "ANIM" || c.fourcc === "ANMF"; })) {
    throw new ScrubError(BL.t("it is an animation; only single pictures can be cleaned here"));
  }
  for (var i = 0; i < chunks.length; i++) {
    var c = chunks[i];
    if (c.fourcc === "VP8X") {
      vp8x = new Uint8Array(c.data);
      body.push(null); // placeholder: written once the flags are known
    } else if (c.fourcc === "ICCP") {
      var changes = [], cleaned = await BL.cleanProfile(c.data, changes);
      Array.prototype.push.apply(notes, changes);
      body.push(riffChunk("ICCP", cleaned));
      hasIcc = true;
    } else if (["VP8 ", "VP8L", "ALPH"].indexOf(c.fourcc) >= 0) {
      body.push(riffChunk(c.fourcc, c.data));
      if (c.fourcc === "ALPH") flags |= 0x10;
    } else if (c.fourcc !== "EXIF" && c.fourcc !== "XMP ") {
      notes.push(BL.t("removed the {fourcc} chunk (private or unknown data)", { fourcc: c.fourcc.trim() }));
    }
  }
  if (vp8x) {
    vp8x[0] = (vp8x[0] & 0x10) | flags | (hasIcc ? 0x20 : 0); // ICC, alpha; no EXIF, XMP, animation
    body[body.indexOf(null)] = riffChunk("VP8X", vp8x);
  }
  var content = concat(body.filter(function (x) { return x !== null; }));
  return concat([bytesOf("RIFF"), le32(content.length + 4), bytesOf("WEBP"), content]);
}

// --- everything together -------------------------------------------------------------

/**
 * A scrubbed copy of an image's bytes. Resolves to {format, bytes, notes}; rejects with a
 * ScrubError (plain message) for a file that is not a JPEG, PNG or WebP, or is damaged.
 */
BL.scrubBytes = async function (b) {
  var format = BL.sniff(b), notes = [], out;
  if (format === "HEIF") {
    throw new ScrubError(BL.t("it is a HEIC/HEIF photo (the iPhone's usual format); this page cleans JPEG, PNG and WebP, and the course's toolkit on a computer cleans HEIC"));
  }
  if (format === "JPEG") out = await scrubJpeg(b, notes);
  else if (format === "PNG") out = await scrubPng(b, notes);
  else if (format === "WebP") out = await scrubWebp(b, notes);
  else throw new ScrubError(BL.t("it is not a JPEG, PNG or WebP picture (whatever its name says)"));
  return { format: format, bytes: out, notes: notes };
};

/** The image data that must stay identical, for each format. */
BL.imageData = function (format, b) {
  if (format === "JPEG") return BL.jpegImageData(b);
  if (format === "PNG") return BL.pngImageData(b);
  return BL.webpImageData(b);
};

/**
 * Read a scrubbed copy again, from its own bytes: list everything that should not be
 * there (container walk plus exifr and the metadata reader). Resolves to a list of texts.
 */
BL.leftovers = async function (format, b) {
  var found = [];
  if (format === "JPEG") {
    var layout = BL.jpegLayout(b);
    if (layout.trailing) found.push(BL.t("{n} bytes after the end of the image", { n: layout.trailing }));
    layout.segments.forEach(function (s) {
      var p = b.subarray(s.start + 4, s.end);
      if (s.marker === 0xfe) found.push(BL.t("a comment segment"));
      else if (s.marker === 0xe1 && ascii(p, 0, 6) !== "Exif\x00\x00") found.push(BL.t("an APP1 segment (XMP or other)"));
      else if (s.marker >= 0xe3 && s.marker <= 0xef && s.marker !== 0xee) {
        found.push(BL.t("an APP{n} segment", { n: s.marker - 0xe0 }));
      }
    });
  } else if (format === "PNG") {
    var parsed = BL.pngChunks(b);
    if (parsed.trailing) found.push(BL.t("bytes after the end of the image"));
    parsed.chunks.forEach(function (c) {
      if (PNG_KEEP.indexOf(c.type) < 0 && c.type !== "eXIf") found.push(BL.t("a {type} chunk", { type: c.type }));
    });
  } else {
    BL.webpChunks(b).forEach(function (c) {
      if (["VP8X", "VP8 ", "VP8L", "ALPH", "ICCP"].indexOf(c.fourcc) < 0) {
        found.push(BL.t("a {type} chunk", { type: c.fourcc.trim() }));
      }
    });
  }
  var meta = await BL.readMetadata(b);
  meta.items.forEach(function (item) {
    if (item.category !== BL.OTHER) found.push(BL.t("{category}: {name}", { category: BL.categoryLabel(item.category), name: item.name }));
  });
  if (meta.positions.length) found.push(BL.t("a GPS position"));
  if (meta.hasThumbnail) found.push(BL.t("an embedded preview image"));
  return found;
};
