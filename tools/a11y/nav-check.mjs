// The sidebar toggles, driven in a real browser as a reader would use them (WebDriver BiDi for
// Firefox, so Debian's firefox-esr works as installed: no browser is downloaded).
// Usage: node nav-check.mjs firefox|chrome BASE_URL PAGE TARGET WIDTH [WIDTH ...]
//   PAGE   the page to start on (e.g. chapters/consensus.html)
//   TARGET a page the primary sidebar links to (e.g. chapters/nonviolence.html)
// At each width: click the visible "Toggle primary sidebar" button, check that the sidebar
// shows, follow its link to TARGET, open the sidebar again and close it (Escape on a phone,
// the toggle on a wide screen); then open and close the secondary sidebar ("On this page")
// where its toggle is shown. Prints {"<width>": ["problem", ...]} as JSON; an empty list is a
// pass. Exit code 0 when the run completed, 2 on bad arguments, 3 when the browser cannot start.
// On a right-to-left page the phone drawer must open from the right edge (left edge otherwise).
// With NAV_SHOTS=<folder>, it saves <browser>-<width>.png (the page as it opens) and, on a
// phone, <browser>-<width>-drawer.png (the drawer open) there.
import puppeteer from "puppeteer";

const [name, base, start, target, ...widths] = process.argv.slice(2);
if (!["firefox", "chrome"].includes(name) || !base || !start || !target || !widths.length) {
  console.error("usage: node nav-check.mjs firefox|chrome BASE_URL PAGE TARGET WIDTH [WIDTH ...]");
  process.exit(2);
}
const executablePath = name === "firefox" ? (process.env.FIREFOX || "/usr/bin/firefox-esr")
  : (process.env.CHROMIUM || "/usr/bin/chromium");
let browser;
try {
  browser = await puppeteer.launch({
    browser: name, executablePath, headless: true, timeout: 120000,
    args: name === "chrome" ? ["--no-sandbox", "--disable-gpu"] : [],
  });
} catch (err) {
  console.error(`nav-check: cannot start ${name} at ${executablePath}: ${err.message.split("\n")[0]}`);
  process.exit(3);
}

const shown = (sel) => `(() => { const el = document.querySelector(${JSON.stringify(sel)});
  if (!el) return false; const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth &&
    cs.visibility !== "hidden" && cs.display !== "none" && cs.opacity !== "0"; })()`;
const settle = (page) => new Promise((r) => setTimeout(r, 450));  // the theme's 0.25 s slide
// Whether `condition` (a page function or expression) becomes true within 5 s: on a busy
// machine a dialog can take longer than the slide to open or close, and a fixed wait then fails.
const until = async (page, condition) => {
  try {
    await page.waitForFunction(condition, { timeout: 5000, polling: 100 });
    return true;
  } catch {
    return false;
  }
};
const modalOpen = (id) => `Boolean(document.querySelector("#${id}")?.open)`;
const not = (expr) => `!(${expr})`;

async function check(width) {
  const problems = [];
  const page = await browser.newPage();
  await page.setViewport({ width: Number(width), height: 800 });
  await page.goto(`${base}/${start}`, { waitUntil: "load" });
  await settle(page);
  const shots = process.env.NAV_SHOTS;
  if (shots) await page.screenshot({ path: `${shots}/${name}-${width}.png` });
  const wide = Number(width) >= 992;
  const visibleToggles = await page.evaluate(() => [...document.querySelectorAll(".primary-toggle")]
    .filter((b) => b.getBoundingClientRect().width > 0).length);
  if (visibleToggles !== 1) problems.push(`${visibleToggles} visible primary toggles (want 1)`);
  const toggle = ".bd-header-article .primary-toggle";
  const sidebarLink = (t) => `${wide ? "#pst-primary-sidebar" : "#pst-primary-sidebar-modal"} a[href$="${t.split("/").pop()}"]`;
  if (wide) {
    if (!(await page.evaluate(shown("#pst-primary-sidebar")))) problems.push("wide: sidebar not shown at first");
    await page.click(toggle);
    if (!(await until(page, not(shown("#pst-primary-sidebar"))))) problems.push("wide: the toggle did not hide the sidebar");
    await settle(page);
    await page.click(toggle);
    if (!(await until(page, shown("#pst-primary-sidebar")))) problems.push("wide: the toggle did not show the sidebar again");
    await settle(page);
  } else {
    await page.click(toggle);
    if (!(await until(page, modalOpen("pst-primary-sidebar-modal"))))
      problems.push("phone: the primary toggle did not open the sidebar");
    await settle(page);
    const edge = await page.evaluate(() => {
      const box = document.querySelector("#pst-primary-sidebar-modal .bd-sidebar-primary")
        || document.querySelector("#pst-primary-sidebar-modal");
      const r = box.getBoundingClientRect();
      const width = document.documentElement.clientWidth;
      const rtl = document.documentElement.dir === "rtl";
      return { ok: rtl ? Math.abs(r.right - width) <= 2 && r.left > width / 5 : r.left <= 2,
               left: Math.round(r.left), right: Math.round(r.right), width };
    });
    if (!edge.ok) problems.push(`phone: the drawer does not open from the reading side's edge (${JSON.stringify(edge)})`);
    if (shots) await page.screenshot({ path: `${shots}/${name}-${width}-drawer.png` });
  }
  const link = sidebarLink(target);
  if (!(await page.evaluate(shown(link)))) {
    problems.push(`no visible sidebar link to ${target}`);
  } else {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(link)]);
    await settle(page);
    if (!page.url().endsWith(target)) problems.push(`the sidebar link led to ${page.url()}`);
    // open again, then close
    await page.click(toggle);
    if (wide) {
      if (!(await until(page, not(shown("#pst-primary-sidebar"))))) problems.push("wide: could not close the sidebar");
      await settle(page);
    } else {
      if (!(await until(page, modalOpen("pst-primary-sidebar-modal"))))
        problems.push("phone: the sidebar did not open on the second page");
      await settle(page);
      await page.keyboard.press("Escape");
      if (!(await until(page, not(modalOpen("pst-primary-sidebar-modal")))))
        problems.push("phone: Escape did not close the sidebar");
      await settle(page);
    }
  }
  // secondary sidebar ("On this page")
  const second = ".bd-header-article .secondary-toggle";
  if (await page.evaluate(shown(second))) {
    await page.click(second);
    const open = await until(page, modalOpen("pst-secondary-sidebar-modal"));
    await settle(page);
    if (!open) problems.push("the secondary toggle did not open the page contents");
    else if (!(await until(page, shown("#pst-secondary-sidebar-modal nav.page-toc a"))))
      problems.push("the page contents opened without visible links");
    await page.keyboard.press("Escape");
    if (!(await until(page, not(modalOpen("pst-secondary-sidebar-modal")))))
      problems.push("Escape did not close the page contents");
    await settle(page);
  } else if (!(await page.evaluate(shown("#pst-secondary-sidebar nav.page-toc")))) {
    problems.push("neither a secondary toggle nor the page contents is shown");
  }
  await page.close();
  return problems;
}

const results = {};
try {
  for (const w of widths) results[w] = await check(w);
} catch (err) {
  results.error = [String(err.message || err).split("\n")[0]];
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results) + "\n");
