# The two commands: `make run` and `make test`. Both set everything up on a fresh machine
# that has Python 3.11, pip and make: uv (pinned) in .tools/, the locked dependencies in .venv/.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
BIN := .venv/bin
MEMBERS := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml clients/*/pyproject.toml)

export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Installed packages ship compiled: an environment that sets PYTHONDONTWRITEBYTECODE would
# otherwise compile scikit-learn, numpy, FastAPI... from source in every process (each model
# worker, each CLI call), seconds apiece.
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-containers lint format bench setup clean sdk graphql-schema

setup: .venv/.synced

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.venv/.synced: $(UV) uv.lock pyproject.toml $(MEMBERS)
	$(UV) sync --frozen --all-packages
	@touch $@

run: .venv/.synced  ## every service in one process on 127.0.0.1:8000
	$(BIN)/insightbus up $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT)) $(if $(DATA_DIR),--data-dir $(DATA_DIR))

test: .venv/.synced
	$(BIN)/pytest

# The adapter contract suites (libs/common/tests/contract/) and the distributed e2e against
# real Kafka, MongoDB and Neo4j containers. Without a Docker engine every test is skipped,
# with the reason, and it exits 0; REQUIRE_DOCKER=1 makes that exit 1.
CONTAINER_SUITES := libs/common/tests/contract tests/e2e/test_distributed.py tests/e2e/test_over_kafka.py
test-containers: .venv/.synced
	INSIGHTBUS_REQUIRE_DOCKER=$(REQUIRE_DOCKER) $(BIN)/pytest -p insightbus.common.testing.containers -rs $(CONTAINER_SUITES)

lint: .venv/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy libs/common/src $(wildcard services/*/src) src clients/python/src
	cd examples/downstream_consumer && $(CURDIR)/$(BIN)/mypy consumer.py records.py  # run as scripts, from their folder
	$(BIN)/lint-imports

format: .venv/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: .venv/.synced
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/tickets.py
	$(BIN)/python bench/user_sockets.py
	$(BIN)/python bench/webhooks.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/graph.py

# The SDK's generated models (clients/python/src/insightbus_client/_generated) and the OpenAPI
# document they come from (clients/python/openapi.json): regenerate after changing a route.
sdk: .venv/.synced
	$(BIN)/python clients/python/tools/generate.py

clean:
	rm -rf .venv .tools

# The GraphQL schema (SDL) of the gateway's /graphql; services/gateway/tests/test_graphql_schema.py
# fails until it is regenerated after a change of the schema.
graphql-schema: .venv/.synced
	$(BIN)/python -m insightbus.gateway.entrypoints.graphql > libs/common/schemas/schema.graphql
