# Convenience recipes. Nothing here is required: the README and CI use plain cargo.

# Run the axum example server in development mode (the quick start).
run:
    cargo run --bin axum

# Run every test (what the README says).
test:
    cargo test --workspace

# Run the benchmarks (results go in docs/performance.md).
bench:
    cargo bench -p propelauth-core --bench validate

# Fuzz the token path longer than the test suite does: `cases` per property (the suite runs
# 300 to 2000), a fresh seed unless one is given (`just fuzz 200000 42` replays seed 42).
fuzz cases="100000" seed=`date +%s`:
    @echo "fuzz_token: {{cases}} cases per property, PROPTEST_RNG_SEED={{seed}}"
    PROPTEST_CASES={{cases}} PROPTEST_RNG_SEED={{seed}} cargo test --release -p propelauth-core --test fuzz_token

# Formatting and lints, as CI runs them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --all-features -- -D warnings
    cargo clippy -p propelauth-core -p propelauth-testing --all-targets --no-default-features --features rust-crypto -- -D warnings

# Package every published crate and build each from its .crate file (docs/releasing.md).
package:
    scripts/package.sh

# Build the API docs.
doc:
    cargo doc --workspace --no-deps --open

# Everything CI runs.
ci:
    bash .ci/run
