# Solidarity in Practice — build, test and preview the course.
# On a fresh machine with Python 3.11 and make, `make html` and `make test`
# are the only set-up steps: both create .venv and install everything.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/python -m coursekit.jb   # jupyter-book, started sooner (coursekit/jb.py)
PORT   ?= 8000
A11Y   := tools/a11y/node_modules/.package-lock.json
SITE   := tools/site/node_modules/.package-lock.json

.PHONY: html html-en html-ar gettext facilitator test test-fast serve lab clean bench pdf packs lock venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## html: build the learner edition in English (_build/html) and in Arabic (_build/html/ar/)
html: html-en
	$(MAKE) html-ar

html-en: $(STAMP) $(SITE)
	$(JB) build . -n -W --keep-going

# --- Arabic edition (see coursekit/i18n.py) -------------------------------------------------
# Its own --path-output, so it keeps its own notebook execution cache; then copied to /ar/.
AR_OUT := _build/ar

## html-ar: build the Arabic edition (pages in _toc-ar.yml) into _build/ar, copy it to _build/html/ar
html-ar: $(STAMP) $(SITE)
	$(BIN)/python -m coursekit.i18n config $(AR_OUT)/_config-ar.yml --language ar
	$(JB) build . --config $(AR_OUT)/_config-ar.yml --toc _toc-ar.yml --path-output $(AR_OUT) -n -W --keep-going
	rm -rf _build/html/ar.tmp && mkdir -p _build/html && cp -r $(AR_OUT)/_build/html _build/html/ar.tmp
	rm -rf _build/html/ar && mv _build/html/ar.tmp _build/html/ar

## gettext: extract every page's text (.pot) and the text code draws (coursekit.pot, by running
## the notebooks), and update the .po of each page in _toc-ar.yml and coursekit.po
gettext: $(STAMP)
	$(BIN)/python -m coursekit.i18n config _build/gettext/_config-pot.yml --language en --execute off
	$(JB) build . --config _build/gettext/_config-pot.yml --builder custom --custom-builder gettext --path-output _build/gettext
	rm -rf _build/gettext/ar-pot
	$(BIN)/python -m coursekit.i18n pots _build/gettext/_build/gettext _build/gettext/ar-pot
	$(BIN)/python -m coursekit.text extract _build/gettext/ar-pot/coursekit.pot
	$(BIN)/sphinx-intl update -p _build/gettext/ar-pot -d locales -l ar -w 0
	$(BIN)/python -m coursekit.i18n check || true

## facilitator: build the facilitator edition (solutions and notes) into _build/facilitator/_build/html
facilitator: $(STAMP) $(SITE)
	COURSE_EDITION=facilitator $(JB) build . --toc _toc-facilitator.yml -n -W --keep-going --path-output _build/facilitator

## test: the full test suite (unit, structure, nbval over every notebook, book builds, browsers),
## on two workers (pytest-xdist; each test file, and each notebook, stays on one worker;
## the builds are shared: tests/conftest.py). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
test: $(STAMP) $(A11Y) $(SITE)
	$(BIN)/python -m pytest tests chapters exercises appendices --nbval-lax -p no:cacheprovider \
		-n $(TEST_WORKERS) --dist loadscope --durations=25

# The accessibility checkers the tests run (axe-core, pa11y, vnu-jar, Puppeteer for Firefox), from
# tools/a11y/package-lock.json; no browser or Java download (Debian's chromium, firefox-esr, java).
$(A11Y): tools/a11y/package-lock.json
	cd tools/a11y && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# PurgeCSS (run by every build: coursekit/site_purge.py) and Lighthouse (make bench), from
# tools/site/package-lock.json; no browser download (Lighthouse uses Debian's chromium).
$(SITE): tools/site/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: the build needs Node.js and npm for PurgeCSS (sudo apt-get install -y nodejs npm)"; exit 1; }
	cd tools/site && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

## test-fast: the checks that need no book build, browser or PDF (seconds): run these while writing
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not needs_build" -p no:cacheprovider -q

## serve: preview the built site on http://127.0.0.1:$(PORT)
serve: html
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

## lab: open the course in JupyterLab (MyST rendered by jupyterlab-myst; quizzes give feedback once run)
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root) chapters/start-here.ipynb

## bench: measure build, page weight, the evidence toolkit and the browser lab; writes bench/results/*.json
bench: $(STAMP) $(SITE)
	$(BIN)/python bench/bench_site.py --output bench/results/site.json
	$(BIN)/python bench/bench_evidence.py --output bench/results/evidence.json
	$(BIN)/python bench/bench_browserlab.py --output bench/results/browserlab.json

## pdf: print the built site to PDF (whole course + one handout per chapter) into _build/pdf,
## and the Arabic edition's, right to left, into _build/pdf/ar
pdf: html
	$(BIN)/python tools/make_pdf.py --html _build/html --out _build/pdf
	$(BIN)/python tools/make_pdf.py --html _build/html/ar --out _build/pdf/ar --toc _toc-ar.yml

## packs: print a session pack per plan (plan, cards to cut, debrief) into _build/packs
packs: facilitator
	$(BIN)/python tools/make_packs.py --html _build/facilitator/_build/html --out _build/packs

## lock: regenerate the pinned requirements.txt from requirements.in
lock:
	rm -rf /tmp/sip-lock && $(PYTHON) -m venv /tmp/sip-lock
	/tmp/sip-lock/bin/pip install --quiet --upgrade pip
	/tmp/sip-lock/bin/pip install --quiet -r requirements.in
	/tmp/sip-lock/bin/pip freeze --exclude-editable | grep -v '^coursekit' > requirements.txt

## clean: remove builds and caches (keeps .venv)
clean:
	rm -rf _build .pytest_cache .hypothesis bench/results evidence-scratch
	find . -name __pycache__ -prune -exec rm -rf {} + -o -name .ipynb_checkpoints -prune -exec rm -rf {} +
