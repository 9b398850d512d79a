# Two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.mcdesk-installed
TEST_STAMP := $(VENV)/.mcdesk-test-deps

.PHONY: run test lint typecheck imports pytest bundle catalog screenshots bench crash-harness clean

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[ui,server,dev]'
	touch $(STAMP)

# What only the tests use (PostgreSQL, Xvfb + openbox, poppler-utils): not needed to run.
$(TEST_STAMP): $(STAMP) scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh --tests
	touch $(TEST_STAMP)

## Start the app on embedded defaults (SQLite, bundled catalog, demo class).
run: $(STAMP)
	$(BIN)/python -m mcdesk

## Every check: format, lint, types, import contracts, tests (slow ones included).
test: $(STAMP) lint typecheck imports pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

pytest: $(TEST_STAMP)
	$(BIN)/python -m pytest --durations=25

## One-folder PyInstaller bundle in dist/mcdesk (catalog included, server excluded).
bundle: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/mcdesk.spec

## Rebuild content_cache/packs from content_cache/src with the DEMO publisher key.
catalog: $(STAMP)
	$(BIN)/python -m mcdesk catalog rebuild-bundled

## The main screens at 1280×800 into docs/screenshots (offscreen; QT_QPA_PLATFORM=xcb for X11),
## and the Teacher Resource Center's pages at 390×844 and 1280×800 (headless chromium; a busy
## school's pages, whole length, at 360 and 390 px too: trc-busy-*.png),
## and a badge's whole road (station wallet, verify page, `mcdesk badge verify`): badge-*.png.
screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py
	MCDESK_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/server/web/test_walkthrough.py tests/server/web/test_names_escaped.py \
		tests/server/web/test_phone_layout.py tests/ui/test_badge_walkthrough.py

bench: $(STAMP)
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/pack_import.py
	$(BIN)/python bench/code_check.py
	$(BIN)/python bench/study_ui.py
	$(BIN)/python bench/answer_save.py
	$(BIN)/python bench/exam_ui.py
	$(BIN)/python bench/teacher_record.py
	$(BIN)/python bench/kiosk.py
	$(BIN)/python bench/content_update.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/badges.py
	$(BIN)/python bench/board.py
	$(BIN)/python bench/roster_import.py
	$(BIN)/python bench/joining.py
	$(BIN)/python bench/qti_import.py
	$(BIN)/python bench/pack_lint.py
	$(BIN)/python bench/pack_build.py

## The assessment crash harness with 500 SIGKILLs (CI runs 50 in `make test`).
crash-harness: $(STAMP)
	MCDESK_CRASH_KILLS=500 $(BIN)/python -m pytest -q tests/exam/test_crash.py

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
