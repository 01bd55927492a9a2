# Two commands for humans: `make serve` and `make test`. Everything else is a step.
VENV    := .venv
PY      := $(VENV)/bin/python
INVOKE  := $(VENV)/bin/invoke
PY_STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: setup system-deps build serve test check new clean

$(PY_STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

# `npm ci`: installs exactly the lock and never rewrites it (a fresh clone stays clean).
# No install scripts: the only one, vnu-jar's, downloads a Java runtime; Java comes
# from Debian (scripts/install_system_deps.sh).
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

setup: $(PY_STAMP) $(NODE_STAMP)

system-deps:
	bash scripts/install_system_deps.sh

# SITE=slug (a portal of the network, docs/network.md) or SITE=all: into output/<slug>/
build: setup
	$(INVOKE) build $(if $(SITE),--site "$(SITE)")

check: setup
	$(INVOKE) check $(if $(SITE),$(if $(filter all,$(SITE)),--all,--site "$(SITE)"))

# make new TITLE="Tiêu đề bài" CATEGORY="Kinh tế": invoke new without invoke on PATH
new: setup
	$(INVOKE) new --title "$(TITLE)" --category "$(CATEGORY)"

# builds, serves, rebuilds on change; a failed build keeps the last good one served
serve: setup
	$(INVOKE) serve-portal $(if $(SITE),--site "$(SITE)")

test: setup system-deps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup
	node --test tests/js/

clean:
	rm -rf output output.* cache var
