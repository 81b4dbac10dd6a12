#!/usr/bin/env bash
# Package every published crate and build each one from its .crate file, the other workspace
# crates resolved from the same run (docs/releasing.md, "Packaging"). `.ci/run` and `just package`
# call this script.
#
# Cargo resolves the crates of one `cargo package --workspace` run through a temporary local
# registry (target/package/tmp-registry) and unpacks them under
# $CARGO_HOME/registry/src/-<hash of that registry's path>/. An unpacked copy left by an earlier
# run from the same checkout path is reused as it is, never compared with the new .crate file, so
# a dependent crate is then verified against the old sources of its dependency (seen in CI: the
# test kit built against a core from an earlier commit, without the `env` module). Removing those
# copies first makes every run verify the crates it has just packaged.
set -euo pipefail
cd "$(dirname "$0")/.."

published=(propelauth-core propelauth-testing propelauth-axum propelauth-actix propelauth-rocket
    propelauth-poem)
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# Local registries unpack under a directory named "-<hash>" (they have no host name); crates.io's
# own directory (index.crates.io-<hash>) is never touched.
for crate in "${published[@]}"; do
    for unpacked in "$cargo_home"/registry/src/-*/"$crate"-[0-9]*; do
        [[ -e "$unpacked" ]] || continue
        rm -rf -- "$unpacked"
    done
done
# The verification builds of an earlier run hold those crates as registry crates, which cargo's
# build cache takes as unchanged while their version is: forget our crates' build records (only
# ours, so every dependency stays built).
target_dir="${CARGO_TARGET_DIR:-target}"
rm -rf -- "$target_dir"/debug/.fingerprint/propelauth-*

exec cargo package --workspace --exclude 'propelauth-example-*' --exclude propelauth-conformance \
    --exclude propelauth-docs-tests "$@"
