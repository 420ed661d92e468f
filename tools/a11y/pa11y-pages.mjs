// pa11y (HTML_CodeSniffer runner, WCAG2AA) over the given pages of a served site.
// Usage: node pa11y-pages.mjs BASE_URL PAGE [PAGE ...]   (a PAGE that is a full http URL is used as is)
// Prints one JSON object: {"<page>": [{"code", "message", "selector", "context"}, ...], ...}
// holding every *error* (warnings and notices are left out). Exit code 0 when the run
// completed (whatever it found), 2 on bad arguments, 3 when the browser could not start.
// Chromium is Debian's (/usr/bin/chromium or $CHROMIUM); nothing is downloaded.
import pa11y from "pa11y";
import puppeteer from "puppeteer";

const [base, ...pages] = process.argv.slice(2);
if (!base || pages.length === 0) {
  console.error("usage: node pa11y-pages.mjs BASE_URL PAGE [PAGE ...]");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let browser;
try {
  browser = await puppeteer.launch({
    executablePath, headless: true, timeout: 120000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
} catch (err) {
  console.error(`pa11y-pages: cannot start Chromium at ${executablePath}: ${err.message.split("\n")[0]}`);
  process.exit(3);
}
// Two pages at a time ($PA11Y_CONCURRENCY): a page spends much of its time loading and
// waiting, so two tabs finish the whole site in about two thirds of the time.
const concurrency = Math.max(1, Number(process.env.PA11Y_CONCURRENCY) || 2);
const results = new Map();
let next = 0;
async function worker() {
  while (next < pages.length) {
    const rel = pages[next++];
    const page = await browser.newPage();
    const url = /^https?:/.test(rel) ? rel : `${base}/${rel}`;
    const result = await pa11y(url, {
      browser, page, runners: ["htmlcs"], standard: "WCAG2AA",
      includeWarnings: false, includeNotices: false, timeout: 60000,
    });
    results.set(rel, result.issues.filter((i) => i.type === "error")
      .map(({ code, message, selector, context }) => ({ code, message, selector, context })));
    await page.close();
  }
}
try {
  await Promise.all(Array.from({ length: Math.min(concurrency, pages.length) }, worker));
} finally {
  await browser.close();
}
const found = {};
for (const rel of pages) found[rel] = results.get(rel);  // in the order given
process.stdout.write(JSON.stringify(found, null, 1) + "\n");
