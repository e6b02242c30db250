# The two commands a newcomer needs: `make run` and `make test`.
.PHONY: run test deps build bench clean

deps:
	@scripts/install-deps.sh

build: deps
	swift build --product routertop

run: build
	.build/debug/routertop

test: deps
	swift build --build-tests
	swift test --skip-build

bench:
	swift run -c release RouterBenchmarks

clean:
	rm -rf .build
