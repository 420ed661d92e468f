/* What a photo file says about itself, sorted into the categories of the CLI's `meta`
 * (coursekit/evidence/metadata.py): location, device, people, time, comments, other.
 *
 * The container (JPEG segments, PNG chunks, WebP chunks) is walked here so that every
 * EXIF block is read (a second EXIF block can hide a GPS position), and every XMP packet,
 * IPTC block, comment, text chunk and colour-profile text is listed. The EXIF and IPTC
 * blocks themselves are decoded by exifr; XMP is parsed as XML by the browser's own
 * DOMParser (which never loads anything from outside).
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

BL.LOCATION = "Location (GPS)";
BL.DEVICE = "Device";
BL.PEOPLE = "People";
BL.TIME = "Time";
BL.COMMENTS = "Comments and descriptions";
BL.OTHER = "Other";
BL.CATEGORIES = [BL.LOCATION, BL.DEVICE, BL.PEOPLE, BL.TIME, BL.COMMENTS, BL.OTHER];

/** A category as the reader sees it (the values above stay English: code compares them). */
BL.categoryLabel = function (category) {
  var labels = {};
  labels[BL.LOCATION] = BL.t("Location (GPS)");
  labels[BL.DEVICE] = BL.t("Device");
  labels[BL.PEOPLE] = BL.t("People");
  labels[BL.TIME] = BL.t("Time");
  labels[BL.COMMENTS] = BL.t("Comments and descriptions");
  labels[BL.OTHER] = BL.t("Other");
  return Object.prototype.hasOwnProperty.call(labels, category) ? labels[category] : category;
};

function set(words) { var s = {}; words.split(" ").forEach(function (w) { s[w] = true; }); return s; }
var LOCATION_NAMES = set("City State Country CountryCode Location Sublocation Sub-location " +
  "Province-State Country-PrimaryLocationName Country-PrimaryLocationCode WorldRegion " +
  "ProvinceState CountryName LocationShown LocationCreated CiAdrCity CiAdrCtry CiAdrExtadr " +
  "CiAdrPcode CiAdrRegion location ISO6709");
var DEVICE_NAMES = set("Make Model BodySerialNumber CameraSerialNumber SerialNumber " +
  "LensSerialNumber LensMake LensModel Lens InternalSerialNumber Software HostComputer " +
  "ImageUniqueID MakerNote CreatorTool softwareAgent OriginatingProgram ProgramVersion encoder " +
  "make model software Source");
["profile creator", "device manufacturer", "device maker", "device model"].forEach(function (n) { DEVICE_NAMES[n] = true; });
var PEOPLE_NAMES = set("Artist Copyright CameraOwnerName OwnerName Owner XPAuthor creator rights " +
  "CopyrightNotice By-line By-lineTitle Credit Contact Writer-Editor CaptionWriter " +
  "AuthorsPosition Author PersonInImage CiEmailWork CiTelWork CiUrlWork copyright artist author " +
  "Marked WebStatement UsageTerms contributor publisher Byline BylineTitle");
var TIME_NAMES = set("DateTime DateTimeOriginal DateTimeDigitized OffsetTime OffsetTimeOriginal " +
  "OffsetTimeDigitized SubsecTime SubsecTimeOriginal SubsecTimeDigitized SubSecTime " +
  "SubSecTimeOriginal SubSecTimeDigitized PreviewDateTime CreateDate ModifyDate MetadataDate " +
  "DateCreated TimeCreated DigitalCreationDate DigitalCreationTime when tIME creation_time date " +
  "DateTimeCreated");
["Creation Time", "profile date"].forEach(function (n) { TIME_NAMES[n] = true; });
var COMMENT_NAMES = set("ImageDescription UserComment XPComment XPTitle XPSubject XPKeywords " +
  "description title subject Headline Instructions SpecialInstructions Caption-Abstract " +
  "ObjectName Keywords Comment COM Label Description Title Disclaimer Warning comment Category " +
  "SupplementalCategories Event Scene Caption");

/** The privacy category of an item, judged by its (last, local) name, as the CLI does. */
BL.categoryOf = function (name) {
  var local = name.split("/").pop().split(":").pop();
  var has = function (s, k) { return Object.prototype.hasOwnProperty.call(s, k); };
  if (local.indexOf("GPS") === 0 || has(LOCATION_NAMES, local) || /location/i.test(local)) return BL.LOCATION;
  if (has(PEOPLE_NAMES, local) || has(PEOPLE_NAMES, name)) return BL.PEOPLE;
  if (has(DEVICE_NAMES, local) || has(DEVICE_NAMES, name) || local.indexOf("Serial") >= 0) return BL.DEVICE;
  if (has(TIME_NAMES, local) || has(TIME_NAMES, name)) return BL.TIME;
  if (has(COMMENT_NAMES, local) || has(COMMENT_NAMES, name)) return BL.COMMENTS;
  return BL.OTHER;
};

