module github.com/local/daemonsets/tools/jsonnet

go 1.26.0

require github.com/google/go-jsonnet v0.22.0 // indirect
