//! `sdp site`: assembling the site from one Trunk build per widget family,
//! on bundles shaped like Trunk's output.

use std::path::{Path, PathBuf};
use std::process::Command;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sdp-site-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A bundle as Trunk writes it: minified HTML naming its hashed glue, wasm and stylesheet.
fn bundle(root: &Path, kind: &str, hash: &str) -> String {
    let dir = root.join(kind);
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    let html = format!(
        "<!doctype html><html><head><meta name=sdp-app content=\"\"><meta content=\"The site.\" name=description><title>Site</title>\
         <script type=module>import init from '/playground-{hash}.js';await init({{ module_or_path: '/playground-{hash}_bg.wasm' }});</script>\
         <link crossorigin href=/playground-{hash}.js rel=modulepreload>\
         <link as=fetch href=/playground-{hash}_bg.wasm rel=preload type=application/wasm><link href=/style-abc.css rel=stylesheet>\
         <script defer src=/embed.js></script></head><body><script>simd()</script></body></html>"
    );
    std::fs::write(dir.join("index.html"), html).unwrap();
    std::fs::write(dir.join(format!("playground-{hash}.js")), format!("// glue {hash}")).unwrap();
    std::fs::write(dir.join(format!("playground-{hash}_bg.wasm")), hash).unwrap();
    std::fs::write(dir.join("style-abc.css"), "body{}").unwrap();
    std::fs::write(dir.join(format!("widget-{kind}-{hash}.css")), ".x{}").unwrap();
    std::fs::write(dir.join("examples/host.html"), "<p>host</p>").unwrap();
    format!("{kind}={}", dir.display())
}

fn sdp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sdp")).args(args).output().unwrap()
}