/** Tags that describe the pixel layout or are pointers: not worth showing. */
var STRUCTURAL = set("ImageWidth ImageHeight BitsPerSample Compression PhotometricInterpretation " +
  "StripOffsets SamplesPerPixel RowsPerStrip StripByteCounts PlanarConfiguration " +
  "ThumbnailOffset ThumbnailLength JPEGInterchangeFormat JPEGInterchangeFormatLength " +
  "ExifIFDPointer GPSInfoIFDPointer InteropIFDPointer ExifIFD GPSIFD InteropIFD " +
  "TileWidth TileLength TileOffsets TileByteCounts YCbCrSubSampling");

function item(group, name, value, category) {
  return { group: group, name: name, value: value,
    category: category || (/GPS$/.test(group) ? BL.LOCATION : BL.categoryOf(name)) };
}

function latin1(b) { var s = ""; for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]); return s; }
function u16be(b, i) { return (b[i] << 8) | b[i + 1]; }
function u32be(b, i) { return ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3]; }
function u32le(b, i) { return b[i] + (b[i + 1] << 8) + (b[i + 2] << 16) + ((b[i + 3] << 24) >>> 0); }

/** A tag value as short readable text. */
function valueText(name, v) {
  if (v instanceof Uint8Array || Array.isArray(v) && v.length && typeof v[0] === "number" && /^XP/.test(name)) {
    var b = v instanceof Uint8Array ? v : new Uint8Array(v);
    if (/^XP/.test(name)) return new TextDecoder("utf-16le").decode(b).replace(/\0+$/, "");
    if (name === "UserComment" || name === "userComment") {
      var head = latin1(b.subarray(0, 8));
      var body = b.subarray(8);
      var text = /^UNICODE/.test(head) ? new TextDecoder("utf-16be").decode(body) : latin1(body);
      return text.replace(/[\0 ]+$/, "");
    }
    if (name === "ExifVersion" || name === "FlashpixVersion") return latin1(b);
    if (b.length === 1) return String(b[0]);
    return BL.t("<{n} bytes of data>", { n: b.length });
  }
  if (Array.isArray(v)) return v.map(function (x) { return valueText(name, x); }).join(", ");
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return String(v).replace(/\0+$/, "");
}

function dms(parts, ref) {
  if (!Array.isArray(parts) || parts.length < 1) return null;
  var deg = Number(parts[0]) + Number(parts[1] || 0) / 60 + Number(parts[2] || 0) / 3600;
  if (!isFinite(deg)) return null;
  return /^[SW]/i.test(String(ref || "")) ? -deg : deg;
}

/** An XMP GPS coordinate such as "10,30.0N" or "10,30,15N" or "-30.25", as degrees. */
function xmpDegrees(text) {
  var m = /^\s*(-?\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])?\s*$/i.exec(text || "");
  if (!m) return null;
  var deg = Math.abs(+m[1]) + (m[2] ? +m[2] / 60 : 0) + (m[3] ? +m[3] / 3600 : 0);
  return (/^-/.test(m[1]) || /[SW]/i.test(m[4] || "")) ? -deg : deg;
}

var EXIFR_OPTIONS = { tiff: true, ifd0: true, exif: true, gps: true, ifd1: true, interop: false,
  xmp: false, iptc: false, icc: false, jfif: false, ihdr: false, makerNote: false,
  userComment: true, mergeOutput: false, reviveValues: false, translateValues: false,
  translateKeys: true, sanitize: true };

