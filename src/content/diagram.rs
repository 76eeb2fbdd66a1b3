//! System-context diagrams, drawn at build time: a fenced `diagram` block
//! in an article becomes an inline SVG figure (no script, no image file),
//! themed by the page's colours and described for screen readers by its
//! title and description. The block is a small text description:
//!
//! ```text
//! title: Where a rate limiter sits
//! desc: Clients call the API through an edge proxy that limits each key.
//! col: Clients
//! col: *Edge proxy/limit_req; CDN
//! col: API servers
//! Clients -> Edge proxy: requests
//! Edge proxy --> Clients: 429
//! ```
//!
//! Each `col:` line is a column of boxes, left to right, its boxes top to
//! bottom, separated by `;`. A box's label may have a second line after `/`;
//! a leading `*` marks the component the article is about. A box is named
//! in edges by its first line. `A -> B: label` draws an arrow (`-->` a
//! dashed one, for failures, fallbacks or asynchronous paths); the label is
//! optional. Labels are kept short enough to fit, or the block is refused.
//!
//! Shared by the build script and the crate's tests: it depends on nothing
//! but `std` and [`super::highlight`].

use super::highlight::escape;

/// A box's width and height, and the gaps between columns and rows, in SVG units.
const W: i32 = 150;
const H: i32 = 48;
const COL_GAP: i32 = 120;
const ROW_GAP: i32 = 26;
const PAD: i32 = 8;
/// The longest line a box holds, and the longest edge label, in characters.
pub const BOX_CHARS: usize = 20;
pub const EDGE_CHARS: usize = 17;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Node {
    name: String,
    second: Option<String>,
    hot: bool,
    col: i32,
    row: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Edge {
    from: usize,
    to: usize,
    dashed: bool,
    label: String,
}

/// Parses a diagram block and draws it; `n` numbers the diagrams of a page
/// (for the ids its title and description are referred to by).
pub fn render(source: &str, n: usize) -> Result<String, String> {
    let mut title = None;
    let mut desc = None;
    let mut nodes: Vec<Node> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    let mut cols = 0;
    let find = |nodes: &[Node], name: &str, line: usize| {
        nodes.iter().position(|n| n.name == name).ok_or_else(|| format!("diagram line {line}: no box named `{name}`"))
    };
    for (i, raw) in source.lines().enumerate() {
        let line = raw.trim();
        let no = i + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(t) = line.strip_prefix("title:") {
            title = Some(t.trim().to_string());
        } else if let Some(d) = line.strip_prefix("desc:") {
            desc = Some(d.trim().to_string());
        } else if let Some(c) = line.strip_prefix("col:") {
            for (row, label) in c.split(';').map(str::trim).enumerate() {
                let (hot, label) = match label.strip_prefix('*') {
                    Some(l) => (true, l.trim()),
                    None => (false, label),
                };
                let (name, second) = match label.split_once('/') {
                    Some((a, b)) => (a.trim().to_string(), Some(b.trim().to_string())),
                    None => (label.to_string(), None),
                };
                if name.is_empty() {
                    return Err(format!("diagram line {no}: an empty box"));
                }
                for part in std::iter::once(&name).chain(second.as_ref()) {
                    if part.chars().count() > BOX_CHARS {
                        return Err(format!("diagram line {no}: `{part}` is longer than {BOX_CHARS} characters"));
                    }
                }
                if nodes.iter().any(|n| n.name == name) {
                    return Err(format!("diagram line {no}: two boxes are named `{name}`"));
                }
                nodes.push(Node { name, second, hot, col: cols, row: row as i32 });
            }
            cols += 1;
        } else if let Some((ends, label)) = line.split_once(':').map(|(e, l)| (e, l.trim())).or(Some((line, ""))) {
            let (arrow, dashed) = if ends.contains("-->") { ("-->", true) } else { ("->", false) };
            let Some((from, to)) = ends.split_once(arrow) else {
                return Err(format!(
                    "diagram line {no}: expected `title:`, `desc:`, `col:` or an edge `A -> B: label`, not `{line}`"
                ));
            };
            if label.chars().count() > EDGE_CHARS {
                return Err(format!("diagram line {no}: the label `{label}` is longer than {EDGE_CHARS} characters"));
            }
            let from = find(&nodes, from.trim(), no)?;
            let to = find(&nodes, to.trim(), no)?;
            if from == to {
                return Err(format!("diagram line {no}: an edge from a box to itself"));
            }
            edges.push(Edge { from, to, dashed, label: label.to_string() });
        }
    }
    let title = title.filter(|t| !t.is_empty()).ok_or("a diagram needs a `title:` line")?;
    let desc = desc.filter(|d| !d.is_empty()).ok_or("a diagram needs a `desc:` line describing it in words")?;
    if nodes.is_empty() {
        return Err("a diagram needs at least one `col:` line".into());
    }
    Ok(draw(&title, &desc, &nodes, &edges, n))
}

fn draw(title: &str, desc: &str, nodes: &[Node], edges: &[Edge], n: usize) -> String {
    let cols = nodes.iter().map(|n| n.col).max().unwrap_or(0) + 1;
    let rows_in = |c: i32| nodes.iter().filter(|n| n.col == c).count() as i32;
    let tallest = (0..cols).map(rows_in).max().unwrap_or(1);
    let height = tallest * H + (tallest - 1) * ROW_GAP + 2 * PAD;
    let width = cols * W + (cols - 1) * COL_GAP + 2 * PAD;
    // Each column centred vertically.
    let pos = |node: &Node| {
        let k = rows_in(node.col);
        let top = PAD + (tallest - k) * (H + ROW_GAP) / 2;
        (PAD + node.col * (W + COL_GAP), top + node.row * (H + ROW_GAP))
    };
    let mut svg = format!(
        "<figure class=\"context-diagram\"><div class=\"diagram-scroll\"><svg role=\"img\" aria-labelledby=\"dg{n}t\" aria-describedby=\"dg{n}d\" \
         viewBox=\"0 0 {width} {height}\" style=\"max-width:{width}px\"><title id=\"dg{n}t\">{}</title>\
         <desc id=\"dg{n}d\">{}</desc>",
        escape(title),
        escape(desc)
    );
    for e in edges {
        let (a, b) = (&nodes[e.from], &nodes[e.to]);
        let ((ax, ay), (bx, by)) = (pos(a), pos(b));
        // Two edges between the same boxes, one each way, are drawn apart.
        let twin = edges.iter().any(|f| f.from == e.to && f.to == e.from);
        let shift = if twin {
            if e.from < e.to {
                -7
            } else {
                7
            }
        } else {
            0
        };
        let (x1, y1, x2, y2) = if b.col > a.col {
            (ax + W, ay + H / 2 + shift, bx, by + H / 2 + shift)
        } else if b.col < a.col {
            (ax, ay + H / 2 + shift, bx + W, by + H / 2 + shift)
        } else if b.row > a.row {
            (ax + W / 2 + shift, ay + H, bx + W / 2 + shift, by)
        } else {
            (ax + W / 2 + shift, ay, bx + W / 2 + shift, by + H)
        };
        let class = if e.dashed { "dg-e dg-dash" } else { "dg-e" };
        svg.push_str(&format!("<line class=\"{class}\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"/>"));
        svg.push_str(&arrowhead(x1, y1, x2, y2));
        if !e.label.is_empty() {
            let (mx, my) = ((x1 + x2) / 2, (y1 + y2) / 2);
            // Above a horizontal edge (below the lower of twins), beside a vertical one.
            let (lx, ly, anchor) = if y1 == y2 {
                (mx, if shift > 0 { my + 15 } else { my - 6 }, "middle")
            } else if x1 == x2 {
                (mx + 6, my + 4, "start")
            } else {
                (mx, my - 6, "middle")
            };
            svg.push_str(&format!(
                "<text class=\"dg-l\" x=\"{lx}\" y=\"{ly}\" text-anchor=\"{anchor}\">{}</text>",
                escape(&e.label)
            ));
        }
    }
    for node in nodes {
        let (x, y) = pos(node);
        let class = if node.hot { "dg-box dg-hot" } else { "dg-box" };
        svg.push_str(&format!("<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"6\"/>"));
        let cx = x + W / 2;
        match &node.second {
            None => svg.push_str(&format!(
                "<text class=\"dg-t\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                y + H / 2 + 5,
                escape(&node.name)
            )),
            Some(second) => svg.push_str(&format!(
                "<text class=\"dg-t\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
                 <text class=\"dg-s\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                y + H / 2 - 3,
                escape(&node.name),
                y + H / 2 + 14,
                escape(second)
            )),
        }
    }
    svg.push_str(&format!("</svg></div><figcaption>{}</figcaption></figure>\n", escape(title)));
    svg
}

/// A filled arrowhead at (x2, y2) pointing along the edge from (x1, y1).
fn arrowhead(x1: i32, y1: i32, x2: i32, y2: i32) -> String {
    let (dx, dy) = ((x2 - x1) as f64, (y2 - y1) as f64);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (x2 as f64 - ux * 9.0, y2 as f64 - uy * 9.0);
    let (px, py) = (-uy * 4.5, ux * 4.5);
    let r = |v: f64| v.round() as i64;
    format!(
        "<polygon class=\"dg-a\" points=\"{x2},{y2} {},{} {},{}\"/>",
        r(bx + px),
        r(by + py),
        r(bx - px),
        r(by - py)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "title: Where it sits\ndesc: Clients call servers through a proxy.\n\
                          col: Clients\ncol: *Proxy/limit_req\ncol: App; DB\n\
                          Clients -> Proxy: calls\nProxy --> Clients: 429\nProxy -> App\nApp -> DB: SQL\n";

    #[test]
    fn a_diagram_is_an_accessible_svg_of_its_boxes_and_edges() {
        let svg = render(SAMPLE, 3).unwrap();
        assert!(svg.starts_with(
            "<figure class=\"context-diagram\"><div class=\"diagram-scroll\"><svg role=\"img\" aria-labelledby=\"dg3t\" aria-describedby=\"dg3d\" \
             viewBox=\"0 0 706 138\" style=\"max-width:706px\"><title id=\"dg3t\">Where it sits</title>\
             <desc id=\"dg3d\">Clients call servers through a proxy.</desc>"
        ), "{svg}");
        // The two-way pair is drawn apart: calls above the centre line, the 429 below it.
        assert!(svg.contains("<line class=\"dg-e\" x1=\"158\" y1=\"62\" x2=\"278\" y2=\"62\"/>"), "{svg}");
        assert!(svg.contains("<line class=\"dg-e dg-dash\" x1=\"278\" y1=\"76\" x2=\"158\" y2=\"76\"/>"), "{svg}");
        assert!(svg.contains("<text class=\"dg-l\" x=\"218\" y=\"56\" text-anchor=\"middle\">calls</text>"), "{svg}");
        assert!(svg.contains("<text class=\"dg-l\" x=\"218\" y=\"91\" text-anchor=\"middle\">429</text>"), "{svg}");
        // The arrowhead points at the proxy's left side.
        assert!(svg.contains("<polygon class=\"dg-a\" points=\"278,62 269,67 269,58\"/>"), "{svg}");
        // The third column holds two boxes, the first two are centred beside them.
        assert!(svg.contains("<rect class=\"dg-box dg-hot\" x=\"278\" y=\"45\" width=\"150\" height=\"48\" rx=\"6\"/>"));
        assert!(svg.contains("<rect class=\"dg-box\" x=\"548\" y=\"8\" width=\"150\" height=\"48\" rx=\"6\"/>"));
        assert!(svg.contains("<rect class=\"dg-box\" x=\"548\" y=\"82\" width=\"150\" height=\"48\" rx=\"6\"/>"));
        // App -> DB runs down its column.
        assert!(svg.contains("<line class=\"dg-e\" x1=\"623\" y1=\"56\" x2=\"623\" y2=\"82\"/>"), "{svg}");
        assert!(svg.contains(
            "<text class=\"dg-t\" x=\"353\" y=\"66\" text-anchor=\"middle\">Proxy</text>\
             <text class=\"dg-s\" x=\"353\" y=\"83\" text-anchor=\"middle\">limit_req</text>"
        ));
        assert!(svg.ends_with("</svg></div><figcaption>Where it sits</figcaption></figure>\n"));
    }

    #[test]
    fn a_broken_diagram_says_what_is_wrong() {
        let e = |s: &str| render(s, 0).unwrap_err();
        assert_eq!(e("desc: d\ncol: A"), "a diagram needs a `title:` line");
        assert_eq!(e("title: t\ncol: A"), "a diagram needs a `desc:` line describing it in words");
        assert_eq!(e("title: t\ndesc: d"), "a diagram needs at least one `col:` line");
        assert_eq!(e("title: t\ndesc: d\ncol: A\nA -> B"), "diagram line 4: no box named `B`");
        assert_eq!(e("title: t\ndesc: d\ncol: A; A"), "diagram line 3: two boxes are named `A`");
        assert_eq!(e("title: t\ndesc: d\ncol: A\nA -> A"), "diagram line 4: an edge from a box to itself");
        assert_eq!(
            e("title: t\ndesc: d\ncol: A\nhello"),
            "diagram line 4: expected `title:`, `desc:`, `col:` or an edge `A -> B: label`, not `hello`"
        );
        assert_eq!(
            e("title: t\ndesc: d\ncol: A very long name for a box"),
            "diagram line 3: `A very long name for a box` is longer than 20 characters"
        );
        assert_eq!(
            e("title: t\ndesc: d\ncol: A; B\nA -> B: a label far too long"),
            "diagram line 4: the label `a label far too long` is longer than 17 characters"
        );
        assert!(render("title: <t>\ndesc: \"d\" & e\ncol: <A>", 0)
            .unwrap()
            .contains("<title id=\"dg0t\">&lt;t&gt;</title><desc id=\"dg0d\">&quot;d&quot; &amp; e</desc>"));
    }
}