#[test]
fn every_page_gets_its_bundle_and_the_loader_knows_them_all() {
    let root = scratch("ok");
    let out = root.join("dist");
    let kinds: Vec<String> = String::from_utf8(sdp(&["widgets"]).stdout).unwrap().lines().map(String::from).collect();
    let args: Vec<String> = kinds.iter().enumerate().map(|(i, k)| bundle(&root, k, &format!("{i:04}"))).collect();
    let mut argv = vec!["site", out.to_str().unwrap()];
    argv.extend(args.iter().map(String::as_str));
    let run = sdp(&argv);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    // The home page and the not-found page are static, with the shared
    // stylesheet and no wasm; each widget's pages load its own bundle.
    for (page, text) in [("index.html", "<a href=\"/articles/rate-limiting\">"), ("404.html", "Page not found")] {
        let html = read(page);
        assert!(html.contains("<link href=/style-abc.css rel=stylesheet>") && html.contains(text), "{page}: {html}");
        assert!(!html.contains("playground-") && !html.contains(".wasm"), "{page} loads a bundle: {html}");
    }
    for (i, k) in kinds.iter().enumerate() {
        for page in [format!("widgets/{k}/index.html"), format!("embed/{k}/index.html")] {
            assert!(read(&page).contains(&format!("playground-{i:04}.js")), "{page}");
        }
    }
    let ring = kinds.iter().position(|k| k == "hash-ring").unwrap();
    let article = read("articles/consistent-hashing/index.html");
    // Its wasm compiles from the top of the head, on the request the preload made.
    let compile = format!(
        "<script>(()=>{{let w=window.WebAssembly,u=\"/playground-{ring:04}_bg.wasm\",f=()=>fetch(u,{{integrity:\"\"}}),"
    );
    assert!(article.contains(&compile) && article.contains("module_or_path: window.sdpWasm"), "{article}");
    // Preloaded once, before the script that compiles it.
    let preload =
        format!("<link as=fetch crossorigin href=/playground-{ring:04}_bg.wasm rel=preload type=application/wasm>");
    assert_eq!(article.matches("rel=preload").count(), 1, "{article}");
    assert!(article.contains(&format!("{preload}{compile}")), "{article}");
    // The loader names every bundle's glue, wasm and own stylesheet, and the shared stylesheet.
    let loader = read("sd-widget.js");
    for (i, k) in kinds.iter().enumerate() {
        assert!(
            loader.contains(&format!(
                "\"{k}\": {{ \"js\": \"playground-{i:04}.js\", \"wasm\": \"playground-{i:04}_bg.wasm\", \"css\": \"widget-{k}-{i:04}.css\" }}"
            )),
            "{k} missing from {loader}"
        );
    }
    assert!(loader.contains("var STYLE = \"style-abc.css\";"));
    assert!(!loader.contains("__BUNDLES__") && !loader.contains("__STYLE__"));
    // An article's page holds its prose and a slot per widget block, with
    // its own title and description, before the bundle's body.
    let article = read("articles/consistent-hashing/index.html");
    assert!(article.contains("<title>Consistent hashing"), "{article}");
    assert!(article.contains("<meta name=\"description\" content=\"") && !article.contains("The site."));
    let (prose, slot) = (
        article.find("<div class=\"prose\"><p>").unwrap(),
        article.find("<div class=\"widget-slot\" data-kind=\"hash-ring\" data-mode=\"inline\"").unwrap(),
    );
    assert!(prose < slot && slot < article.find("<script>simd()</script>").unwrap());
    // A widget's page and its embed have a slot each, the embed without the site's header.
    let page = read("widgets/hash-ring/index.html");
    assert!(
        page.contains("<header class=\"site-header\">") && page.contains("data-kind=\"hash-ring\" data-mode=\"page\"")
    );
    assert!(!article.contains("embed.js") && !page.contains("embed.js"), "only embeds load the embed script");
    let embed = read("embed/hash-ring/index.html");
    assert!(embed.contains("<script defer src=/embed.js></script>"));
    assert!(!embed.contains("site-header") && embed.contains("<main class=\"embed\" id=\"main\"><div class=\"widget-slot\" data-kind=\"hash-ring\" data-mode=\"embed\">"));
    // Every file is merged once, no bundle's own pages among them; the service worker covers the whole site.
    assert_eq!(read("examples/host.html"), "<p>host</p>");
    assert!(!out.join("content").exists());
    let sw = read("sw.js");
    assert!(sw.contains("\"/sd-widget.js\"") && sw.contains("\"/articles/rate-limiting/index.html\""));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn bundles_that_disagree_or_miss_a_widget_are_refused() {
    let root = scratch("bad");
    let out = root.join("dist");
    let a = bundle(&root, "rate-limiter", "aaaa");
    let b = bundle(&root, "circuit-breaker", "bbbb");
    // Two bundles with different bytes under one name.
    std::fs::write(root.join("circuit-breaker/style-abc.css"), "body{color:red}").unwrap();
    let run = sdp(&["site", out.to_str().unwrap(), &a, &b]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("style-abc.css differs between bundles"));
    // A site without the other families' bundles cannot give their pages one.
    std::fs::write(root.join("circuit-breaker/style-abc.css"), "body{}").unwrap();
    let _ = std::fs::remove_dir_all(&out);
    let run = sdp(&["site", out.to_str().unwrap(), &a, &b]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    let missing = err.split("shows the ").nth(1).and_then(|r| r.split(' ').next()).unwrap_or_default();
    assert!(!["rate-limiter", "circuit-breaker"].contains(&missing), "{err}");
    assert!(err.contains(&format!("shows the {missing} widget, but no {missing} bundle was given")), "{err}");
    let run = sdp(&["site", out.to_str().unwrap(), "chess=/tmp"]);
    assert!(String::from_utf8_lossy(&run.stderr).contains("no widget `chess`"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn each_build_carries_the_stylesheets_of_its_own_widgets_only() {
    let root = scratch("styles");
    let html = "<!doctype html><html><head><title>t</title></head><body></body></html>";
    std::fs::write(root.join("index.html"), html).unwrap();
    let run = sdp(&["styles", root.to_str().unwrap(), "circuit-breaker"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let page = std::fs::read_to_string(root.join("index.html")).unwrap();
    // Inline before </head>, minified (no comments, no line breaks), and no other family's rules.
    let start = page.find("<style data-family=circuit-breaker>.").expect("the breaker's rules");
    let end = page.find("</style></head>").expect("closed before </head>");
    let css = &page[start..end];
    assert!(
        css.contains(".diagram{width:15rem;max-width:100%;") && !css.contains("/*") && !css.contains('\n'),
        "{css}"
    );
    assert_eq!(page.matches("<style").count(), 1);
    // The same rules as a content-hashed file, for sd-widget.js.
    let files: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|f| f.starts_with("widget-"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("widget-circuit-breaker-") && files[0].ends_with(".css") && files[0].len() == 43);
    let file = std::fs::read_to_string(root.join(&files[0])).unwrap();
    assert_eq!(file, css.split_once('>').unwrap().1);
    // Without kinds, every family's (a build of them all, as trunk serve makes).
    std::fs::write(root.join("index.html"), html).unwrap();
    assert!(sdp(&["styles", root.to_str().unwrap()]).status.success());
    let page = std::fs::read_to_string(root.join("index.html")).unwrap();
    let kinds = String::from_utf8(sdp(&["widgets"]).stdout).unwrap();
    for k in kinds.lines() {
        assert_eq!(page.matches(&format!("<style data-family={k}>")).count(), 1, "{k}");
    }
    // An unknown kind is refused.
    let bad = sdp(&["styles", root.to_str().unwrap(), "pie-chart"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no widget kind `pie-chart`"));
    let _ = std::fs::remove_dir_all(&root);
}
