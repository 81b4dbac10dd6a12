# Convenience recipes. Nothing here is required: the README and CI use plain cargo.

# Run the example server (the quick start).
run:
    cargo run -p propelauth-examples --bin quickstart

# Run every test (what the README says).
test:
    cargo test --workspace

# Run the benchmarks (results go in docs/performance.md).
bench:
    cargo bench -p propelauth-core --bench validate

# Formatting and lints, as CI runs them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --all-features -- -D warnings
    cargo clippy -p propelauth-core -p propelauth-testing --all-targets --no-default-features --features rust-crypto -- -D warnings

# Package every published crate and build each from its .crate file (docs/releasing.md).
package:
    cargo package --workspace --exclude propelauth-examples --exclude propelauth-conformance --exclude propelauth-docs-tests

# Build the API docs.
doc:
    cargo doc --workspace --no-deps --open

# Everything CI runs.
ci:
    bash .ci/run
