//! Routes and pages: home, article, full-page widget, embed, not found.

use crate::content::{self, Article, Segment, WidgetSegment};
use crate::router::{self, Route};
use crate::scenario::{url, Scenario};
use crate::ui::browser;
use crate::widgets::{self, Mode, Widget, WidgetError};
use leptos::prelude::*;

/// The whole app: the page for the current location.
#[component]
pub fn App() -> impl IntoView {
    let location = router::provide(shows);
    // After an in-app navigation, move focus to the new page's heading, as a
    // full page load would, so screen readers announce it.
    Effect::new(move |previous: Option<()>| {
        location.track();
        if previous.is_some() {
            set_timeout(focus_heading, std::time::Duration::ZERO);
        }
    });
    move || {
        let loc = location.get();
        if !shows(&loc.path) {
            return view! { <Layout><OtherBundle path=loc.path /></Layout> }.into_any();
        }
        let encoded = router::query_param(&loc.query, url::PARAM);
        match router::route(&loc.path) {
            Route::Home => view! { <Layout><Home /></Layout> }.into_any(),
            Route::Article(slug) => match content::find(&slug) {
                Some(a) => view! { <Layout>{article_view(a)}</Layout> }.into_any(),
                None => view! { <Layout><NotFound /></Layout> }.into_any(),
            },
            Route::Widget(kind) => view! { <Layout>{widget_page(&kind, encoded)}</Layout> }.into_any(),
            Route::Embed(kind) => embed_page(&kind, encoded, router::query_param(&loc.query, "theme")).into_any(),
            Route::NotFound => view! { <Layout><NotFound /></Layout> }.into_any(),
        }
    }
}

/// Whether this bundle holds the widgets the page at `path` shows. Every page
/// without widgets (home, not found) is in every bundle.
pub fn shows(path: &str) -> bool {
    match router::route(path) {
        Route::Article(slug) => content::find(&slug).is_none_or(|a| a.widgets.iter().all(|k| widgets::in_bundle(k))),
        Route::Widget(kind) | Route::Embed(kind) => {
            crate::scenario::family(&kind).is_none() || widgets::in_bundle(&kind)
        }
        Route::Home | Route::NotFound => true,
    }
}

/// Shown if a page is served the wrong bundle: a site built without
/// `scripts/build-site`'s per-page HTML, or a host that ignores it.
#[component]
fn OtherBundle(path: String) -> impl IntoView {
    set_title("Wrong bundle");
    view! {
        <section class="not-found">
            <h1>"This page is part of another bundle"</h1>
            <p>"The server sent the wrong page for this address; reloading usually fixes it. "<a href="/">"See all articles"</a>"."</p>
            <p class="meta">{path}</p>
        </section>
    }
}

/// Site chrome: header with the theme switch, main content, footer.
#[component]
fn Layout(children: Children) -> impl IntoView {
    let theme = RwSignal::new(browser::load("theme").unwrap_or_else(|| "auto".into()));
    Effect::new(move |_| browser::apply_theme(&theme.get()));
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a href="/" class="brand">"System Design Playground"</a>
            <label class="theme-switch">
                <span class="visually-hidden">"Colour theme"</span>
                <select on:change=move |ev| {
                    let t = event_target_value(&ev);
                    browser::save("theme", &t);
                    theme.set(t);
                }>
                    {content::pages::THEMES.into_iter().map(|(t, label)| view! {
                        <option value=t selected=move || theme.get() == t>{label}</option>
                    }).collect_view()}
                </select>
            </label>
        </header>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <p>{content::pages::FOOTER}</p>
        </footer>
    }
}

/// The home page: the catalog `sdp site` also writes as the static
/// `index.html` (see [`content::pages`]), shown here when a page of this
/// bundle links home.
#[component]
fn Home() -> impl IntoView {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title("System Design Playground");
    }
    view! { <div class="home" inner_html=content::pages::home_html()></div> }
}

/// A widget segment: the live widget, or an error box for a broken block.
pub fn widget_view(w: &WidgetSegment) -> AnyView {
    let parsed = w.parsed.map_err(String::from).and_then(|(json, title)| Scenario::from_json(json).map(|s| (s, title)));
    match parsed {
        Ok((scenario, title)) => {
            let title = (!title.is_empty()).then(|| title.to_string());
            view! { <Widget scenario=scenario mode=Mode::Inline title=title notice=None /> }.into_any()
        }
        Err(e) => view! { <WidgetError message=e source=w.source.to_string() /> }.into_any(),
    }
}

