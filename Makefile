# cybridge — see README.md. `make demo` and `make test` are the two commands
# a fresh machine needs.
GO       ?= go
BIN      := bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
# A count, not a duration: with a duration Go's fuzz coordinator can report a
# spurious "context deadline exceeded" at the deadline on a loaded machine
# (golang/go#75804, fixed in Go 1.27; this module is on 1.26). 20000 inputs
# take 2-15 s per target here.
FUZZTIME ?= 20000x

.PHONY: build test unit fuzz lint demo bench clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/cybridge ./cmd/cybridge
	$(GO) build -o $(BIN)/cybozusim ./cmd/cybozusim

# test: vet, every unit/integration/end-to-end test, then each fuzz target
# for a bounded time.
test: lint unit fuzz

# Tests that need Debian's radicale (CalDAV) or chromium (console) skip
# without them, loudly, outside CI; with CI=true (as .ci/run sets, after
# installing both) they fail instead.
unit:
	@for c in radicale chromium; do command -v $$c >/dev/null 2>&1 || \
	  echo "WARNING: $$c is not installed: its tests will be SKIPPED (.ci/run installs it; or apt-get install $$c)"; done
	$(GO) test -count=1 ./...

# Each fuzz target runs for FUZZTIME (go test -fuzz takes one target at a time).
fuzz:
	@for f in $$(grep -rl --include='*_test.go' '^func Fuzz' .); do \
	  d=$$(dirname $$f); \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$f | sed 's/^func //'); do \
	    echo "fuzz $$d $$t ($(FUZZTIME))"; \
	    $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) ./$$d || exit 1; \
	  done; \
	done

lint:
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; else echo "staticcheck not installed; skipped (CI installs it)"; fi

demo: build
	./demo/run.sh

# bench: SPEC §9's figures, each beside its target (see BENCHMARKS.md); takes
# about 7 minutes. BENCHFLAGS passes flags, e.g. BENCHFLAGS="-runs 1 -only read,csv".
# Not part of test (its smoke test is).
BENCHFLAGS ?=
bench:
	$(GO) run ./cmd/cybridge-bench $(BENCHFLAGS)

clean:
	rm -rf $(BIN)
