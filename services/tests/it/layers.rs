//! The services form a graph without circles: no top-level module of
//! `services/src` reaches itself through `crate::…` paths (outside test
//! code), and the case record sits beneath the features that use it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The identifiers of `s` that can name a module (lower case).
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// The top-level modules each names through `crate::NAME` or `use crate::{…}`.
fn referenced(text: &str) -> BTreeSet<String> {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            out.extend(words(inner).map(str::to_string));
        } else {
            let ident: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.extend(words(&ident).map(str::to_string));
        }
    }
    out
}

/// module → module it uses → the files that do.
fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut mods: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if name != "lib" && (p.is_dir() || p.extension().is_some_and(|e| e == "rs")) {
            mods.insert(name, p);
        }
    }
    let mut g = Graph::new();
    for (m, path) in &mods {
        let mut files = vec![];
        if path.is_dir() {
            rust_files(path, &mut files);
        } else {
            files.push(path.clone());
        }
        let edges = g.entry(m.clone()).or_default();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for d in referenced(&text) {
                if mods.contains_key(&d) && &d != m {
                    let rel = f.strip_prefix(&src).unwrap().display().to_string();
                    edges.entry(d).or_default().insert(rel);
                }
            }
        }
    }
    g
}

fn reaches(g: &Graph, from: &str, to: &str) -> Option<Vec<String>> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![vec![from.to_string()]];
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap().clone();
        for next in g.get(&last).into_iter().flat_map(|e| e.keys()) {
            let mut p = path.clone();
            p.push(next.clone());
            if next == to {
                return Some(p);
            }
            if seen.insert(next.clone()) {
                stack.push(p);
            }
        }
    }
    None
}

#[test]
fn the_reference_scanner_sees_both_forms() {
    let text = "use crate::db::internal_error;\nuse crate::{Services, mail};\nfn f() { crate::record::load(); crate::Clock::system(); }\n#[cfg(test)]\nuse crate::cases;";
    let got: Vec<String> = referenced(text).into_iter().collect();
    assert_eq!(got, ["db", "mail", "record"]);
}

#[test]
fn no_module_of_the_services_reaches_itself() {
    let g = graph();
    assert!(g.len() > 10, "found only {:?}", g.keys());
    for m in g.keys() {
        if let Some(path) = reaches(&g, m, m) {
            let files: Vec<String> = path
                .windows(2)
                .map(|w| format!("{} -> {}: {:?}", w[0], w[1], g[&w[0]][&w[1]]))
                .collect();
            panic!("a circle: {}\n{}", path.join(" -> "), files.join("\n"));
        }
    }
}

#[test]
fn the_case_record_and_the_database_sit_beneath_the_features() {
    let g = graph();
    for low in ["db", "record", "changes", "outbox"] {
        for high in [
            "cases",
            "credit",
            "fund",
            "search",
            "inbox",
            "merchants",
            "accounts",
        ] {
            assert!(
                reaches(&g, low, high).is_none(),
                "{low} must not use {high}: {:?}",
                reaches(&g, low, high)
            );
        }
    }
    for feature in ["credit", "fund", "search", "inbox"] {
        assert!(
            reaches(&g, feature, "cases").is_none(),
            "{feature} must not use cases: {:?}",
            reaches(&g, feature, "cases")
        );
    }
}
