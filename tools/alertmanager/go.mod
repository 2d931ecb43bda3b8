module github.com/local/daemonsets/tools/alertmanager

go 1.26.0

require github.com/prometheus/alertmanager v0.35.0 // indirect
