"""Print a session pack (PDF) for every session plan and every session of the short route.

A pack holds a cover with the stated preparation time (at most 30 minutes) and a checklist,
the plan itself (from the built facilitator edition), every card, role card, scenario card and
handout the plan uses, ready to cut (from ``facilitator/packs.yml``), and the debrief questions.
Each session of *Six sessions: the essentials* also gets a one-page key-points handout.

    python tools/make_packs.py [--html _build/facilitator/_build/html] [--out _build/packs]

Exit codes: 0 written · 2 usage error, no browser, no built site or a bad packs.yml ·
3 a page, plan or card source is missing from the built site · 4 printing failed.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_pdf  # noqa: E402
from make_pdf import ROOT, PrintError  # noqa: E402

PACKS = ROOT / "facilitator" / "packs.yml"
PLANS = ROOT / "facilitator" / "session-plans.md"
ESSENTIALS = ROOT / "chapters" / "essentials.md"
MAX_PREP = 30
KINDS = ("statement card", "role card", "scenario card", "prompt card", "handout")
SOURCES = ("text", "items", "exercise", "after", "admonition")


def slug(text: str) -> str:
    """A file-name slug: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def plan_titles(path: Path = PLANS) -> list[str]:
    """The plans' titles (level-2 headings) in ``session-plans.md``."""
    return re.findall(r"^## (.+?)\s*$", path.read_text(encoding="utf-8"), re.M)


def essentials_sessions(path: Path = ESSENTIALS) -> list[str]:
    """The titles of the short route's sessions ("Session 1: …")."""
    return re.findall(r"^## (Session \d+: .+?)\s*$", path.read_text(encoding="utf-8"), re.M)


def prep_minutes(steps: list[list[Any]]) -> int:
    """The stated preparation time: the sum of the steps' minutes."""
    return sum(int(step[1]) for step in steps)


