use super::*;

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect()
}

fn edges(graph: &Graph, module: &str) -> Vec<String> {
    graph.get(module).map(|e| e.iter().cloned().collect()).unwrap_or_default()
}

#[test]
fn a_cycle_through_three_modules_is_found_and_printed_as_a_closed_path() {
    // Arrange: router -> routes (a nested file) -> demo -> router (through a grouped use).
    let crate_files = files(&[
        ("lib.rs", "pub mod router; pub mod routes; pub mod demo;"),
        ("router.rs", "use crate::routes::server;\npub fn handle() {}"),
        ("routes/mod.rs", "pub mod server;"),
        ("routes/server.rs", "fn f() { crate::demo::call(); }"),
        ("demo.rs", "use crate::{http, router::handle};"),
        ("http.rs", ""),
    ]);

    // Act
    let found = cycles(&module_graph(&crate_files));

    // Assert
    assert_eq!(found, vec![vec!["demo", "router", "routes", "demo"]]);
}

#[test]
fn modules_that_import_in_one_direction_have_no_cycle() {
    let crate_files = files(&[
        ("router.rs", "use crate::routes::server;"),
        ("routes.rs", "use crate::http::Request;"),
        ("http.rs", "use super::super::outside;"),
    ]);

    let graph = module_graph(&crate_files);

    assert_eq!(edges(&graph, "router"), ["routes"]);
    assert_eq!(edges(&graph, "routes"), ["http"]);
    assert!(cycles(&graph).is_empty());
}

#[test]
fn comments_strings_and_doc_links_are_no_dependency() {
    let crate_files = files(&[
        ("a.rs", "/// See [`crate::b::f`].\n// crate::b\n/* crate::b */\nconst S: &str = \"crate::b\";\nconst R: &str = r#\"crate::b \"quoted\"\"#;\nconst C: char = '{';"),
        ("b.rs", "use crate::a::S;"),
    ]);

    let graph = module_graph(&crate_files);

    assert!(edges(&graph, "a").is_empty(), "{graph:?}");
    assert!(cycles(&graph).is_empty());
}

#[test]
fn super_counts_only_when_it_climbs_to_the_crate_root() {
    let crate_files = files(&[
        // A top-level file: `super::` is the crate root.
        ("a.rs", "use super::b::x;\nmod tests { use super::*; use super::super::c::y; }"),
        ("b.rs", ""),
        ("c.rs", ""),
        // Two levels down: `super::` is module d, `super::super::` the root.
        ("d/e.rs", "use super::b; use super::super::c::z;"),
    ]);

    let graph = module_graph(&crate_files);

    assert_eq!(edges(&graph, "a"), ["b", "c"]);
    assert_eq!(edges(&graph, "d"), ["c"]);
}

#[test]
fn test_code_is_no_dependency() {
    let crate_files = files(&[
        ("a.rs", "use crate::b::x;\n#[cfg(test)]\nmod tests { use crate::kit::World; }\n#[cfg(test)]\nuse crate::kit::block_on;\n#[cfg(all(test, not(unix)))]\nmod more { use crate::kit::X; }"),
        // Code compiled outside tests too counts.
        ("b/c.rs", "#[cfg(not(test))]\nuse crate::z::Y;\n#[cfg(all(unix, not(test)))]\nuse crate::z::Z;"),
        ("z.rs", ""),
        ("a/tests.rs", "use crate::kit::World;"),
        ("b.rs", ""),
        ("kit.rs", "use crate::a::run;"),
    ]);

    let graph = module_graph(&crate_files);

    assert_eq!(edges(&graph, "a"), ["b"]);
    assert_eq!(edges(&graph, "b"), ["z"]);
    assert!(cycles(&graph).is_empty());
}

#[test]
fn the_workspace_has_no_cycle() {
    let crates_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert_eq!(find(&crates_dir), Ok(Vec::new()));
}
