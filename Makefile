# Entry points. Everything runs against the project's own local cluster and state directory (.state/),
# never against a KUBECONFIG found in the environment.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NODES ?= 10

.PHONY: help deps tools env cluster-up cluster-down cluster-status up down test test-unit test-smoke test-e2e typecheck bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

deps: node_modules/.package-lock.json ## install the npm dependencies (pinned by package-lock.json)

tools: ## build the pinned Go tools into ~/.cache/k8s-daemonsets/tools (cached by version)
	tools/build.sh

env: ## print shell exports for the local cluster and Pulumi: eval "$$(make -s env)"
	@scripts/env.sh --print

cluster-up: tools ## start the local cluster (etcd, apiserver, controller-manager, scheduler, NODES kwok nodes)
	scripts/cluster.sh up --nodes $(NODES)

cluster-down: ## stop the local cluster and remove its processes
	scripts/cluster.sh down

cluster-status: ## show the local cluster's components and nodes
	scripts/cluster.sh status

up: deps cluster-up ## the main job: deploy the dev stack to the local cluster and show node -> labels -> pods
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

bench: deps tools ## benchmarks against kubectl at 10/100/1000 nodes (BENCH_SIZES, BENCH_RUNS); writes BENCHMARKS.md
	scripts/bench.sh

.PHONY: hdfs-config
hdfs-config: deps ## write a stack's core-site.xml/hdfs-site.xml to .state/hdfs-config/ (program under Pulumi mocks; STACK=dev)
	node --import tsx scripts/render-hdfs-config.ts $(or $(STACK),dev)
