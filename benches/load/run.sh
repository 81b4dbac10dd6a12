#!/usr/bin/env bash
# Load test: this workspace's example servers side by side with servers built on PropelAuth's
# official `propelauth` crate (crates.io), on axum and actix-web, same token, same machine.
#
# - Each server is pinned to one core with `taskset` (SERVER_CPU, default 0) and wrk to the
#   other (CLIENT_CPU, default 1); loopback only (127.0.0.1).
# - Routes: GET /api/whoami (takes the user, answers it as JSON), GET /api/group/ping (takes
#   the user, answers "pong": ours through the route-group layer, the official crate's through
#   its `User` extractor) and GET /healthz (unprotected, "ok"), each for DURATION (default 10s) with CONNECTIONS (default 32), in
#   ROUNDS (default 3) interleaved rounds; the summary takes the medians.
# - The official crate's servers are built in a scratch project under target/ (never a
#   workspace member, so CI never compiles it); its source is written by this script.
# - Ours run in development mode (the embedded stand-in of the auth service, the committed
#   test key); the official servers are given the same public key and issuer. One token,
#   signed here with the test kit's private key, goes to all of them.
#
# Needs wrk (`apt-get install -y wrk`), taskset (util-linux), curl and openssl. Prints one line per run and a
# summary; docs/performance.md describes the method and the figures.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH="$ROOT/target/load-official"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
PEM="$ROOT/crates/propelauth-testing/keys/test_public_key.pem"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

echo "== building our example servers (release)" >&2
(cd "$ROOT" && cargo build --release --quiet --bin axum --bin actix)

echo "== building the official crate's servers in $SCRATCH (release)" >&2
mkdir -p "$SCRATCH/src/bin"
cat > "$SCRATCH/Cargo.toml" <<'TOML'
[package]
name = "official-propelauth-load"
version = "0.0.0"
edition = "2021"
publish = false

# Not part of the propelauth-rs workspace.
[workspace]

[dependencies]
propelauth = { version = "0.24", default-features = false, features = ["axum08", "actix4", "rustls"] }
axum = "0.8"
actix-web = "4"
tokio = { version = "1", features = ["rt-multi-thread", "macros", "net"] }

[profile.release]
debug = false
TOML
cat > "$SCRATCH/src/lib.rs" <<'RUST'
//! The official crate initialized without any request: the test kit's public key, issuer
//! derived from the auth URL (as ours).
use propelauth::models::AuthTokenVerificationMetadata;
use propelauth::propelauth::auth::PropelAuth;
use propelauth::propelauth::options::AuthOptionsWithTokenVerification;

pub fn auth() -> PropelAuth {
    let pem = std::fs::read_to_string(std::env::var("PEM_FILE").expect("PEM_FILE")).expect("pem");
    PropelAuth::init(AuthOptionsWithTokenVerification {
        auth_url: "https://auth.propelauth.test".to_owned(),
        api_key: "propelauth-test-api-key-0123456789abcdef".to_owned(),
        manual_token_verification_metadata: AuthTokenVerificationMetadata::new(pem),
    })
    .expect("the official crate initializes")
}

pub fn port() -> u16 {
    std::env::var("PORT").ok().and_then(|port| port.parse().ok()).unwrap_or(3100)
}
RUST
cat > "$SCRATCH/src/bin/official_axum.rs" <<'RUST'
use axum::routing::get;
use axum::{Json, Router};
use propelauth::axum08::PropelAuthLayer;
use propelauth::propelauth::token_models::User;

async fn whoami(user: User) -> Json<User> {
    Json(user)
}

async fn ping(_user: User) -> &'static str {
    "pong"
}

#[tokio::main]
async fn main() {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/whoami", get(whoami))
        .route("/api/group/ping", get(ping))
        .layer(PropelAuthLayer::new(official_propelauth_load::auth()));
    let address = format!("127.0.0.1:{}", official_propelauth_load::port());
    let listener = tokio::net::TcpListener::bind(&address).await.expect("bind");
    println!("official axum listening on http://{address}");
    axum::serve(listener, app).await.expect("serve");
}
RUST
cat > "$SCRATCH/src/bin/official_actix.rs" <<'RUST'
use actix_web::{App, HttpServer, get, web};
use propelauth::propelauth::token_models::User;

#[get("/api/whoami")]
async fn whoami(user: User) -> web::Json<User> {
    web::Json(user)
}

#[get("/api/group/ping")]
async fn ping(_user: User) -> &'static str {
    "pong"
}

#[get("/healthz")]
async fn healthz() -> &'static str {
    "ok"
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let auth = web::Data::new(official_propelauth_load::auth());
    let address = format!("127.0.0.1:{}", official_propelauth_load::port());
    println!("official actix listening on http://{address}");
    HttpServer::new(move || App::new().app_data(auth.clone()).service(whoami).service(ping).service(healthz))
        .bind(&address)?
        .run()
        .await
}
RUST
(cd "$SCRATCH" && cargo build --release --quiet)

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# start NAME PORT COMMAND...: starts a pinned server, waits for /healthz.
start() {
    local name=$1 port=$2; shift 2
    PORT=$port HOST=127.0.0.1 PEM_FILE="$PEM" taskset -c "$SERVER_CPU" "$@" \
        > "$SCRATCH/$name.out" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$name did not start" >&2; cat "$SCRATCH/$name.out" >&2; exit 1
}

