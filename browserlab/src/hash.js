/* Streamed SHA-256 of a file of any size: File.slice() reads one chunk at a time and
 * hash-wasm's incremental hasher takes it, so memory stays flat (a 2 GB video never
 * sits in memory as a whole).
 */
"use strict";
var BL = (window.BrowserLab = window.BrowserLab || {});

/** Bytes read at a time: 4 MiB, small enough for a phone, large enough to be quick. */
BL.HASH_CHUNK = 4 * 1024 * 1024;

/**
 * Hash a File or Blob. `onProgress(doneBytes, totalBytes)` is called after each chunk.
 * Resolves to {path: file.name, sha256, size}. Rejects with a plain message if the file
 * cannot be read (for example it was moved or deleted while being read).
 */
BL.hashFile = async function (file, onProgress, chunkSize) {
  var size = file.size, step = chunkSize || BL.HASH_CHUNK;
  var hasher = await window.hashwasm.createSHA256();
  hasher.init();
  for (var offset = 0; offset < size; offset += step) {
    var piece;
    try {
      piece = new Uint8Array(await file.slice(offset, Math.min(offset + step, size)).arrayBuffer());
    } catch (err) {
      throw new Error("the file could not be read (it may have been moved, deleted or changed " +
        "while it was being read)");
    }
    hasher.update(piece);
    if (onProgress) onProgress(Math.min(offset + step, size), size);
  }
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
  if (n < 1000) return n + " bytes";
  var units = ["KB", "MB", "GB", "TB"], value = n, i = -1;
  do { value /= 1000; i++; } while (value >= 1000 && i < units.length - 1);
  return value.toFixed(value < 10 ? 1 : 0) + " " + units[i];
};
