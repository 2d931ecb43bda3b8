module github.com/local/daemonsets/tools/nodebridge

go 1.26.0
