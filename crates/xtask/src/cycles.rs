//! `cargo xtask cycles`: fails when the top-level modules of a crate import each other in a
//! cycle, and prints each cycle.
//!
//! A crate's top-level modules are what `src/` holds (`src/a.rs` and everything under `src/a/`
//! are module `a`); the crate roots (`lib.rs`, `main.rs`) are left out, as they only declare and
//! re-export. Module `a` depends on module `b` when code in `a` names a path
//! `crate::b…` (or `super::…::b…` that climbs to the crate root), in a `use` or inline; comments
//! and strings do not count, so an intra-doc link is no dependency. Test code does not count
//! either (`tests.rs` files, items under `#[cfg(test)]`): tests may use the test kit, which
//! drives the whole crate. Checked crates: the core,
//! the Worker, the browser SDK and the device.

mod source_paths;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose modules are checked, as directories under `crates/`.
pub const CRATES: [&str; 4] = ["pushauth-core", "pushauth-worker", "pushauth-browser", "pushauth-device"];

/// Module → the other top-level modules of its crate that it names.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The graph of a crate's top-level modules, from its source files as (path under `src/`,
/// text) pairs.
pub fn module_graph(files: &[(String, String)]) -> Graph {
    let mut graph = Graph::new();
    for (path, _) in files {
        if let Some((module, _)) = place(path) {
            graph.entry(module).or_default();
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for (path, text) in files {
        let Some((module, depth)) = place(path) else { continue };
        let named = source_paths::named_modules(text, depth);
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(named.into_iter().filter(|n| *n != module && modules.contains(n)));
    }
    graph
}

/// The top-level module a file belongs to and the depth of its module below the crate root;
/// `None` for a crate root, a test module's file (`tests.rs`, `tests/…`) or a file that is no
/// Rust source.
fn place(path: &str) -> Option<(String, usize)> {
    let parts: Vec<&str> = path.split('/').collect();
    let file = parts.last()?;
    let stem = file.strip_suffix(".rs")?;
    if parts.len() == 1 && (stem == "lib" || stem == "main") {
        return None;
    }
    if stem == "tests" || parts[..parts.len() - 1].contains(&"tests") {
        return None;
    }
    let depth = if stem == "mod" { parts.len() - 1 } else { parts.len() };
    let top = parts.first()?.trim_end_matches(".rs");
    Some((top.to_owned(), depth))
}

/// Every cycle of `graph`: one per strongly connected component of more than one module, each
/// as the modules along one closed path (the first repeated at the end).
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        let component: BTreeSet<String> =
            reachable(graph, start).into_iter().filter(|m| reachable(graph, m).contains(start)).collect();
        seen.extend(component.iter().cloned());
        if component.len() > 1 {
            if let Some(path) = path_back(graph, start, &component) {
                found.push(path);
            }
        }
    }
    found
}

fn reachable(graph: &Graph, from: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut todo = vec![from.to_owned()];
    while let Some(m) = todo.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if out.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    out
}

/// A shortest path from `start` back to itself within `component` (breadth first).
fn path_back(graph: &Graph, start: &str, component: &BTreeSet<String>) -> Option<Vec<String>> {
    let mut parent: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_owned()]);
    while let Some(m) = queue.pop_front() {
        for next in graph.get(&m).into_iter().flatten().filter(|n| component.contains(*n)) {
            if next == start {
                let mut path = vec![start.to_owned(), m.clone()];
                let mut at = m.clone();
                while let Some(p) = parent.get(&at) {
                    path.push(p.clone());
                    at = p.clone();
                }
                path.reverse();
                return Some(path);
            }
            if !parent.contains_key(next) && next != start {
                parent.insert(next.clone(), m.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

/// The Rust files under `dir`, as (path under `dir` with `/` separators, text).
fn sources(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let rel = path.strip_prefix(dir).map_err(|e| e.to_string())?;
                let rel: Vec<String> =
                    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push((rel.join("/"), text));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The cycles of each checked crate, as printable lines (`crate: a -> b -> a`).
pub fn find(crates_dir: &Path) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for name in CRATES {
        let src: PathBuf = crates_dir.join(name).join("src");
        let graph = module_graph(&sources(&src)?);
        for cycle in cycles(&graph) {
            lines.push(format!("{name}: {}", cycle.join(" -> ")));
        }
    }
    Ok(lines)
}

/// `cargo xtask cycles`: prints every cycle and fails if there is one.
pub fn run(crates_dir: &Path) -> Result<(), String> {
    let lines = find(crates_dir)?;
    if lines.is_empty() {
        println!("no import cycle between the top-level modules of {}", CRATES.join(", "));
        return Ok(());
    }
    Err(format!("import cycles between top-level modules:\n  {}", lines.join("\n  ")))
}

#[cfg(test)]
mod tests;
