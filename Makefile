# Set-up, serving and tests. `make run` and `make test` are all a fresh Debian machine needs.
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run setup test lint clean bench backup restore

$(PY):
	./scripts/make_venv.sh
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	$(PY) -m pilotage setup

# The port is 8501 (.streamlit/config.toml); STREAMLIT_SERVER_PORT and the other STREAMLIT_* settings win.
run: setup
	$(BIN)/streamlit run serve.py

test: $(VENV)/.installed-dev
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# The database (DATABASE_URL, else the default SQLite file), backed up while the app runs; FILE chooses the file.
backup: $(VENV)/.installed
	$(PY) -m pilotage backup $(FILE)

# Restore FILE into an empty database: make restore FILE=var/sauvegardes/pilotage-20261202-093000.sqlite3
restore: $(VENV)/.installed
	@test -n "$(FILE)" || (echo "Indiquez la sauvegarde : make restore FILE=..." >&2; exit 2)
	$(PY) -m pilotage restore $(FILE)

# Map payload and page-read figures on a synthetic national dataset (1,600 QPV, ~450 contracts).
bench: $(VENV)/.installed
	$(PY) -m bench

clean:
	rm -rf $(VENV) var