# bench NAME URL: requests per second over DURATION, appended to RESULTS[NAME].
bench() {
    local name=$1 url=$2
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url")
    [ "$status" = 200 ] || { echo "$name: $url answered $status" >&2; exit 1; }
    local rps
    rps=$(taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" \
        -H "Authorization: Bearer $TOKEN" "$url" | awk '/Requests\/sec/ {print $2}')
    echo "round $round: $name $rps"
    RESULTS["$name"]="${RESULTS["$name"]:-} $rps"
}

# median NAME: the median of RESULTS[NAME].
median() {
    echo "${RESULTS["$1"]}" | tr ' ' '\n' | grep -v '^$' | sort -g \
        | awk '{ values[NR] = $1 } END { print (NR % 2) ? values[(NR + 1) / 2] : (values[NR / 2] + values[NR / 2 + 1]) / 2 }'
}

# The token: realistic_token(1)'s claims (names, email, properties, one org with a role,
# inherited roles, six permissions and metadata), plus the two org fields the official crate
# requires (`org_role_structure`, `additional_roles`, which PropelAuth's tokens carry), signed
# RS256 with the test kit's committed private key by openssl. About 1.5 KB.
base64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
NOW=$(date +%s)
HEADER=$(printf '{"alg":"RS256","typ":"JWT"}' | base64url)
PAYLOAD=$(printf '%s' '{"user_id":"31c41c16-c281-44ae-9602-8a047e3bf33d","iss":"https://auth.propelauth.test","iat":'"$NOW"',"exp":'"$((NOW + 86400))"',"login_method":{"login_method":"password"},"email":"ada@analytical-engines.example","first_name":"Ada","last_name":"Lovelace","properties":{"favorite_language":"rust","newsletter_opt_in":true,"signup_source":"referral"},"org_id_to_org_member_info":{"1189c444-8a2d-4c41-8b4b-ae43ce79a000":{"org_id":"1189c444-8a2d-4c41-8b4b-ae43ce79a000","org_name":"Acme Corporation 0","url_safe_org_name":"acme-corporation-0","org_metadata":{"plan":"enterprise","seats":250},"user_role":"Admin","inherited_user_roles_plus_current_role":["Admin","Member"],"user_permissions":["can_view_billing","can_edit_billing","can_view_reports","can_export_reports","can_invite_members","can_manage_api_keys"],"org_role_structure":"single_role_in_hierarchy","additional_roles":[]}}}' | base64url)
SIGNATURE=$(printf '%s' "$HEADER.$PAYLOAD" \
    | openssl dgst -sha256 -sign "$ROOT/crates/propelauth-testing/keys/test_private_key.pem" -binary \
    | base64url)
TOKEN="$HEADER.$PAYLOAD.$SIGNATURE"
echo "token: ${#TOKEN} bytes" >&2

declare -A RESULTS
start ours-axum 3201 "$ROOT/target/release/axum"
start ours-actix 3202 "$ROOT/target/release/actix"
start official-axum 3203 "$SCRATCH/target/release/official_axum"
start official-actix 3204 "$SCRATCH/target/release/official_actix"

# Rounds interleave every server, so that a neighbour's load spreads over all of them.
for round in $(seq 1 "$ROUNDS"); do
    for framework in axum actix; do
        port_ours=$([ $framework = axum ] && echo 3201 || echo 3202)
        port_official=$([ $framework = axum ] && echo 3203 || echo 3204)
        bench "ours-$framework/whoami" "http://127.0.0.1:$port_ours/api/whoami"
        bench "ours-$framework/healthz" "http://127.0.0.1:$port_ours/healthz"
        bench "official-$framework/whoami" "http://127.0.0.1:$port_official/api/whoami"
        bench "official-$framework/healthz" "http://127.0.0.1:$port_official/healthz"
        bench "ours-$framework/ping" "http://127.0.0.1:$port_ours/api/group/ping"
        bench "official-$framework/ping" "http://127.0.0.1:$port_official/api/group/ping"
    done
done

echo "== summary (requests/s, median of $ROUNDS rounds)"
for framework in axum actix; do
    ours=$(median "ours-$framework/whoami")
    official=$(median "official-$framework/whoami")
    healthz=$(median "ours-$framework/healthz")
    official_healthz=$(median "official-$framework/healthz")
    ping=$(median "ours-$framework/ping")
    official_ping=$(median "official-$framework/ping")
    awk -v f="$framework" -v o="$ours" -v p="$official" -v h="$healthz" -v ph="$official_healthz" \
        -v g="$ping" -v pg="$official_ping" 'BEGIN {
        printf "%s: whoami ours %.0f, official %.0f -> ours/official %.2fx; healthz ours %.0f, official %.0f; ours whoami/healthz %.2f\n",
            f, o, p, o / p, h, ph, o / h
        printf "%s: group/ping ours %.0f, official %.0f -> ours/official %.2fx; ours ping/healthz %.2f, official ping/healthz %.2f\n",
            f, g, pg, g / pg, g / h, pg / ph }'
done
