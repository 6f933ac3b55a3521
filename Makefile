# One entry per habit. Every target sets itself up (scripts/bootstrap creates .venv on first use).
.PHONY: install demo test lint format typecheck bench lock clean

install:
	scripts/bootstrap

demo:
	scripts/demo

test:
	scripts/test

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

typecheck: install
	.venv/bin/pyright

bench:
	scripts/bench

lock: install
	.venv/bin/pip freeze --exclude-editable | grep -vi '^carbon.kepler' \
	  | sed '1i # Exact versions the test suite and CI run with (pip install -c constraints.txt). Regenerate with `make lock`.' > constraints.txt

clean:
	rm -rf .venv .pytest_cache .ruff_cache .hypothesis dist build
