//! `sdp`: the playground's command-line runner.
//!
//! ```text
//! sdp run <scenario.json>      run a scenario; print decisions and summary as JSON
//! sdp run <scenario.json> --csv  the run's trace as CSV, one row per decision
//! sdp replay <events.json>    replay events through one circuit breaker (JSON lines)
//! sdp place <ring.json> <keys>  where each key goes under a hash-ring scenario's placements
//! sdp tables <ring.json>       each placement's ring points or Maglev table
//! sdp jump <buckets> <keys>    jump consistent hash of raw 64-bit keys
//! sdp shard <sharding.json> <keys>  each key's hash and shard under a sharding scenario's schemes
//! sdp preset <widget> <name>   print a preset scenario as JSON
//! sdp presets                  list presets
//! sdp widgets                  list the widget kinds the site shows
//! sdp block <file>             turn an article's widget block into scenario JSON
//! sdp offline <dir>            write <dir>/sw.js, the service worker that caches the build
//! sdp pages <dir>              write every page into <dir>, each loading <dir>'s one bundle
//! sdp styles <dir> [<kind>...]  put widgets' own stylesheets into the build in <dir>
//! sdp site <dir> <kind>=<bundle>...  assemble the site from one Trunk build per widget family
//! ```
//!
//! Output is byte-identical to what the browser computes for the same
//! scenario. Errors go to stderr with exit status 2.

use playground::content;
use playground::scenario::{self, presets, Document, Scenario};
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage:
  sdp run <scenario.json | ->   run a scenario and print its decisions and summary as JSON
  sdp run <scenario.json | -> --csv
                                 print the run's trace as CSV instead (one row per decision)
  sdp replay <events.json | ->   replay an event list through one circuit breaker and print, per event,
                                 whether it was permitted, the state and the metrics (JSON lines)
  sdp place <hash-ring.json> <keys | ->
                                 where each key (one a line) goes under each of the scenario's placements,
                                 before and after its change, with its hashes and ring point (JSON lines)
  sdp tables <hash-ring.json>    each ring's points and each Maglev table of the scenario's placements,
                                 before and after its change (JSON lines)
  sdp jump <buckets> <keys | ->  jump consistent hash of raw 64-bit keys (decimal or 0x hex, one a line)
  sdp shard <sharding.json> <keys | ->
                                 each key's hash and shard under each of the scenario's schemes: integer
                                 keys, or strings as MongoDB and PostgreSQL hash them (JSON lines)
  sdp preset <widget> <name>     print a preset scenario as JSON (widgets: {widgets})
  sdp presets                    list the presets
  sdp widgets                    list the widget kinds the site shows (one bundle each)
  sdp block <file | ->           turn an article's widget block (its key: value lines) into scenario JSON
  sdp offline <dir>              write <dir>/sw.js caching every file of the build in <dir> (build step)
  sdp pages <dir>                write every page of the site into <dir>, each loading the bundle of <dir>'s
                                 index.html (build step of a one-bundle build, as `trunk serve` makes)
  sdp styles <dir> [<kind>...]   put the rules of each widget kind given (all without one) into <dir>'s
                                 index.html and into widget-<kind>-<hash>.css (build step)
  sdp site <dir> <kind>=<bundle>...
                                 assemble <dir> from one Trunk build per widget family (build step;
                                 each page loads its family's bundle, or no wasm when it has no widget)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(out) => {
            // A reader that stops early (`sdp run --csv x.json | head`) is not an error.
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{out}").and_then(|()| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("sdp: cannot write the output: {e}");
                    ExitCode::from(2)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("sdp: {e}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    if path == "-" {
        std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read stdin: {e}"))
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
    }
}

