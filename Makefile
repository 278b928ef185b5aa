# The two commands of the README: `make run` and `make test`. Each does all of
# its own set-up, so both work on a fresh clone.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
WEB_PORT ?= 8000
export WEB_PORT

.PHONY: run test setup services messages system-packages check-deploy clean backup restore

run: setup
	@$(MANAGE) load_demo
	@echo
	@echo "dialogue-event is starting: http://127.0.0.1:$(WEB_PORT)/  (admin: http://127.0.0.1:$(WEB_PORT)/admin/)"
	@echo "Outgoing email is printed by the 'mail' process below. Stop everything with Ctrl-C."
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

test: $(VENV)/.installed services messages system-packages
	@bash scripts/ensure_chromium.sh
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed services messages system-packages
	$(MANAGE) ensure_database
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input --verbosity 0

services:
	@bash scripts/ensure_services.sh

messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "Installing gettext for compilemessages."; apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	@$(MANAGE) compilemessages --ignore=$(VENV) --verbosity 0

# WeasyPrint draws the PDF outcome documents with Debian's Pango, in a font
# that has the Kyrgyz letters (ң, ө, ү).
system-packages: $(VENV)/.installed
	@{ $(BIN)/python -c "import weasyprint" 2>/dev/null && fc-list 2>/dev/null | grep -q DejaVuSans; } || { echo "Installing Pango and fonts for the PDF outcome documents."; apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core >/dev/null; }

# Reinstalled whenever requirements.txt changes.
$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "ERROR: $(PYTHON) is needed (set PYTHON=... to use another 3.11)." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

check-deploy: $(VENV)/.installed
	DEBUG=false SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=dialogue.example.org $(MANAGE) check --deploy --fail-level WARNING

# The database and the uploaded files, into var/backups/<time>/ (README "Backups").
backup: $(VENV)/.installed
	@PYTHON=$(BIN)/python bash scripts/backup.sh

# Into a new database, named every time: make restore BACKUP=var/backups/<time> DATABASE_URL=postgres://.../<name>
restore: $(VENV)/.installed
	@BACKUP="$(BACKUP)" PYTHON=$(BIN)/python bash scripts/restore.sh

clean:
	rm -rf $(VENV) var
