/* Streamed SHA-256 of a file of any size: the file is read a piece at a time (its stream(),
 * into one reused buffer where the browser allows it, or File.slice() pieces where a browser
 * has no stream()) and each piece goes into
 * hash-wasm's incremental hasher, so memory stays flat: a 2 GB video never sits in memory
 * as a whole.
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

/** Bytes read at a time with File.slice(): 4 MiB, small enough for a phone. */
BL.HASH_CHUNK = 4 * 1024 * 1024;

function readError() {
  return new Error(BL.t("the file could not be read (it may have been moved, deleted or changed while it was being read)"));
}

/**
 * Hash a File or Blob. `onProgress(doneBytes, totalBytes)` is called as the reading goes
 * (about every 4 MiB and at the end). With `chunkSize`, File.slice() pieces of that size are
 * read instead of the file's stream. Resolves to {path: file.name, sha256, size}; rejects
 * with a plain message if the file cannot be read or changes size while it is read.
 */
BL.hashFile = async function (file, onProgress, chunkSize) {
  var size = file.size, done = 0, shown = 0;
  var hasher = await window.hashwasm.createSHA256();
  hasher.init();
  function take(piece) {
    hasher.update(piece);
    done += piece.length;
    if (onProgress && (done - shown >= BL.HASH_CHUNK || done === size)) {
      shown = done;
      onProgress(done, size);
    }
  }
  if (!chunkSize && typeof file.stream === "function") {
    var stream = file.stream(), reader = null, buffer = null;
    try {
      // A "bring your own buffer" reader fills one 1 MiB buffer again and again, so memory
      // stays at a few megabytes whatever the file's size.
      reader = stream.getReader({ mode: "byob" });
      buffer = new ArrayBuffer(1024 * 1024);
    } catch (err) {
      reader = stream.getReader(); // an older browser: pieces of the browser's own size
    }
    for (;;) {
      var next;
      try { next = await reader.read(buffer ? new Uint8Array(buffer) : undefined); } catch (err) { throw readError(); }
      if (next.done) break;
      take(next.value);
      if (buffer) buffer = next.value.buffer;
    }
  } else {
    var step = chunkSize || BL.HASH_CHUNK;
    for (var offset = 0; offset < size; offset += step) {
      var piece;
      try {
        piece = new Uint8Array(await file.slice(offset, Math.min(offset + step, size)).arrayBuffer());
      } catch (err) {
        throw readError();
      }
      take(piece);
    }
  }
  if (done !== size) throw readError();
  if (onProgress && size === 0) onProgress(0, 0);
  return { path: file.name, sha256: hasher.digest("hex"), size: size };
};

/** A line in the format of GNU sha256sum (and the CLI's hash command), with its escaping. */
BL.sha256sumLine = function (digest) {
  var name = digest.path;
  if (/[\\\n\r]/.test(name)) {
    return "\\" + digest.sha256 + "  " +
      name.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
  }
  return digest.sha256 + "  " + name;
};

/** Bytes as a short size for people: 2.1 GB, 530 KB. */
BL.humanSize = function (n) {
  if (n < 1000) return BL.t("{n} bytes", { n: n });
  var value = n, i = -1;
  do { value /= 1000; i++; } while (value >= 1000 && i < 3);
  var size = value.toFixed(value < 10 ? 1 : 0);
  if (i === 0) return BL.t("{size} KB", { size: size });
  if (i === 1) return BL.t("{size} MB", { size: size });
  if (i === 2) return BL.t("{size} GB", { size: size });
  return BL.t("{size} TB", { size: size });
};