def load_packs(path: Path = PACKS, plans: list[str] | None = None) -> dict[str, Any]:
    """Read and check ``packs.yml``; raises PrintError (exit 2) naming the first problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PrintError(f"{path}: cannot read: {exc}", 2) from exc
    if not isinstance(data, dict) or not isinstance(data.get("plans"), dict):
        raise PrintError(f"{path}: needs a 'plans' mapping", 2)
    plans = plan_titles() if plans is None else plans
    missing = [t for t in plans if t not in data["plans"]]
    if missing:
        raise PrintError(f"{path}: no pack for the plan '{missing[0]}'", 2)
    extra = [t for t in data["plans"] if t not in plans]
    if extra:
        raise PrintError(f"{path}: '{extra[0]}' is not a plan in {PLANS.name}", 2)
    entries = [(t, p) for t, p in data["plans"].items()]
    entries.append(("essentials", data.get("essentials") or {}))
    for title, pack in entries:
        steps = pack.get("prep") or []
        if not steps or any(not isinstance(s, list) or len(s) != 2 or not str(s[1]).isdigit()
                            for s in steps):
            raise PrintError(f"{path}: '{title}': prep must list [step, minutes] pairs", 2)
        if prep_minutes(steps) > MAX_PREP:
            raise PrintError(f"{path}: '{title}': preparation takes {prep_minutes(steps)} minutes "
                             f"(at most {MAX_PREP})", 2)
        for card in pack.get("cards", []) if title != "essentials" else []:
            if card.get("kind") not in KINDS:
                raise PrintError(f"{path}: '{title}': card kind {card.get('kind')!r} is not one of "
                                 f"{', '.join(KINDS)}", 2)
            given = [k for k in SOURCES if k in card]
            if len(given) != 1 or not card.get("title"):
                raise PrintError(f"{path}: '{title}': card '{card.get('title')}' needs a title and "
                                 f"exactly one of {', '.join(SOURCES)}", 2)
    return data


def source_labels(keys: list[str], bib: Path = ROOT / "references.bib") -> dict[str, str]:
    """A short printed reference ("Author, Title, year") for each citation key."""
    from pybtex.database import parse_file

    db = parse_file(str(bib))
    labels = {}
    for key in keys:
        if key not in db.entries:
            raise PrintError(f"{PACKS.name}: source '{key}' is not in references.bib", 2)
        entry = db.entries[key]
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        who = (" ".join(people[0].last_names) + (" et al." if len(people) > 1 else "")) if people \
            else entry.fields.get("organization", entry.fields.get("publisher", ""))
        title = re.sub(r"[{}]", "", entry.fields.get("title", key))
        year = entry.fields.get("year", "n.d.")
        labels[key] = ", ".join(re.sub(r"[{}]", "", x) for x in (who, title, year) if x)
    return labels


def card_keys(card: dict[str, Any]) -> list[str]:
    """The citation keys a card names in ``source`` (a key, "a,b" or a list)."""
    src = card.get("source") or []
    if isinstance(src, str):
        src = src.split(",")
    return [s.strip() for s in src if s.strip()]


_BUILD = """async ({pack, planTitle, planPage, cover, refsUrl}) => {
  const clean = coursePrint.clean;
  const cache = {};
  const fetchDoc = async (page) => {
    if (!cache[page]) {
      const url = new URL(page + ".html", location.origin + "/").href;
      const resp = await fetch(url);
      if (!resp.ok) throw new Error("missing page " + page);
      cache[page] = [url, new DOMParser().parseFromString(await resp.text(), "text/html")];
    }
    return cache[page];
  };
  const refs = (await fetchDoc(refsUrl))[1];
  const [planUrl, planDoc] = await fetchDoc(planPage);
  const heading = Array.from(planDoc.querySelectorAll("h2")).find(h => clean(h.textContent) === planTitle);
  if (!heading) throw new Error("missing plan " + planTitle);
  const plan = document.importNode(heading.closest("section") || heading.parentNode, true);

  const main = document.createElement("main");
  main.className = "bd-article print-pack";
  const head = document.createElement("section");
  head.innerHTML = cover;
  main.appendChild(head);
  const planBox = document.createElement("section");
  planBox.className = "print-pack-plan";
  planBox.appendChild(plan);
  main.appendChild(planBox);

  // Debrief questions: the list after the plan's "Debrief" label, on a card of their own.
  const label = Array.from(plan.querySelectorAll("p, strong")).find(n => /^Debrief\\b/.test(clean(n.textContent)));
  let debrief = null;
  if (label) {
    let p = label.closest("p");
    let n = p && p.nextElementSibling;
    while (n && !/^(OL|UL)$/.test(n.tagName)) n = n.nextElementSibling;
    if (n) debrief = n.cloneNode(true);
  }

  const cards = document.createElement("section");
  cards.className = "print-cards";
  cards.innerHTML = "<h2>Cards to cut out</h2><p>Cut along the dashed lines. Each card names its kind "
      + "and, where it states a fact, its source.</p>";
  const grid = document.createElement("div");
  grid.className = "print-card-grid";
  cards.appendChild(grid);
  const addCard = (kind, title, body, source) => {
    const c = document.createElement("div");
    c.className = "print-card";
    c.innerHTML = "<p class='print-card-kind'></p><h3></h3><div class='print-card-body'></div>";
    c.querySelector(".print-card-kind").textContent = kind;
    c.querySelector("h3").textContent = title;
    c.querySelector(".print-card-body").appendChild(body);
    if (source) {
      const s = document.createElement("p");
      s.className = "print-card-source";
      s.textContent = "Source: " + source;
      c.appendChild(s);
    }
    grid.appendChild(c);
  };
  for (const card of pack.cards) {
    let body = document.createElement("div");
    if (card.text) {
      const p = document.createElement("p"); p.textContent = card.text; body.appendChild(p);
    } else if (card.items) {
      const ul = document.createElement("ul");
      card.items.forEach(t => { const li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
      body.appendChild(ul);
    } else if (card.exercise) {
      const [page, id] = card.exercise.split("#");
      const doc = (await fetchDoc(page))[1];
      const ex = doc.getElementById(id);
      if (!ex) throw new Error("missing exercise " + card.exercise);
      const content = ex.querySelector(".exercise-content, section") || ex;
      body = document.importNode(content, true);
    } else if (card.after) {
      const doc = (await fetchDoc(card.after.page))[1];
      const p = Array.from(doc.querySelectorAll("article p")).find(n => n.textContent.includes(card.after.text));
      if (!p || !p.nextElementSibling) throw new Error("missing text in " + card.after.page + ": " + card.after.text);
      body = document.importNode(p.nextElementSibling, true);
    } else if (card.admonition) {
      const doc = (await fetchDoc(card.admonition.page))[1];
      const box = Array.from(doc.querySelectorAll(".admonition")).find(a => {
        const t = a.querySelector(".admonition-title"); return t && clean(t.textContent) === card.admonition.title; });
      if (!box) throw new Error("missing box in " + card.admonition.page + ": " + card.admonition.title);
      body = document.importNode(box, true);
      const t = body.querySelector(".admonition-title"); if (t) t.remove();
    }
    body.querySelectorAll("[id]").forEach(n => n.removeAttribute("id"));
    body.querySelectorAll("a[href]").forEach(a => a.removeAttribute("href"));
    body.querySelectorAll(".bibtex-citation, a.reference").forEach(
        n => n.replaceWith(document.createTextNode(n.textContent)));
    for (let i = 0; i < (card.count || 1); i++) addCard(card.kind, card.title, body.cloneNode(true), card.sourceText);
  }
  if (debrief) {
    const ol = document.createElement("div"); ol.appendChild(debrief);
    addCard("prompt card", "Debrief questions", ol, "");
  }
  if (grid.childNodes.length) main.appendChild(cards);
  if (debrief) {
    const d = document.createElement("section");
    d.className = "print-debrief";
    d.innerHTML = "<h2>Debrief questions</h2>";
    d.appendChild(debrief.cloneNode(true));
    main.appendChild(d);
  }
  document.body.replaceChildren(main);
  coursePrint.prepare(planBox, {pageUrl: planUrl, refs: refs});
  await coursePrint.imagesLoaded();
  return {cards: grid.childNodes.length, debrief: debrief ? debrief.children.length : 0};
}"""

PACK_CSS = """@media print {
  .print-pack h1 { font-size: 20pt; }
  .print-pack-plan { break-before: page; }
  .print-pack-plan h2 { font-size: 16pt; }
  .print-cards { break-before: page; }
  .print-card-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 0; }
  .print-card { border: 1.5px dashed #444; padding: 4mm 5mm; break-inside: avoid; min-height: 45mm;
                overflow-wrap: anywhere; font-size: 10.5pt; }
  .print-card h3 { font-size: 12pt; margin: 0.1em 0 0.4em; }
  .print-card-kind { font-size: 8pt; text-transform: uppercase; letter-spacing: 0.06em; margin: 0; }
  .print-card-source { font-size: 8pt; margin-top: 0.5em; }
  .print-card ul, .print-card ol { padding-left: 1.2em; margin: 0; }
  .print-card .admonition { border: none; padding: 0; margin: 0; box-shadow: none; }
  .print-debrief { break-before: page; }
  .print-keypoints { font-size: 12pt; }
  .print-keypoints .admonition { border: 2px solid #000; padding: 6mm; box-shadow: none; }
}"""


def cover_html(title: str, steps: list[list[Any]], intro: str) -> str:
    """The cover: title, the stated preparation time, its checklist."""
    from html import escape

    rows = "".join(f"<tr><td>{escape(str(s))}</td><td>{int(m)} min</td></tr>" for s, m in steps)
    return (f"<h1>Session pack: {escape(title)}</h1><p>{escape(intro)}</p>"
            f"<p><strong>Preparation time: {prep_minutes(steps)} minutes</strong> "
            f"(at most {MAX_PREP}).</p>"
            f"<table><thead><tr><th>Before the session</th><th>Time</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            "<p>Everything else you need is ordinary: paper, pens, a timer (any phone), "
            "and the chapter's handout from <code>make pdf</code>.</p>")


def print_pack(page: Any, base: str, title: str, pack: dict[str, Any], plan_page: str,
               labels: dict[str, str], target: Path, intro: str) -> dict[str, Any]:
    """Assemble one pack in the browser and print it to ``target``."""
    cards = [dict(c, sourceText="; ".join(labels[k] for k in card_keys(c))) for c in pack.get("cards", [])]
    page.goto(f"{base}/{plan_page}.html", wait_until="load")
    page.add_style_tag(content=make_pdf._print_css())
    page.add_style_tag(content=PACK_CSS)
    page.add_script_tag(path=str(make_pdf.TOOLS / "print_prepare.js"))
    try:
        info: dict[str, Any] = page.evaluate(_BUILD, {
            "pack": {"cards": cards}, "planTitle": title, "planPage": plan_page,
            "cover": cover_html(title, pack["prep"], intro), "refsUrl": "appendices/references"})
    except Exception as exc:
        message = str(exc).splitlines()[0]
        if "missing" in message:
            raise PrintError(f"{title}: {message.split('Error: ')[-1]}", 3) from exc
        raise
    page.add_style_tag(content=make_pdf.running_header_css(None, f"Session pack: {title}"))
    make_pdf.write_atomically(target, make_pdf.render(page))
    return info


_KEYPOINTS = """({title}) => {
  const box = Array.from(document.querySelectorAll(".admonition.key-points")).find(a =>
      coursePrint.clean(a.querySelector(".admonition-title").textContent) === title);
  if (!box) return false;
  const main = document.createElement("main");
  main.className = "bd-article print-keypoints";
  main.appendChild(box);
  document.body.replaceChildren(main);
  coursePrint.prepare(main, {pageUrl: location.href, refs: null});
  main.querySelectorAll("a[data-print-ref]").forEach(a => a.removeAttribute("href"));
  return true;
}"""


def print_key_points(page: Any, base: str, session: str, target: Path) -> None:
    """The session's key points, alone on one page."""
    name = session.split(": ", 1)[1]
    page.goto(f"{base}/chapters/essentials.html", wait_until="load")
    page.add_style_tag(content=make_pdf._print_css())
    page.add_style_tag(content=PACK_CSS)
    page.add_script_tag(path=str(make_pdf.TOOLS / "print_prepare.js"))
    if not page.evaluate(_KEYPOINTS, {"title": f"Key points: {name}"}):
        raise PrintError(f"chapters/essentials.html has no key-points box for '{session}'", 3)
    page.add_style_tag(content=make_pdf.running_header_css(None, f"Key points: {name}"))
    make_pdf.write_atomically(target, make_pdf.render(page))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "facilitator" / "_build" / "html")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "packs")
    ap.add_argument("--only", nargs="*", help="print only these packs (plan titles)")
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    try:
        if not (args.html / "facilitator" / "session-plans.html").exists():
            raise PrintError(f"{args.html} has no facilitator edition: run `make facilitator` first", 2)
        data = load_packs()
        sessions = essentials_sessions()
        keys = sorted({k for p in data["plans"].values() for c in p.get("cards", []) for k in card_keys(c)})
        labels = source_labels(keys)
        chosen = args.only or list(data["plans"]) + sessions
        unknown = [c for c in chosen if c not in data["plans"] and c not in sessions]
        if unknown:
            raise PrintError(f"no plan or session called '{unknown[0]}'", 2)
        args.out.mkdir(parents=True, exist_ok=True)
        count = 0
        with make_pdf.serve(args.html) as base, make_pdf.browser_page(base) as page:
            for title in chosen:
                if title in data["plans"]:
                    print_pack(page, base, title, data["plans"][title], "facilitator/session-plans",
                               labels, args.out / f"pack-{slug(title)}.pdf",
                               "For the facilitator: the plan, then everything to print and cut.")
                else:
                    number = re.match(r"Session (\d+)", title).group(1)  # type: ignore[union-attr]
                    print_pack(page, base, title, data["essentials"], "chapters/essentials", labels,
                               args.out / f"pack-essentials-{number}.pdf",
                               "Six sessions: the essentials. Print one key-points handout per person.")
                    print_key_points(page, base, title, args.out / f"key-points-{number}.pdf")
                count += 1
    except Exception as exc:  # one line and a documented code, whatever went wrong
        return make_pdf.failure_code("make_packs", exc, args.out)
    print(f"wrote {count} session packs to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
