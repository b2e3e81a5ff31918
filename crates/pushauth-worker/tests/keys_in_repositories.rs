//! No handler builds a storage key: the key schema (`store::keys`) is used only by the
//! repositories (one per record kind, each next to its keys), the storage adapters that decide
//! where a key lives, and tests. A file of `src/` outside [`OWNERS`] that names `keys::`, or
//! imports `keys` from the store, fails this test with its path and line.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a test: an unreadable source tree is a failure

use std::fs;
use std::path::{Path, PathBuf};

/// The files of `src/` that may use the key schema, and why.
const OWNERS: &[(&str, &str)] = &[
    ("store.rs", "the key schema itself"),
    ("split_store.rs", "storage adapter: sends the shared keys to KV, the rest to the object"),
    ("config_cache.rs", "storage adapter: caches the configuration keys"),
    ("tenants_repo.rs", "tenants, secret index, tenant listing"),
    ("records.rs", "user records and device credentials"),
    ("homes.rs", "object names and device home records"),
    ("challenge_repo.rs", "challenges, their scans and routing records"),
    ("subscriptions.rs", "Web Push subscriptions"),
    ("attributes_repo.rs", "user attributes"),
    ("action_log.rs", "the legacy action-log row"),
    ("single_use_repo.rs", "HMAC replay marks, seen signed requests, mobile nonces"),
    ("socket_tickets.rs", "device socket tickets"),
    ("outbox.rs", "deliveries and outbox markers"),
];

/// Whether `path` (relative to `src/`) holds tests or test support only.
fn is_test_file(path: &str) -> bool {
    path == "testkit.rs"
        || path.starts_with("testkit/")
        || path.ends_with("/tests.rs")
        || path.contains("/tests/")
}

/// The lines of `source` that use the key schema (1-based), comments and inline
/// `mod tests { … }` blocks left out. A `use` of the store that names `keys`
/// counts, however it is wrapped, so that an alias cannot hide a call.
fn key_uses(source: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_use: Option<(usize, String)> = None;
    let mut test_depth = 0usize;
    for (i, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("").trim();
        if test_depth == 0 && code.starts_with("mod tests") && code.ends_with('{') {
            test_depth = 1;
            continue;
        }
        if test_depth > 0 {
            test_depth += code.matches('{').count();
            test_depth = test_depth.saturating_sub(code.matches('}').count());
            continue;
        }
        if code.contains("keys::") {
            found.push(i + 1);
        }
        if in_use.is_none() && (code.starts_with("use ") || code.starts_with("pub use ")) {
            in_use = Some((i + 1, String::new()));
        }
        if let Some((start, text)) = in_use.as_mut() {
            text.push_str(code);
            text.push(' ');
            if code.ends_with(';') {
                let names_keys =
                    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == "keys");
                if text.contains("store") && names_keys && !found.contains(start) {
                    found.push(*start);
                }
                in_use = None;
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_repositories_build_storage_keys() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "the source tree was not found at {}", src.display());
    let mut offences = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src/").to_string_lossy().replace('\\', "/");
        if is_test_file(&rel) || OWNERS.iter().any(|(owner, _)| *owner == rel) {
            continue;
        }
        let source = fs::read_to_string(&file).expect("a readable source file");
        for line in key_uses(&source) {
            offences.push(format!("src/{rel}:{line}"));
        }
    }
    assert!(
        offences.is_empty(),
        "storage keys built outside the repositories (add a repository function next to the key \
         schema and call it instead):\n{}",
        offences.join("\n")
    );
}

#[test]
fn every_owner_exists() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (owner, _) in OWNERS {
        assert!(src.join(owner).is_file(), "{owner} is listed as a key owner but is not in src/");
    }
}

#[test]
fn a_call_an_import_and_a_wrapped_import_are_found() {
    let source = "use crate::store::{get_json, Store};\n\
                  fn a() { get_json(s, &keys::tenant(id)); }\n\
                  use crate::store::keys as k;\n\
                  use crate::store::{\n    delete,\n    keys,\n};\n";
    assert_eq!(key_uses(source), vec![2, 3, 4]);
}

#[test]
fn comments_other_keys_and_inline_tests_are_not_but_code_after_tests_is() {
    let source = "/// named by [`crate::store::keys::user`]\n\
                  use crate::store::Store; // keys:: are the repositories'\n\
                  fn a() { map.keys().count(); let keys = 1; }\n\
                  use std::collections::BTreeMap as keys;\n\
                  mod tests {\n    fn b() { keys::tenant(id); }\n}\n\
                  fn after() { keys::tenant(id); }\n";
    assert_eq!(key_uses(source), vec![8]);
}
