# voc: see README.md. `make demo` and `make test` do all set-up on a fresh machine.
GO       ?= go
BIN      ?= bin/voc
# Packages whose tests fit the CI budget under the race detector.
RACE_PKGS ?= ./pipeline/... ./internal/localenv/... ./internal/migrate/...

.PHONY: all build deps demo test test-race lint bench fmt clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/voc

# deps installs what a fresh machine lacks: Go modules and the ClickHouse
# engine (npm package, integrity-checked, cached under ~/.cache/voc).
deps:
	$(GO) mod download
	$(GO) run ./cmd/voc install

demo: deps build
	$(BIN) demo

test: deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...
	$(GO) test -count=1 -race -timeout 30m $(RACE_PKGS)

lint:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed:"; gofmt -l .; exit 1)
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo "staticcheck not installed: skipped"; fi

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

fmt:
	gofmt -w .

clean:
	rm -rf bin
