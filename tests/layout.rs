//! ARCHITECTURE.md's folder tree is the tree on disk: every entry it names
//! exists, and every file and folder of `src/` is in it.

use std::collections::BTreeSet;
use std::path::Path;

/// Width of the tree's name column; descriptions start after it.
const NAME_COLUMN: usize = 28;

/// The paths the tree names, as `/`-separated paths from the crate root
/// (folders end with `/`). Entries are indented two spaces per level;
/// lines blank in the name column continue a description.
fn tree_paths(doc: &str) -> Vec<String> {
    let block = doc.split("```\n").nth(1).expect("ARCHITECTURE.md has a tree in its first code block");
    let mut stack: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    for line in block.lines() {
        let column = &line[..line.len().min(NAME_COLUMN)];
        if column.trim().is_empty() {
            continue;
        }
        let indent = column.len() - column.trim_start().len();
        assert_eq!(indent % 2, 0, "odd indent: {line}");
        let name = column.split_whitespace().next().unwrap();
        stack.truncate(indent / 2);
        assert_eq!(stack.len(), indent / 2, "an entry deeper than its folder: {line}");
        let path = format!("{}{name}", stack.concat());
        if name.ends_with('/') {
            stack.push(name.to_string());
        }
        paths.push(path);
    }
    paths
}

fn walk(root: &Path, rel: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(root.join(rel)).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path().is_dir() {
            let dir = format!("{rel}{name}/");
            out.insert(dir.clone());
            walk(root, &dir, out);
        } else {
            out.insert(format!("{rel}{name}"));
        }
    }
}

#[test]
fn the_architecture_tree_is_the_tree_on_disk() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let listed = tree_paths(&doc);
    for p in &listed {
        assert!(root.join(p).exists(), "ARCHITECTURE.md lists {p}, which is not on disk");
    }
    let mut on_disk = BTreeSet::new();
    walk(root, "src/", &mut on_disk);
    let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
    let missing: Vec<&String> = on_disk.iter().filter(|p| !listed.contains(p.as_str())).collect();
    assert!(missing.is_empty(), "ARCHITECTURE.md's tree leaves out {missing:?}");
}

#[test]
fn the_tree_reader_follows_indentation() {
    let doc = "x\n```\nsrc/                        top\n  a/\n    b.rs                    a file\n                            more\n  c.rs\n```\n";
    assert_eq!(tree_paths(doc), ["src/", "src/a/", "src/a/b.rs", "src/c.rs"]);
}
