# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test deps test-deps build release bench clean fuzz sanitize soak

deps:
	@scripts/install-deps.sh

# The tests also need the Python virtual environment with Ray (the bridge's end-to-end test, and
# jsonschema for the contract test), in .venv-ray.
test-deps: deps
	@scripts/install-ray-venv.sh

build: deps
	swift build --product routertop

run: build
	.build/debug/routertop

# The build to run for real traffic: optimised, the Swift runtime linked in (scripts/release-build.sh).
release: deps
	scripts/release-build.sh --product routertop

# One test at a time: the end-to-end tests wait on real processes and terminals, and on two cores
# running them side by side starves the rest of the run until their deadlines pass.
test: test-deps
	swift build --build-tests
	swift test --skip-build --no-parallel
	scripts/fuzz.sh replay
	scripts/check-file-inputs.py --mutations 10
	.venv-ray/bin/python -m unittest discover -s api/tests
	scripts/test-ray.sh

# Fuzzes every parser of outside input for FUZZ_SECONDS each (libFuzzer and AddressSanitizer, in
# .build-fuzz), then drives the real binary over file inputs and their mutations.
FUZZ_SECONDS ?= 60
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)
	swift build --product routertop
	scripts/check-file-inputs.py --mutations 300

# The engine, simulation, runtime and HTTP tests under ThreadSanitizer and AddressSanitizer, each in its own
# scratch path. The AddressSanitizer run checks for leaks too: hosts and tests shut their routers
# down (`Router.shutdown()`), which frees a router dropped with work in flight; only what a
# dependency keeps is suppressed, in scripts/lsan-suppressions.txt, each line with its reason. One
# test at a time, as in `make test`: the backoff suggester's tests have a wall-clock budget that a
# sanitized replay beside other tests overruns.
SANITIZED_TESTS = RouterEngineTests|RouterSimulationTests|RouterHTTPTests
sanitize: deps
	swift build --build-tests --scratch-path .build-tsan --sanitize=thread
	swift test --skip-build --no-parallel --scratch-path .build-tsan --sanitize=thread --filter '$(SANITIZED_TESTS)'
	swift build --build-tests --scratch-path .build-asan --sanitize=address
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt \
		swift test --skip-build --no-parallel --scratch-path .build-asan --sanitize=address --filter '$(SANITIZED_TESTS)'

# A two-minute run of the proxy against four flapping replicas on loopback.
soak: build
	scripts/soak.sh

# The engine's and the dashboard's figures, then the proxy against nginx and HAProxy (its last
# lines are routertop's ratios to them: req/s, p99 and CPU per request).
bench: deps
	scripts/release-build.sh --product RouterBenchmarks
	scripts/release-build.sh --product DashboardBenchmarks
	.build/release/RouterBenchmarks
	.build/release/DashboardBenchmarks
	scripts/bench-proxy.sh

clean:
	rm -rf .build .build-fuzz .build-tsan .build-asan
