# Vigil: two commands from a fresh Debian 12 machine with Swift 6.3.1.
#   make serve   install what is missing, build in release, start the daemon
#   make test    install what is missing, build and run every test
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8080
DB ?= var/vigil.sqlite
# The release build targets the CPU it runs on (AVX-512 here); the default
# debug build keeps the compiler's baseline so it runs on any x86-64 machine.
NATIVE_FLAGS ?= -Xswiftc -target-cpu -Xswiftc native -Xcc -march=native
RELEASE = $(SWIFT) build -c release $(NATIVE_FLAGS)

.PHONY: all deps models build release serve serve-central test test-loaded eval eval-reduction eval-identification calibrate-faces calibrate-fingers eval-finger-calibration eval-fingers bench bench-fingers bench-fingers-indexed bench-posts fuzz load clean

all: test

deps:
	@scripts/install-deps.sh

models: deps
	@Models/fetch-models.sh

build: models
	$(SWIFT) build

release: models
	$(RELEASE)

serve: release
	@mkdir -p $(dir $(DB))
	@echo "Starting Vigil with database $(DB): console http://$(HOST):$(PORT)/console/, API http://$(HOST):$(PORT)/v1/; stop with Ctrl-C."
	$$($(RELEASE) --show-bin-path)/vigil serve --host $(HOST) --port $(PORT) --db $(DB)

# Headquarters for a demo: a local PostgreSQL and two nodes on it (ports 8080 and 8081).
serve-central: release
	VIGIL=$$($(RELEASE) --show-bin-path)/vigil HOST=$(HOST) scripts/serve-central.sh

# Every suite in one run, in parallel. The live-HTTP tests give a request 120 s
# (Tests/VigilDaemonTests/HTTPFixtures.swift), so they pass beside the CPU-heavy face
# suites and on a loaded machine: `make test-loaded` proves it with one core held busy.
# Then the API contract: schemathesis against a live daemon, bounded per role (docs/api.md).
# The PostgreSQL store's tests use a private cluster under .build/ (scripts/test-postgres.sh),
# started for the run and stopped after it, whatever the outcome; the transaction writer's
# cross-check uses nistitl from the pinned Python tools (scripts/python-tools.sh).
# At most TEST_WIDTH tests run at once: unbounded, some seventy started together, each
# with its own service and face engines, and the test process reached 18 GB of the
# machine's 23, stalling everything for a minute (docs/testing.md).
TEST_WIDTH ?= 8
test: models
	$(SWIFT) build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) && export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH && \
	VIGIL_PYTHON_TOOLS=$$(scripts/python-tools.sh) && export VIGIL_PYTHON_TOOLS && \
	VIGIL_TEST_POSTGRES=$$(scripts/test-postgres.sh start) && export VIGIL_TEST_POSTGRES && \
	  { $(SWIFT) test --skip-build; status=$$?; scripts/test-postgres.sh stop; exit $$status; }
	VIGIL=$$($(SWIFT) build --show-bin-path)/vigil EXAMPLES=10 MAX_TIME=60 scripts/api-contract.sh

test-loaded: models
	scripts/test-loaded.sh

# Face accuracy quoted in docs/faces.md: each population on its own, Pakistani faces first
# (about 10 minutes; lfw-a-j has 26 million impostor pairs).
FACES = ../shared/data/faces
eval: release
	$$($(RELEASE) --show-bin-path)/vigil eval faces $(FACES)/pakistan-politicians --components
	$$($(RELEASE) --show-bin-path)/vigil eval faces $(FACES)/lfw-a-j --components
	$$($(RELEASE) --show-bin-path)/vigil eval faces $(FACES)/lfw10 $(FACES)/johns --components

# The dimension-reduction table in docs/faces.md: each population reduced by a PCA fitted
# on the other (about 20 minutes).
eval-reduction: release
	$$($(RELEASE) --show-bin-path)/vigil eval faces $(FACES)/pakistan-politicians --reduce-to 64 --reduce-to 128 --reduce-to 192 --reduce-to 256 --reduce-fit $(FACES)/lfw-a-j
	$$($(RELEASE) --show-bin-path)/vigil eval faces $(FACES)/lfw-a-j --reduce-to 64 --reduce-to 128 --reduce-to 192 --reduce-fit $(FACES)/pakistan-politicians