/** Decode one EXIF (TIFF) block with exifr and add its items and position. */
async function readExif(tiff, group, out) {
  var parsed;
  try {
    parsed = await window.exifr.parse(tiff, EXIFR_OPTIONS);
  } catch (err) {
    out.notes.push(BL.t("an EXIF block ({group}) is damaged and could not be read in full", { group: group }));
    return;
  }
  if (!parsed) return;
  var blocks = { ifd0: "", exif: "", gps: "GPS", interop: "Interop" };
  Object.keys(parsed).forEach(function (block) {
    var data = parsed[block];
    if (block === "ifd1") {
      if (data && (data.ThumbnailOffset || data.JPEGInterchangeFormat || data.ThumbnailLength)) out.hasThumbnail = true;
      return;
    }
    if (block === "userComment") {
      var text = valueText("UserComment", data);
      if (text) out.items.push(item(group, "UserComment", text));
      return;
    }
    if (!data || typeof data !== "object" || data instanceof Uint8Array) return;
    var where = blocks[block] === "GPS" ? (group === "EXIF" ? "GPS" : group + " GPS") : group;
    Object.keys(data).forEach(function (name) {
      if (STRUCTURAL[name] || name === "latitude" || name === "longitude") return;
      var text = valueText(name, data[name]);
      if (text === "" && name !== "UserComment") return;
      out.items.push(item(where, name, text, block === "gps" ? BL.LOCATION : undefined));
    });
    if (block === "gps") {
      var lat = dms(data.GPSLatitude, data.GPSLatitudeRef), lon = dms(data.GPSLongitude, data.GPSLongitudeRef);
      if (lat !== null && lon !== null) out.positions.push({ group: where, latitude: lat, longitude: lon });
    }
  });
}

/** Every property of an XMP packet, parsed as XML: attributes and leaf elements. */
function readXmp(text, group, out) {
  var doc = new DOMParser().parseFromString(text.replace(/^[^<]*/, "").replace(/\0+$/, ""), "application/xml");
  if (doc.getElementsByTagName("parsererror").length) {
    out.items.push(item(group, "XMP packet", BL.t("present, but not well-formed XML ({n} characters)", { n: text.length }), BL.COMMENTS));
    return;
  }
  var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", found = {}, lat = null, lon = null;
  var skipNs = { "http://www.w3.org/2000/xmlns/": true, "adobe:ns:meta/": true };
  function add(name, value) {
    value = (value || "").trim();
    if (!value) return;
    out.items.push(item(group, name, value));
    var local = name.split(":").pop();
    if (local === "GPSLatitude") lat = xmpDegrees(value);
    if (local === "GPSLongitude") lon = xmpDegrees(value);
  }
  var all = doc.getElementsByTagName("*");
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    if (el.namespaceURI === RDF && el.localName === "Description") {
      for (var a = 0; a < el.attributes.length; a++) {
        var attr = el.attributes[a];
        if (attr.namespaceURI && !skipNs[attr.namespaceURI] && attr.namespaceURI !== RDF) add(attr.name, attr.value);
      }
      continue;
    }
    if (el.namespaceURI === RDF || skipNs[el.namespaceURI]) continue;
    var leaves = el.getElementsByTagNameNS(RDF, "li");
    if (leaves.length) {
      var values = [];
      for (var k = 0; k < leaves.length; k++) if (leaves[k].textContent.trim()) values.push(leaves[k].textContent.trim());
      add(el.tagName, values.join("; "));
      found[el.tagName] = true;
    } else if (!el.children.length && !found[el.tagName]) {
      add(el.tagName, el.textContent);
    }
  }
  if (lat !== null && lon !== null) out.positions.push({ group: group, latitude: lat, longitude: lon });
}

/** Colour-profile texts and header items (description, copyright, device, maker, date). */
function readIcc(profile, out) {
  BL.iccDescribe(profile).forEach(function (d) {
    var neutral = d[1] === BL.NEUTRAL_DESCRIPTION || d[1] === "";
    var found = BL.categoryOf(d[0]);
    out.items.push(item("ICC profile", d[0], d[1], neutral ? BL.OTHER : (found === BL.OTHER ? BL.COMMENTS : found)));
  });
  BL.iccHeaderItems(profile).forEach(function (h) { out.items.push(item("ICC profile", h[0], h[1])); });
}

async function readIptc(segment, out) {
  var mini = new Uint8Array(segment.length + 4);
  mini.set([0xff, 0xd8], 0); mini.set(segment, 2); mini.set([0xff, 0xd9], segment.length + 2);
  try {
    var parsed = await window.exifr.parse(mini, { tiff: false, iptc: true, mergeOutput: false,
      reviveValues: false, translateValues: false });
    var data = parsed && (parsed.iptc || parsed);
    Object.keys(data || {}).forEach(function (name) {
      if (name === "iptc") return;
      out.items.push(item("IPTC", name, valueText(name, data[name])));
    });
  } catch (err) {
    out.notes.push(BL.t("an IPTC block is damaged and could not be read"));
  }
  if (!out.items.some(function (x) { return x.group === "IPTC"; })) {
    out.items.push(item("IPTC", "IPTC/Photoshop block", BL.t("{n} bytes (captions, names or places may be inside)", { n: segment.length }), BL.COMMENTS));
  }
}

