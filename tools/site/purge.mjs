// Remove the CSS rules no page of the built site can use (PurgeCSS), in place.
// Called by coursekit/site_purge.py after each HTML build, with a JSON job on standard input:
//   {"css": [paths], "content": [paths], "standard": [...], "greedy": [regex sources],
//    "deep": [regex sources], "dynamicAttributes": [...], "removeUnusedVariables": bool,
//    "variables": [regex sources of custom properties to keep even when unused]}
// Each stylesheet is replaced atomically (written beside it, then renamed). Prints one JSON
// line: [[path, bytes before, bytes after], ...]. Exit 1 with a one-line message on any fault.
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { extname } from "node:path";
import { PurgeCSS } from "purgecss";

function fail(message) {
  process.stderr.write(`purge: ${message}\n`);
  process.exit(1);
}

let job;
try {
  job = JSON.parse(readFileSync(0, "utf8"));
} catch (err) {
  fail(`the job on standard input is not JSON (${err.message})`);
}

try {
  const content = job.content.map((file) => ({
    raw: readFileSync(file, "utf8"),
    extension: extname(file).slice(1) || "html",
  }));
  const sheets = job.css.map((file) => ({ file, raw: readFileSync(file, "utf8") }));
  const results = await new PurgeCSS().purge({
    content,
    css: sheets.map((s) => ({ raw: s.raw, name: s.file })),
    safelist: {
      standard: job.standard || [],
      greedy: (job.greedy || []).map((s) => new RegExp(s)),
      deep: (job.deep || []).map((s) => new RegExp(s)),
      variables: (job.variables || []).map((s) => new RegExp(s)),
    },
    dynamicAttributes: job.dynamicAttributes || [],
    fontFace: false,
    keyframes: false,
    variables: job.removeUnusedVariables === true,
  });
  if (results.length !== sheets.length) fail("PurgeCSS returned a different number of stylesheets");
  const report = [];
  results.forEach((result, i) => {
    const file = sheets[i].file;
    const tmp = `${file}.purge-tmp`;
    writeFileSync(tmp, result.css);
    renameSync(tmp, file);
    report.push([file, Buffer.byteLength(sheets[i].raw), Buffer.byteLength(result.css)]);
  });
  process.stdout.write(JSON.stringify(report) + "\n");
} catch (err) {
  fail(err && err.message ? err.message.split("\n")[0] : String(err));
}