/// The article's body: prose fetched from `content/<slug>.html` (or compiled
/// in, natively), with its widgets placed between the prose segments.
fn article_body(a: &'static Article, html: Vec<String>) -> impl IntoView {
    let mut prose = html.into_iter();
    a.segments
        .iter()
        .map(|s| match s {
            Segment::Html(_) => {
                let h = prose.next().unwrap_or_default();
                view! { <div class="prose" inner_html=h></div> }.into_any()
            }
            Segment::Widget(w) => widget_view(w),
        })
        .collect_view()
}

fn article_view(a: &'static Article) -> impl IntoView {
    set_title(a.title);
    let compiled: Vec<String> =
        a.segments.iter().filter_map(|s| if let Segment::Html(h) = s { Some(h.to_string()) } else { None }).collect();
    let body = RwSignal::new(None::<Result<Vec<String>, String>>);
    if compiled.iter().all(|h| h.is_empty()) {
        leptos::task::spawn_local(async move {
            let result = browser::fetch_text(&format!("/content/{}.html", a.slug))
                .await
                .map(|file| content::split_content(&file).into_iter().map(String::from).collect());
            body.set(Some(result));
        });
    } else {
        body.set(Some(Ok(compiled)));
    }
    view! {
        <article class="article">
            <header class="article-header">
                <p class="meta">{a.category}" · "<span class=format!("difficulty {}", a.difficulty)>{a.difficulty}</span>" · "{content::reading_minutes(a)}" min read"</p>
                <h1>{a.title}</h1>
                <p class="summary">{a.summary}</p>
            </header>
            {move || match body.get() {
                None => view! { <p class="loading" role="status">"Loading the article…"</p> }.into_any(),
                Some(Ok(html)) => article_body(a, html).into_any(),
                Some(Err(e)) => view! {
                    <div class="widget-error" role="alert">
                        "The article could not be loaded ("{e}"). "
                        <a href=format!("/articles/{}", a.slug)>"Try again"</a>
                    </div>
                }.into_any(),
            }}
            {(!content::related(a).is_empty()).then(|| view! {
                <nav class="related" aria-label="Related articles">
                    <h2>"Related"</h2>
                    <ul>
                        {content::related(a).into_iter().map(|r| view! {
                            <li><a href=format!("/articles/{}", r.slug)>{r.title}</a></li>
                        }).collect_view()}
                    </ul>
                </nav>
            })}
        </article>
    }
}

/// The scenario a widget route starts from: the link's, or the default with
/// a notice saying why the link's could not be used.
fn scenario_from_query(kind: &str, encoded: Option<String>) -> Option<(Scenario, Option<String>)> {
    let fallback = widgets::default_scenario(kind)?;
    Some(match encoded {
        None => (fallback, None),
        Some(value) => match url::decode_for(kind, &value) {
            Ok(s) => (s, None),
            Err(e) => (fallback, Some(format!("This link's scenario could not be used ({e}); showing the default."))),
        },
    })
}

fn widget_page(kind: &str, encoded: Option<String>) -> AnyView {
    match (crate::scenario::family(kind), scenario_from_query(kind, encoded)) {
        (Some(info), Some((scenario, notice))) => {
            set_title(info.title);
            view! {
                <div class="widget-page">
                    <h1>{info.title}</h1>
                    <p class="summary">{info.summary}</p>
                    <Widget scenario=scenario mode=Mode::Page title=None notice=notice />
                </div>
            }
            .into_any()
        }
        _ => view! { <NotFound /> }.into_any(),
    }
}

/// The embed route: the widget alone, compact, themed by `?theme=light|dark|auto`.
fn embed_page(kind: &str, encoded: Option<String>, theme: Option<String>) -> impl IntoView {
    browser::apply_theme(theme.as_deref().unwrap_or("auto"));
    match scenario_from_query(kind, encoded) {
        Some((scenario, notice)) => view! {
            <main class="embed" id="main">
                <Widget scenario=scenario mode=Mode::Embed title=None notice=notice />
            </main>
        }
        .into_any(),
        None => view! { <main class="embed" id="main"><NotFound /></main> }.into_any(),
    }
}

#[component]
fn NotFound() -> impl IntoView {
    set_title("Not found");
    view! { <div inner_html=content::pages::NOT_FOUND_HTML></div> }
}

fn focus_heading() {
    let heading = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("main h1").ok().flatten())
        .and_then(|h| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h).ok());
    if let Some(h) = heading {
        let _ = h.set_attribute("tabindex", "-1");
        let _ = h.focus();
    }
}

fn set_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{title} · System Design Playground"));
    }
}