# Open-set identification figures in docs/faces.md (about 20 minutes).
eval-identification: release
	$$($(RELEASE) --show-bin-path)/vigil eval identification $(FACES)/lfw-a-j --gallery-per-identity 1
	$$($(RELEASE) --show-bin-path)/vigil eval identification $(FACES)/pakistan-politicians --distractors $(FACES)/lfw-a-j --gallery-per-identity 1
	$$($(RELEASE) --show-bin-path)/vigil eval identification $(FACES)/pakistan-politicians --distractors $(FACES)/lfw-a-j --gallery-per-identity 5

# Refits the shipped face calibration (docs/face-calibration.json and ShippedFaceCalibration.swift).
calibrate-faces: release
	$$($(RELEASE) --show-bin-path)/vigil calibrate faces $(FACES)/lfw10 $(FACES)/pakistan-politicians $(FACES)/lfw-a-j --out docs/face-calibration.json
	scripts/ship-face-calibration.py docs/face-calibration.json

# Refits the finger score normalisation by pair count (about 9 minutes); prints the table
# PairCountNormalisation+Shipped.swift holds (docs/fingerprints.md).
calibrate-fingers: release
	$$($(RELEASE) --show-bin-path)/vigil calibrate fingers $(foreach d,1 2 3 4,$(FVC)/FVC2000/DB$(d)_B) --pairs 4000000

# A sensor's own finger calibration against the shipped one, two-fold on each FVC database
# (about 12 minutes; docs/fingerprints.md).
eval-finger-calibration: release
	scripts/eval-finger-calibration.sh $$($(RELEASE) --show-bin-path)/vigil $(FVC)

# Fingerprint accuracy quoted in the README: Vigil's extractor on all eight FVC databases,
# then the matcher on the minutiae templates shipped with FVC2002.
FVC = ../shared/data/fingerprints
eval-fingers: release
	@for db in FVC2002/DB1_B FVC2002/DB2_B FVC2002/DB3_B FVC2002/DB4_B FVC2000/DB1_B FVC2000/DB2_B FVC2000/DB3_B FVC2000/DB4_B; do \
		echo "== $$db (images)"; $$($(RELEASE) --show-bin-path)/vigil eval fingers $(FVC)/$$db --source images || exit 1; done
	@for db in DB1_B DB2_B DB3_B DB4_B; do \
		echo "== FVC2002/$$db (shipped ISO minutiae)"; $$($(RELEASE) --show-bin-path)/vigil eval fingers $(FVC)/FVC2002/$$db --source templates || exit 1; done

# Fingerprint matching speed quoted in the README (one core, against the plain baseline in the same run).
bench-fingers: release
	$$($(RELEASE) --show-bin-path)/vigil bench fingers --gallery 2000 --probes 20

# The fingerprint index over a million fingers, as the README's table (docs/fingerprints.md; about
# 41 minutes and 14 GB: building the distractors' cylinders takes 17, searching 120 probes
# exhaustively 19).
bench-fingers-indexed: release
	$$($(RELEASE) --show-bin-path)/vigil bench fingers --indexed --gallery 1000000 --exhaustive-probes 120 \
		--enrolled-impressions 2 --first-probe-impression 3 --json

# Search speed figures quoted in the README (about 3 minutes; writes var/bench-1m.sqlite).
bench: release
	@mkdir -p var
	$$($(RELEASE) --show-bin-path)/vigil bench search --gallery 1000000 --queries 10000 --threads 2 --layout int8 --from-db var/bench-1m.sqlite

# The post network's figures (README): catch-up of 100,000 entries, upload after an outage,
# change to searchable, headquarters' verify; real processes on loopback (about 10 minutes).
bench-posts: release
	scripts/bench-posts.py $$($(RELEASE) --show-bin-path)/vigil

# Screening throughput and latency on loopback with wrk (figures in the README).
load: models
	scripts/load-test.sh

# libFuzzer on the image decode path and the template parsers (FUZZ_SECONDS each, default 600).
fuzz: deps
	scripts/fuzz.sh

clean:
	rm -rf .build
