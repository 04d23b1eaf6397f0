# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
MESSAGE_DIRS := portal policy dmp metadata

.PHONY: demo test install messages lint screenshots

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Run the portal on SQLite with demo data (tasks run in-process, e-mail to the console).
# Links the portal writes (OAI baseURL, citations, JSON-LD, e-mails) follow the port the demo serves on.
demo: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
demo: $(STAMP)
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Run the whole suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set).
test: $(STAMP)
	$(PY) manage.py compile_translations
	@(test -x /usr/bin/chromium && command -v xmlsec1 >/dev/null) || sh .ci/system-packages.sh || \
		echo "Chromium or xmlsec1 could not be installed: the browser or SAML tests will be skipped."
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent || \
		echo "axe-core could not be installed from npm: the accessibility test will fail."
	$(PY) -m pytest $(PYTEST_ARGS)

## Screenshots of the role journeys' main pages at 1 280 px, in Japanese and English, into docs/screenshots/
# (the journeys of tests/journeys/ run in Chromium and photograph the pages they pass).
screenshots: $(STAMP)
	$(PY) manage.py compile_translations
	rm -f docs/screenshots/*.png
	JOURNEY_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q -p no:cacheprovider tests/journeys

## Refresh the Japanese message catalogues after changing user-facing strings.
messages: $(STAMP)
	$(PY) manage.py makemessages -l ja --no-location -i ".venv/*" -i "tests/*" -i "bench/*" \
		-i "staticfiles/*" -i "dmp/*" -i "metadata/*" -i "policy/*"
	for app in policy dmp metadata; do (cd $$app && mkdir -p locale && \
		../$(PY) ../manage.py makemessages -l ja --no-location); done
	$(PY) manage.py compile_translations

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