fn run(args: &[&str]) -> Result<String, String> {
    match args {
        ["block", path] => {
            let b = playground::scenario::block::parse(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
            Ok(b.scenario.to_json_pretty())
        }
        ["run", path] => {
            let s = Scenario::from_json(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
            s.run_json()
        }
        ["run", path, "--csv"] | ["run", "--csv", path] => {
            let s = Scenario::from_json(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
            s.run_csv().map(|csv| csv.trim_end().to_string())
        }
        ["replay", path] => {
            let r = playground::sim::circuit_breaker::replay::Replay::from_json(&read(path)?)
                .map_err(|e| format!("{path}: {e}"))?;
            Ok(r.run_json_lines())
        }
        ["place", scenario_path, keys_path] if !(*scenario_path == "-" && *keys_path == "-") => {
            let s: playground::sim::hash_ring::scenario::HashRingScenario =
                family_scenario(scenario_path, "hash-ring", "place")?;
            let text = read(keys_path)?;
            let keys: Vec<&str> = text.lines().map(str::trim_end).filter(|k| !k.is_empty()).collect();
            playground::sim::hash_ring::report::place_json_lines(&s, &keys).map_err(|e| format!("{scenario_path}: {e}"))
        }
        ["shard", scenario_path, keys_path] if !(*scenario_path == "-" && *keys_path == "-") => {
            let s: playground::sim::sharding::scenario::ShardingScenario =
                family_scenario(scenario_path, "sharding", "shard")?;
            let text = read(keys_path)?;
            let keys: Vec<&str> = text.lines().map(str::trim).filter(|k| !k.is_empty()).collect();
            playground::sim::sharding::report::keys_json_lines(&s, &keys).map_err(|e| format!("{scenario_path}: {e}"))
        }
        ["tables", scenario_path] => {
            let s: playground::sim::hash_ring::scenario::HashRingScenario =
                family_scenario(scenario_path, "hash-ring", "tables")?;
            playground::sim::hash_ring::report::tables_json_lines(&s).map_err(|e| format!("{scenario_path}: {e}"))
        }
        ["jump", buckets, keys_path] => {
            let buckets: u32 =
                buckets.parse().map_err(|_| format!("`{buckets}`: the number of buckets is a whole number from 1"))?;
            let text = read(keys_path)?;
            let keys: Vec<&str> = text.lines().map(str::trim).filter(|k| !k.is_empty()).collect();
            playground::sim::hash_ring::report::jump_json_lines(buckets, &keys)
        }
        ["preset", widget, name] => presets::named(widget, name)
            .map(|s| s.to_json_pretty())
            .ok_or_else(|| format!("no {widget} preset `{name}`; see `sdp presets`")),
        ["site", dir, bundles @ ..] if !bundles.is_empty() => site(Path::new(dir), bundles),
        ["pages", dir] => pages(Path::new(dir)),
        ["styles", dir, kinds @ ..] => styles(Path::new(dir), kinds),
        ["offline", dir] => offline(Path::new(dir)),
        ["widgets"] => Ok(scenario::KINDS.join("\n")),
        ["presets"] => Ok(scenario::KINDS
            .iter()
            .flat_map(|kind| {
                presets::list(kind).unwrap_or_default().iter().map(move |(n, d)| format!("{kind:<15} {n:<22} {d}"))
            })
            .collect::<Vec<_>>()
            .join("\n")),
        _ => Err(USAGE.replace("{widgets}", &scenario::KINDS.join(", "))),
    }
}

/// Writes every page of the site into `dir`, each page with a widget
/// loading the bundle of `dir/index.html` (a build of every family, as
/// `trunk serve` makes), the others no wasm.
fn pages(dir: &Path) -> Result<String, String> {
    let index = dir.join("index.html");
    let shell = std::fs::read_to_string(&index).map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let n = write_pages(dir, &content::pages::head_links(&shell), |_| Ok(shell.as_str()))?;
    Ok(format!("wrote {n} pages"))
}

/// Writes every page of [`content::pages::all`] under `out`: a page with a
/// widget into the HTML `shell(kind)` gives for its bundle, the others as
/// static HTML with `links` (the stylesheet's and icon's tags the shells
/// carry). Returns how many.
fn write_pages<'a>(out: &Path, links: &str, shell: impl Fn(&str) -> Result<&'a str, String>) -> Result<usize, String> {
    let pages = content::pages::all();
    for page in &pages {
        let html = match page.kind {
            Some(kind) => content::pages::bundle_page(shell(kind)?, page).map_err(|e| format!("{}: {e}", page.path))?,
            None => content::pages::static_page(links, page),
        };
        write_file(&out.join(&page.path), html.as_bytes())?;
    }
    Ok(pages.len())
}

/// Puts each widget kind's own rules (its folder's `style.css`) into the
/// build in `dir`: inline in `index.html`'s head, for the pages, which
/// carry no other family's rules; and as `widget-<kind>-<hash>.css`, which
/// sd-widget.js adds to the shadow root of each element of that kind. With
/// no kinds given, every kind (a build of every widget, as `trunk serve`).
fn styles(dir: &Path, kinds: &[&str]) -> Result<String, String> {
    let kinds = if kinds.is_empty() { scenario::KINDS } else { kinds };
    let index = dir.join("index.html");
    let mut html = std::fs::read_to_string(&index).map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let mut inline = String::new();
    for kind in kinds {
        let css = playground::widgets::style(kind).ok_or_else(|| format!("no widget kind `{kind}`"))?;
        let hash = xxhash_rust::xxh64::xxh64(css.as_bytes(), 0);
        write_file(&dir.join(format!("widget-{kind}-{hash:016x}.css")), css.as_bytes())?;
        inline.push_str(&format!("<style data-family={kind}>{css}</style>"));
    }
    let head = html.find("</head>").ok_or_else(|| format!("{}: no </head>", index.display()))?;
    html.insert_str(head, &inline);
    write_file(&index, html.as_bytes())?;
    Ok(format!("added the stylesheets of {}", kinds.join(", ")))
}

/// Every file under `root` (none starting with a dot), as `/`-separated paths relative to it, sorted.
fn files_under(root: &Path) -> Result<Vec<String>, String> {
    fn walk(root: &Path, sub: &Path, out: &mut Vec<String>) -> Result<(), String> {
        let entries =
            std::fs::read_dir(root.join(sub)).map_err(|e| format!("cannot read {}: {e}", root.join(sub).display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            let rel = sub.join(&name);
            if entry.path().is_dir() {
                walk(root, &rel, out)?;
            } else {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(root, Path::new(""), &mut files)?;
    files.sort();
    Ok(files)
}

/// The scenario of one family in `path`, for a command that takes only
/// that family's: read without naming its `Scenario` variant, so that
/// single-family builds of the command line still compile.
fn family_scenario<T: Document>(path: &str, widget: &str, command: &str) -> Result<T, String> {
    let text = read(path)?;
    let s = Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    if s.widget() != widget {
        return Err(format!("{path}: `sdp {command}` takes a {widget} scenario"));
    }
    T::from_text(&text).map_err(|e| format!("{path}: {e}"))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Assembles the site in `out` from Trunk builds of one widget family each,
/// given as `kind=dir`. Their files are merged (Trunk content-hashes the
/// glue and the wasm, so two bundles never share a name with different
/// bytes, and their page files are left out); each page of
/// [`content::pages::all`] is written into the `index.html` of the bundle
/// its widget needs, and the pages without widgets as static HTML that
/// loads no wasm; then the loader and the service worker for the whole site.
fn site(out: &Path, bundles: &[&str]) -> Result<String, String> {
    // Written per page below, or once for the site after the merge.
    let per_bundle = |f: &str| f == "index.html" || f == "404.html" || f == "sw.js" || f.ends_with("/index.html");
    let mut shells: Vec<(&str, Vec<u8>)> = Vec::new();
    for arg in bundles {
        let (kind, dir) = arg.split_once('=').ok_or_else(|| format!("`{arg}`: expected <kind>=<dir>"))?;
        if playground::scenario::family(kind).is_none() {
            return Err(format!("`{arg}`: no widget `{kind}`"));
        }
        let dir = Path::new(dir);
        for f in files_under(dir)? {
            if per_bundle(&f) {
                continue;
            }
            let bytes = std::fs::read(dir.join(&f)).map_err(|e| format!("cannot read {f}: {e}"))?;
            match std::fs::read(out.join(&f)) {
                Ok(existing) if existing != bytes => {
                    return Err(format!("{f} differs between bundles; bundle files must be content-hashed"))
                }
                Ok(_) => {}
                Err(_) => write_file(&out.join(&f), &bytes)?,
            }
        }
        let shell = std::fs::read(dir.join("index.html")).map_err(|e| format!("{}: {e}", dir.display()))?;
        shells.push((kind, shell));
    }
    let texts: Vec<(&str, String)> =
        shells.iter().map(|(kind, html)| (*kind, String::from_utf8_lossy(html).into_owned())).collect();
    let links = content::pages::head_links(&texts[0].1);
    let pages = write_pages(out, &links, |kind| {
        texts
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, html)| html.as_str())
            .ok_or_else(|| format!("a page shows the {kind} widget, but no {kind} bundle was given"))
    })?;
    write_file(&out.join("search.json"), content::search::json().as_bytes())?;
    let element = element_loader(out, &shells)?;
    let offline = offline(out)?;
    Ok(format!("wrote {pages} pages from {} bundles; {element}; {offline}", shells.len()))
}

/// The script-tag embed's loader: see `www/sd-widget-template.js`.
const ELEMENT_TEMPLATE: &str = include_str!("../../www/sd-widget-template.js");

/// The values of the `href` and `src` attributes of an HTML text (quoted or,
/// as Trunk's minifier leaves them, not), without a leading `/`.
fn references(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for attr in ["href=", "src="] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            let (rest, end) = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => (&rest[1..], rest[1..].find(q)),
                _ => (rest, rest.find([' ', '>'])),
            };
            out.push(rest[..end.unwrap_or(rest.len())].trim_start_matches('/'));
        }
    }
    out
}

/// Writes `out/sd-widget.js`, the loader that defines `<sd-widget>`, with
/// each bundle's glue and wasm and the stylesheet, read from the bundles' HTML.
fn element_loader(out: &Path, shells: &[(&str, Vec<u8>)]) -> Result<String, String> {
    let mut bundles = Vec::new();
    let mut style = None;
    let files = files_under(out)?;
    for (kind, shell) in shells {
        let html = String::from_utf8_lossy(shell);
        let refs = references(&html);
        let wasm = refs
            .iter()
            .find(|r| r.ends_with("_bg.wasm"))
            .ok_or_else(|| format!("the {kind} bundle's HTML names no wasm file"))?;
        let js = format!("{}.js", wasm.trim_end_matches("_bg.wasm"));
        if !refs.contains(&js.as_str()) {
            return Err(format!("the {kind} bundle's HTML does not load {js}"));
        }
        style = style
            .or_else(|| refs.iter().find(|r| r.starts_with("style-") && r.ends_with(".css")).map(|s| s.to_string()));
        let prefix = format!("widget-{kind}-");
        let css = files
            .iter()
            .find(|f| f.starts_with(&prefix) && f.ends_with(".css"))
            .ok_or_else(|| format!("the {kind} bundle has no {prefix}<hash>.css"))?;
        bundles.push(format!("{kind:?}: {{ \"js\": {js:?}, \"wasm\": {wasm:?}, \"css\": {css:?} }}"));
    }
    let style = style.ok_or("no bundle's HTML names the stylesheet")?;
    let loader =
        ELEMENT_TEMPLATE.replace("__BUNDLES__", &format!("{{ {} }}", bundles.join(", "))).replace("__STYLE__", &style);
    write_file(&out.join("sd-widget.js"), loader.as_bytes())?;
    Ok(format!("wrote sd-widget.js for {} widget kinds", shells.len()))
}

/// The service worker's template: see `www/sw-template.js`.
const SW_TEMPLATE: &str = include_str!("../../www/sw-template.js");

/// Writes `dir/sw.js`: the template with every file of the build under `dir`
/// (as site paths, sorted) and a version hashed from their names and bytes.
fn offline(dir: &Path) -> Result<String, String> {
    let files: Vec<String> = files_under(dir)?.into_iter().filter(|f| f != "sw.js").collect();
    let mut version = 0u64;
    for f in &files {
        let bytes = std::fs::read(dir.join(f)).map_err(|e| format!("cannot read {f}: {e}"))?;
        version = xxhash_rust::xxh64::xxh64(&bytes, version ^ xxhash_rust::xxh64::xxh64(f.as_bytes(), 0));
    }
    let list: Vec<String> =
        std::iter::once("\"/\"".to_string()).chain(files.iter().map(|f| format!("\"/{f}\""))).collect();
    let sw = SW_TEMPLATE
        .replace("__VERSION__", &format!("{version:016x}"))
        .replace("__FILES__", &format!("[{}]", list.join(", ")));
    std::fs::write(dir.join("sw.js"), sw).map_err(|e| format!("cannot write sw.js: {e}"))?;
    Ok(format!("wrote sw.js caching {} files, version {version:016x}", files.len() + 1))
}