async function readJpeg(b, out) {
  var layout = BL.jpegLayout(b), exifCount = 0, icc = [];
  out.width = out.height = null;
  for (var i = 0; i < layout.segments.length; i++) {
    var s = layout.segments[i], p = b.subarray(s.start + 4, s.end);
    if (s.marker === 0xe1 && latin1(p.subarray(0, 6)) === "Exif\0\0") {
      exifCount += 1;
      await readExif(p.subarray(6), exifCount === 1 ? "EXIF" : "EXIF block " + exifCount, out);
    } else if (s.marker === 0xe1 && latin1(p.subarray(0, 29)) === "http://ns.adobe.com/xap/1.0/\0") {
      readXmp(new TextDecoder().decode(p.subarray(29)), "XMP", out);
    } else if (s.marker === 0xe1 && latin1(p.subarray(0, 35)) === "http://ns.adobe.com/xmp/extension/\0") {
      out.items.push(item("XMP", "extended XMP", BL.t("{n} more bytes of XMP", { n: p.length - 75 }), BL.COMMENTS));
    } else if (s.marker === 0xe2 && latin1(p.subarray(0, 12)) === "ICC_PROFILE\0") {
      icc.push([p[12], p.subarray(14)]);
    } else if (s.marker === 0xed) {
      await readIptc(b.subarray(s.start, s.end), out);
    } else if (s.marker === 0xfe) {
      out.items.push(item("JPEG comment", "Comment", new TextDecoder().decode(p), BL.COMMENTS));
    } else if (s.marker >= 0xc0 && s.marker <= 0xcf && s.marker !== 0xc4 && s.marker !== 0xc8 && s.marker !== 0xcc) {
      out.height = u16be(p, 1); out.width = u16be(p, 3);
    } else if (s.marker >= 0xe3 && s.marker <= 0xef && s.marker !== 0xee) {
      out.items.push(item("JPEG APP" + (s.marker - 0xe0), "application data", BL.t("{n} bytes (camera or program data; may hold a serial number or a preview)", { n: p.length })));
    }
  }
  if (icc.length) {
    icc.sort(function (x, y) { return x[0] - y[0]; });
    var total = 0, k;
    for (k = 0; k < icc.length; k++) total += icc[k][1].length;
    var profile = new Uint8Array(total), pos = 0;
    for (k = 0; k < icc.length; k++) { profile.set(icc[k][1], pos); pos += icc[k][1].length; }
    readIcc(profile, out);
  }
  if (layout.trailing) out.notes.push(BL.t("{n} bytes follow the end of the picture (they can hold another image)", { n: layout.trailing }));
}

async function readPng(b, out) {
  var parsed = BL.pngChunks(b);
  for (var i = 0; i < parsed.chunks.length; i++) {
    var c = parsed.chunks[i], d = c.data;
    if (c.type === "IHDR") { out.width = u32be(d, 0); out.height = u32be(d, 4); }
    else if (c.type === "eXIf") await readExif(d, "EXIF", out);
    else if (c.type === "tEXt" || c.type === "zTXt" || c.type === "iTXt") {
      var zero = d.indexOf(0), key = latin1(d.subarray(0, zero)), rest = d.subarray(zero + 1), text;
      try {
        if (c.type === "tEXt") text = latin1(rest);
        else if (c.type === "zTXt") text = latin1(await BL.inflate(rest.subarray(1)));
        else {
          var flag = rest[0], r = rest.subarray(2);
          r = r.subarray(r.indexOf(0) + 1); r = r.subarray(r.indexOf(0) + 1);
          text = new TextDecoder().decode(flag === 1 ? await BL.inflate(r) : r);
        }
      } catch (err) { text = BL.t("<unreadable compressed text>"); }
      if (key === "XML:com.adobe.xmp") readXmp(text, "XMP", out);
      else if (key === "Raw profile type exif" || key === "Raw profile type APP1") {
        out.items.push(item("PNG text", key, BL.t("an EXIF block stored as text ({n} characters)", { n: text.length }), BL.COMMENTS));
      } else {
        var cat = BL.categoryOf(key);
        out.items.push(item("PNG text", key, text, cat === BL.OTHER ? BL.COMMENTS : cat));
      }
    } else if (c.type === "tIME" && d.length === 7) {
      var pad = function (n) { return (n < 10 ? "0" : "") + n; };
      out.items.push(item("PNG", "tIME", u16be(d, 0) + "-" + pad(d[2]) + "-" + pad(d[3]) + " " + pad(d[4]) + ":" + pad(d[5]) + ":" + pad(d[6]), BL.TIME));
    } else if (c.type === "iCCP") {
      try { readIcc(await BL.inflate(d.subarray(d.indexOf(0) + 2)), out); } catch (err) { out.notes.push(BL.t("the colour profile could not be read")); }
    } else if (BL.PNG_KEEP.indexOf(c.type) < 0) {
      out.items.push(item("PNG chunk", c.type, BL.t("{n} bytes of private or unknown data", { n: d.length })));
    }
  }
  if (parsed.trailing) out.notes.push(BL.t("{n} bytes follow the end of the picture", { n: parsed.trailing }));
}

