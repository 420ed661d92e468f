// Drive the lab page in Firefox (Debian's firefox-esr, over WebDriver BiDi with puppeteer-core;
// no browser is downloaded). Used by tests/test_browserlab_firefox.py, which makes the input
// files and checks every output with the CLI and exiftool.
//
//   node browserlab/test/firefox.mjs URL WORKDIR
//
// WORKDIR holds hills.jpg, hills.png, hills.webp (to scrub), evidence.bin (to log),
// cli.jsonl (a CLI log) and tampered.jsonl. Written back: clean.jpg, clean.png,
// clean.webp, browser.jsonl, and results.json (texts the page showed, any console errors
// and requests to other hosts).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const [url, work] = process.argv.slice(2);
const firefox = process.env.FIREFOX || "/usr/bin/firefox-esr";
const browser = await puppeteer.launch({ browser: "firefox", executablePath: firefox, headless: true, timeout: 120000,
  extraPrefsFirefox: { "network.proxy.type": 0, "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false, "app.update.enabled": false } });
const results = { errors: [], remote: [], texts: {} };
try {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error") results.errors.push(m.text()); });
  page.on("pageerror", (e) => results.errors.push(String(e)));
  page.on("request", (r) => {
    const host = new URL(r.url()).hostname;
    if (!["127.0.0.1", "localhost", ""].includes(host) && !/^(data|blob):/.test(r.url())) {
      results.remote.push(r.url());
    }
  });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("html[data-browserlab=ready]", { timeout: 20000 });

  const textOf = (sel) => page.$eval(sel, (e) => e.textContent);
  const waitText = (sel, text) => page.waitForFunction(
    (s, t) => (document.querySelector(s).textContent || "").includes(t), { timeout: 30000 }, sel, text);
  const upload = async (sel, ...files) => {
    const input = await page.$(sel);
    await input.uploadFile(...files.map((f) => join(work, f)));
  };
  const blob = async (id) => {
    await page.waitForSelector(`#${id}:not([hidden])`, { timeout: 30000 });
    const b64 = await page.evaluate(async (i) => {
      const r = await fetch(document.getElementById(i).href);
      const b = new Uint8Array(await r.arrayBuffer());
      let s = "";
      for (let k = 0; k < b.length; k += 0x8000) s += String.fromCharCode.apply(null, b.subarray(k, k + 0x8000));
      return btoa(s);
    }, id);
    return Buffer.from(b64, "base64");
  };

  // Scrub the three formats.
  for (const ext of ["jpg", "png", "webp"]) {
    await page.evaluate(() => { document.getElementById("bl-scrub-out").textContent = ""; });
    await upload("#bl-scrub-file", `hills.${ext}`);
    await waitText("#bl-scrub-out", "Checked");
    results.texts[`scrub-${ext}`] = await textOf("#bl-scrub-out");
    writeFileSync(join(work, `clean.${ext}`), await blob("bl-scrub-save"));
  }

  // What a photo reveals.
  await upload("#bl-meta-file", "hills.jpg");
  await waitText("#bl-meta-out", "Location (GPS)");
  results.texts.meta = await textOf("#bl-meta-out");

  // Start a log, add a file, keep the log.
  await page.type("#bl-log-start-actor", "firefox recorder");
  await page.click("#bl-log-start button[type=submit]");
  await waitText("#bl-log-out", "new log was started");
  await upload("#bl-log-add-file", "evidence.bin");
  await page.type("#bl-log-add-actor", "firefox recorder");
  await page.type("#bl-log-add-action", "collected");
  await page.click("#bl-log-add-button");
  await waitText("#bl-log-out", "Line 2 added");
  writeFileSync(join(work, "browser.jsonl"), await blob("bl-log-save"));

  // Verify the CLI's log, then the tampered one.
  for (const name of ["cli.jsonl", "tampered.jsonl"]) {
    await page.evaluate(() => { document.getElementById("bl-verify-out").textContent = ""; });
    await upload("#bl-verify-log", name);
    await page.click("#bl-verify-form button[type=submit]");
    await waitText("#bl-verify-out", "entries read");
    results.texts[`verify-${name}`] = await textOf("#bl-verify-out");
    results.texts[`first-bad-${name}`] = await page.$eval("#bl-verify-out", (e) => e.dataset.firstBadLine);
  }
  results.userAgent = await page.evaluate(() => navigator.userAgent);
} finally {
  writeFileSync(join(work, "results.json"), JSON.stringify(results, null, 1));
  await browser.close();
}
