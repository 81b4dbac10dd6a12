//! Each guide's install section lists exactly the crates its examples use, so a reader who
//! copies the `[dependencies]` / `[dev-dependencies]` lines can build every snippet, and no
//! snippet reaches for a crate the guide never asks for (`propelauth-core` above all: the
//! adapter re-exports it).
// Test code: a failed fixture should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

/// The guides with an install section. (`docs/api-docs.md` adds to a framework guide's
/// install section, so its blocks list the OpenAPI crates only.)
const GUIDES: [&str; 7] = [
    "docs/axum.md",
    "docs/actix.md",
    "docs/rocket.md",
    "docs/poem.md",
    "docs/custom-server.md",
    "docs/testing.md",
    "docs/api.md",
];

/// The fenced blocks of `markdown` whose info string starts with `language`, except
/// `ignore` blocks (never compiled: sketches for other frameworks).
fn blocks<'a>(markdown: &'a str, language: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut rest = markdown;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let info_end = after.find('\n').unwrap_or(after.len());
        let info = &after[..info_end];
        let body = &after[(info_end + 1).min(after.len())..];
        let end = body.find("```").expect("an unclosed code block");
        if info.trim().starts_with(language) && !info.contains("ignore") {
            found.push(&body[..end]);
        }
        rest = &body[end + 3..];
    }
    found
}

/// The crate names a TOML block declares in its dependency tables (`name = ...` and
/// `name.workspace = ...` lines), in their Rust spelling (`propelauth_axum`).
fn declared(toml: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    // A block may start with dependency lines without a header.
    let mut in_dependencies = true;
    for line in toml.lines().map(str::trim) {
        if let Some(table) = line.strip_prefix('[') {
            in_dependencies = table.trim_end_matches(']').ends_with("dependencies");
            continue;
        }
        if !in_dependencies || line.starts_with('#') {
            continue;
        }
        if let Some((key, _)) = line.split_once('=') {
            let name = key.trim().split('.').next().unwrap_or_default();
            if !name.is_empty() {
                names.insert(name.replace('-', "_"));
            }
        }
    }
    names
}

/// The crates among `known` that Rust code names: `name::`, `use name`, `#[name::...]`.
fn used(rust: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let identifier = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut rest = rust;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
        let before = rest[..start].chars().next_back();
        let word_len = rest[start..]
            .find(|c: char| !identifier(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let after = &rest[start + word_len..];
        // A path's first segment: not preceded by `::` or `.`, followed by `::`.
        let first_segment = !matches!(before, Some(':') | Some('.'));
        if first_segment
            && known.contains(word)
            && (after.starts_with("::") || {
                let preceding = rest[..start].trim_end();
                preceding.ends_with("use") || preceding.ends_with("extern crate")
            })
        {
            found.insert(word.to_owned());
        }
        rest = &rest[start + word_len..];
    }
    found
}

/// Every crate a guide could name: this package's dependencies (what the doctests see).
fn known_crates() -> BTreeSet<String> {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut known = declared(&manifest);
    // Always in scope, never installed.
    known.retain(|name| name != "std");
    known.insert("propelauth_core".to_owned());
    known
}

#[test]
fn each_install_section_lists_exactly_the_crates_its_examples_use() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let known = known_crates();
    let mut failures = Vec::new();
    for guide in GUIDES {
        let markdown = std::fs::read_to_string(root.join(guide)).unwrap();
        let listed: BTreeSet<String> = blocks(&markdown, "toml")
            .into_iter()
            .flat_map(declared)
            .collect();
        let named: BTreeSet<String> = blocks(&markdown, "rust")
            .into_iter()
            .flat_map(|rust| used(rust, &known))
            .collect();
        if listed != named {
            failures.push(format!(
                "{guide}: used but not installed {:?}; installed but not used {:?}",
                named.difference(&listed).collect::<Vec<_>>(),
                listed.difference(&named).collect::<Vec<_>>(),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_scanner_finds_crate_paths_and_nothing_else() {
    let known: BTreeSet<String> = ["axum", "tokio", "serde_json", "propelauth_axum"]
        .map(str::to_owned)
        .into();
    let rust = "use axum::Router;\n# #[tokio::main]\nlet x = json!(1); my_axum::f(); \
                propelauth_axum::init_auth(); let axum = 1; x.axum::<u8>();";
    assert_eq!(
        used(rust, &known),
        ["axum", "propelauth_axum", "tokio"]
            .map(str::to_owned)
            .into()
    );
    assert_eq!(
        declared(
            "[dependencies]\npropelauth-axum = \"0.1\"\n# a comment\ntokio = { version = \"1\" }\n\
             [features]\ndev = [\"propelauth-axum/development\"]\n\
             [dev-dependencies]\nserde_json.workspace = true"
        ),
        ["propelauth_axum", "serde_json", "tokio"]
            .map(str::to_owned)
            .into()
    );
}
