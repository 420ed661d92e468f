// Prepare a built course page for paper (used by tools/make_pdf.py and tools/make_packs.py).
//
// window.coursePrint.prepare(root, opts) works inside `root` (a page's article, or one
// chapter's section of the whole-course document):
//   - quizzes become numbered questions; an "Answer key" goes to the end;
//   - worked solutions move to the end, under a heading that asks the reader to try first;
//   - every source the chapter cites is copied from the References page to its end, and
//     each in-text citation links to its entry there;
//   - links to other course pages lose their web address (meaningless on paper) or, in the
//     whole-course document, point inside it; outside addresses are printed after the link;
//   - lazily loaded images load now.
// opts: {pageUrl, refs (Document of references.html or null), prefix ("" for a handout),
//        pageIndex ({url-without-hash: prefix}) for the whole-course document}.
(function () {
  "use strict";

  // The words printed around the course's own text, in the page's language (<html lang>).
  var WORDS = {
    en: {question: "Question ", answerKey: "Answer key", tryFirst: "Try every question before you look here.",
         solutions: "Worked solutions",
         solutionsNote: "Try each exercise on your own or with your group before you read its solution.",
         references: "References",
         referencesNote: "The sources this chapter cites. The whole list is in the References appendix.",
         onPaper: "Answer on paper first, then check the answer key at the end", colon: ": ", stop: ". "},
    ar: {question: "السؤال ", answerKey: "مفتاح الإجابات", tryFirst: "حاول الإجابة عن كل سؤال قبل أن تنظر هنا.",
         solutions: "الحلول المشروحة",
         solutionsNote: "حاول حل كل تمرين وحدك أو مع مجموعتك قبل أن تقرأ حلّه.",
         references: "المراجع",
         referencesNote: "المصادر التي يستشهد بها هذا الفصل. القائمة الكاملة في ملحق المراجع.",
         onPaper: "أجب على الورق أولًا، ثم راجع مفتاح الإجابات في آخر الفصل", colon: ": ", stop: ". "}
  };
  function words() {
    return WORDS[(document.documentElement.lang || "en").slice(0, 2)] || WORDS.en;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function clean(text) {
    return (text || "").replace(/[¶#]\s*$/, "").replace(/\s+/g, " ").trim();
  }

  function bareUrl(href) {
    var u = new URL(href);
    u.hash = "";
    return u.href;
  }

  function prepare(root, opts) {
    var origin = new URL(opts.pageUrl).origin;
    var prefix = opts.prefix || "";
    var index = opts.pageIndex || null;
    var back = el("section", "print-back");
    root.appendChild(back);  // inside root, so citations in moved solutions are found too

    // Ids get the chapter's prefix in the whole-course document, so they stay unique.
    if (prefix) {
      root.querySelectorAll("[id]").forEach(function (n) { n.id = prefix + "-" + n.id; });
    }

    // Collapsed content opens; site-only controls and permalink marks go.
    root.querySelectorAll("a.headerlink").forEach(function (n) { n.remove(); });
    root.querySelectorAll("details").forEach(function (d) { d.open = true; });
    root.querySelectorAll(".toggle-hidden").forEach(function (n) { n.classList.remove("toggle-hidden"); });
    root.querySelectorAll(".toggle-button, button.toggle-button").forEach(function (n) { n.remove(); });

    // 1. Quizzes: numbered questions here, the answers at the end.
    var answers = [];
    var qn = 0;
    root.querySelectorAll(".course-quiz fieldset").forEach(function (fs) {
      qn += 1;
      var legend = fs.querySelector("legend");
      if (legend) legend.insertBefore(el("span", "print-qnum", words().question + qn + words().stop), legend.firstChild);
      var right = fs.querySelector("input[data-correct=true]");
      if (right) {
        var label = fs.querySelector('label[for="' + right.id + '"]') || right.parentNode;
        answers.push([qn, clean(label.textContent), right.dataset.feedback || ""]);
      }
      fs.querySelectorAll(".quiz-feedback").forEach(function (n) { n.remove(); });
    });
    if (answers.length) {
      var key = el("div", "print-answers");
      key.appendChild(el("h2", "", words().answerKey));
      key.appendChild(el("p", "", words().tryFirst));
      answers.forEach(function (a) {
        var p = el("p", "print-answer");
        p.appendChild(el("strong", "", words().question + a[0] + words().colon + a[1] + (/[.!?]$/.test(a[1]) ? " " : ". ")));
        p.appendChild(document.createTextNode(a[2]));
        key.appendChild(p);
      });
      back.appendChild(key);
    }

    // 2. Worked solutions: after the exercises, not beside them.
    var sols = root.querySelectorAll(".solution");
    if (sols.length) {
      var box = el("div", "print-solutions");
      box.appendChild(el("h2", "", words().solutions));
      box.appendChild(el("p", "", words().solutionsNote));
      sols.forEach(function (s) {
        s.classList.remove("dropdown");
        box.appendChild(s);
      });
      back.appendChild(box);
    }

    // 3. The chapter's references, in the order of the References page.
    var cited = {};
    root.querySelectorAll("a[href]").forEach(function (a) {
      var raw = a.getAttribute("href");
      if (!raw) return;
      var url = new URL(raw, opts.pageUrl);
      if (url.origin === origin && /\/references\.html$/.test(url.pathname) && url.hash) {
        var id = decodeURIComponent(url.hash.slice(1));
        cited[id] = true;
        a.setAttribute("href", "#" + (prefix ? prefix + "-" : "") + "print-ref-" + id);
        a.dataset.printRef = "1";
      }
    });
    var ids = Object.keys(cited);
    if (ids.length && opts.refs) {
      var list = el("div", "print-refs");
      list.appendChild(el("h2", "", words().references));
      list.appendChild(el("p", "", words().referencesNote));
      opts.refs.querySelectorAll(".citation[id]").forEach(function (entry) {
        if (!cited[entry.id]) return;
        var copy = document.importNode(entry, true);
        copy.id = (prefix ? prefix + "-" : "") + "print-ref-" + entry.id;
        copy.classList.add("print-ref");
        list.appendChild(copy);
      });
      back.appendChild(list);
    }

    // Page text that only makes sense on the site.
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var siteOnly = /(Choose|Pick|Select) an answer to see [^.;:]*/g;
    for (var t = walker.nextNode(); t; t = walker.nextNode()) {
      if (siteOnly.test(t.nodeValue)) {  // the sentence's own punctuation follows
        t.nodeValue = t.nodeValue.replace(siteOnly, words().onPaper);
      }
      siteOnly.lastIndex = 0;
    }

    // 4. Links and images.
    root.querySelectorAll("a[href]").forEach(function (a) {
      if (a.dataset.printRef) return;
      var raw = a.getAttribute("href");
      var url;
      try { url = new URL(raw, opts.pageUrl); } catch (e) { return; }
      if (url.origin === origin) {
        var here = bareUrl(url.href) === bareUrl(opts.pageUrl);
        var target = index && index[bareUrl(url.href)];
        if (here && url.hash) {
          a.setAttribute("href", "#" + (prefix ? prefix + "-" : "") + decodeURIComponent(url.hash.slice(1)));
        } else if (target) {
          a.setAttribute("href", "#" + target + (url.hash ? "-" + decodeURIComponent(url.hash.slice(1)) : ""));
        } else {
          a.removeAttribute("href");  // another page of the site: no address to print
        }
      } else if (/^https?:/.test(url.protocol)) {
        a.setAttribute("href", url.href);
        var text = a.textContent.trim();
        if (text && (url.href.indexOf(text) === 0 || text.indexOf(url.href.replace(/\/$/, "")) === 0)) {
          a.classList.add("print-no-url");
        }
      }
    });
    root.querySelectorAll("img").forEach(function (img) {
      img.loading = "eager";
      var src = img.getAttribute("src");
      if (src && !/^data:/.test(src)) img.setAttribute("src", new URL(src, opts.pageUrl).href);
    });

    if (!back.childNodes.length) back.remove();
    return {questions: qn, references: ids.length, solutions: sols.length};
  }

  function imagesLoaded() {
    return Promise.all(Array.prototype.map.call(document.images, function (img) {
      if (img.complete) return true;
      return new Promise(function (ok) { img.onload = img.onerror = ok; });
    }));
  }

  window.coursePrint = {prepare: prepare, imagesLoaded: imagesLoaded, clean: clean};
})();