async function readWebp(b, out) {
  var chunks = BL.webpChunks(b);
  for (var i = 0; i < chunks.length; i++) {
    var c = chunks[i], d = c.data;
    if (c.fourcc === "VP8X" && d.length >= 10) {
      out.width = 1 + d[4] + (d[5] << 8) + (d[6] << 16); out.height = 1 + d[7] + (d[8] << 8) + (d[9] << 16);
    } else if (c.fourcc === "VP8 " && d.length >= 10 && out.width === null) {
      out.width = (d[6] | (d[7] << 8)) & 0x3fff; out.height = (d[8] | (d[9] << 8)) & 0x3fff;
    } else if (c.fourcc === "VP8L" && d.length >= 5 && out.width === null) {
      var bits = u32le(d, 1); out.width = (bits & 0x3fff) + 1; out.height = ((bits >>> 14) & 0x3fff) + 1;
    } else if (c.fourcc === "EXIF") {
      await readExif(latin1(d.subarray(0, 6)) === "Exif\0\0" ? d.subarray(6) : d, "EXIF", out);
    } else if (c.fourcc === "XMP ") {
      readXmp(new TextDecoder().decode(d), "XMP", out);
    } else if (c.fourcc === "ICCP") {
      readIcc(d, out);
    } else if (["VP8 ", "VP8L", "ALPH", "ANIM", "ANMF", "VP8X"].indexOf(c.fourcc) < 0) {
      out.items.push(item("WebP chunk", c.fourcc.trim(), BL.t("{n} bytes of private or unknown data", { n: d.length })));
    }
  }
}

/**
 * Everything found in an image's bytes: {format, width, height, items, positions,
 * hasThumbnail, notes}. Rejects with a ScrubError (plain message) for other files.
 */
BL.readMetadata = async function (b) {
  var format = BL.sniff(b);
  var out = { format: format, width: null, height: null, items: [], positions: [], hasThumbnail: false, notes: [] };
  if (format === "JPEG") await readJpeg(b, out);
  else if (format === "PNG") await readPng(b, out);
  else if (format === "WebP") await readWebp(b, out);
  else if (format === "HEIF") {
    var parsed = null;
    try { parsed = await window.exifr.parse(b, EXIFR_OPTIONS); } catch (err) { parsed = null; }
    if (!parsed) throw new BL.ScrubError(BL.t("it is a HEIC/HEIF photo whose metadata this page could not read"));
    out.format = "HEIC/HEIF";
    ["ifd0", "exif", "gps"].forEach(function (block) {
      Object.keys(parsed[block] || {}).forEach(function (name) {
        if (!STRUCTURAL[name] && name !== "latitude" && name !== "longitude") {
          out.items.push(item(block === "gps" ? "GPS" : "EXIF", name, valueText(name, parsed[block][name])));
        }
      });
    });
    if (parsed.gps) {
      var lat = dms(parsed.gps.GPSLatitude, parsed.gps.GPSLatitudeRef), lon = dms(parsed.gps.GPSLongitude, parsed.gps.GPSLongitudeRef);
      if (lat !== null && lon !== null) out.positions.push({ group: "GPS", latitude: lat, longitude: lon });
    }
  } else {
    throw new BL.ScrubError(BL.t("it is not a JPEG, PNG, WebP or HEIC picture (whatever its name says)"));
  }
  return out;
};

/** A position as the CLI prints it: 10.500000° N, 30.250000° W. */
BL.positionText = function (p) {
  var lat = Math.abs(p.latitude).toFixed(6), lon = Math.abs(p.longitude).toFixed(6);
  return BL.t("{latitude}, {longitude}", {
    latitude: p.latitude >= 0 ? BL.t("{degrees}° N", { degrees: lat }) : BL.t("{degrees}° S", { degrees: lat }),
    longitude: p.longitude >= 0 ? BL.t("{degrees}° E", { degrees: lon }) : BL.t("{degrees}° W", { degrees: lon }) });
};
