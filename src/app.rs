//! Routes and pages: home, article, full-page widget, embed, not found.

use crate::content::{self, Article, Segment};
use crate::scenario::{block, url, Scenario};
use crate::ui::browser;
use crate::widgets::{self, Mode, Widget, WidgetError};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::path;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| view! { <Layout><NotFound /></Layout> }>
                <Route path=path!("/") view=|| view! { <Layout><Home /></Layout> } />
                <Route path=path!("/articles/:slug") view=|| view! { <Layout><ArticlePage /></Layout> } />
                <Route path=path!("/widgets/:kind") view=|| view! { <Layout><WidgetPage /></Layout> } />
                <Route path=path!("/embed/:kind") view=EmbedPage />
            </Routes>
        </Router>
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
            <A href="/" attr:class="brand">"System Design Playground"</A>
            <label class="theme-switch">
                <span class="visually-hidden">"Colour theme"</span>
                <select on:change=move |ev| {
                    let t = event_target_value(&ev);
                    browser::save("theme", &t);
                    theme.set(t);
                }>
                    {["auto", "light", "dark"].into_iter().map(|t| view! {
                        <option value=t selected=move || theme.get() == t>{match t { "auto" => "Theme: system", "light" => "Theme: light", _ => "Theme: dark" }}</option>
                    }).collect_view()}
                </select>
            </label>
        </header>
        <main id="main">{children()}</main>
        <footer class="site-footer">
            <p>"Every widget runs a faithful port of a named production implementation, in simulated time, in your browser."</p>
        </footer>
    }
}

#[component]
fn Home() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Learn how real distributed systems behave"</h1>
            <p>"Articles for working engineers, each beside live widgets you can push: fire a burst, change a limit, and watch what production algorithms do with the same traffic."</p>
        </section>
        {content::by_category().into_iter().map(|(category, articles)| view! {
            <section class="category">
                <h2>{category}</h2>
                <ul class="cards">
                    {articles.into_iter().map(|a| view! {
                        <li class="card">
                            <h3><A href=format!("/articles/{}", a.slug)>{a.title}</A></h3>
                            <p>{a.summary}</p>
                            <p class="meta">
                                <span class=format!("difficulty {}", a.difficulty)>{a.difficulty}</span>
                                " · "{content::reading_minutes(a)}" min read"
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }).collect_view()}
        <section class="category">
            <h2>"Widgets"</h2>
            <ul class="cards">
                {widgets::WIDGETS.iter().map(|w| view! {
                    <li class="card">
                        <h3><A href=format!("/widgets/{}", w.kind)>{w.title}</A></h3>
                        <p>{w.summary}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// One article segment: prose, a live widget, or an error box for a broken block.
fn segment_view(segment: &Segment) -> AnyView {
    match *segment {
        Segment::Html(html) => view! { <div class="prose" inner_html=html></div> }.into_any(),
        Segment::Widget(text) => match block::parse(text) {
            Ok(b) => view! { <Widget scenario=b.scenario mode=Mode::Inline title=b.title notice=None /> }.into_any(),
            Err(e) => view! { <WidgetError message=e source=text.to_string() /> }.into_any(),
        },
    }
}

fn article_view(a: &'static Article) -> impl IntoView {
    set_title(a.title);
    view! {
        <article class="article">
            <header class="article-header">
                <p class="meta">{a.category}" · "<span class=format!("difficulty {}", a.difficulty)>{a.difficulty}</span>" · "{content::reading_minutes(a)}" min read"</p>
                <h1>{a.title}</h1>
                <p class="summary">{a.summary}</p>
            </header>
            {a.segments.iter().map(segment_view).collect_view()}
            {(!a.related.is_empty()).then(|| view! {
                <nav class="related" aria-label="Related articles">
                    <h2>"Related"</h2>
                    <ul>
                        {a.related.iter().filter_map(|s| content::find(s)).map(|r| view! {
                            <li><A href=format!("/articles/{}", r.slug)>{r.title}</A></li>
                        }).collect_view()}
                    </ul>
                </nav>
            })}
        </article>
    }
}

#[component]
fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let slug = params.with(|p| p.get("slug").unwrap_or_default());
        match content::find(&slug) {
            Some(a) => article_view(a).into_any(),
            None => view! { <NotFound /> }.into_any(),
        }
    }
}

/// The scenario a widget route starts from: the link's, or the default with
/// a notice saying why the link's could not be used.
fn scenario_from_query(kind: &str, encoded: Option<String>) -> Option<(Scenario, Option<String>)> {
    let fallback = widgets::default_scenario(kind)?;
    Some(match encoded {
        None => (fallback, None),
        Some(value) => match url::decode(&value) {
            Ok(s) if s.widget() == kind => (s, None),
            Ok(s) => (
                fallback,
                Some(format!("This link holds a {} scenario, not a {kind} one; showing the default.", s.widget())),
            ),
            Err(e) => (fallback, Some(format!("This link's scenario could not be used ({e}); showing the default."))),
        },
    })
}

#[component]
fn WidgetPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    move || {
        let kind = params.with(|p| p.get("kind").unwrap_or_default());
        let encoded = query.with_untracked(|q| q.get(url::PARAM));
        match (widgets::info(&kind), scenario_from_query(&kind, encoded)) {
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
}

#[component]
fn EmbedPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let theme = query.with_untracked(|q| q.get("theme")).unwrap_or_default();
    browser::apply_theme(&theme);
    move || {
        let kind = params.with(|p| p.get("kind").unwrap_or_default());
        let encoded = query.with_untracked(|q| q.get(url::PARAM));
        match scenario_from_query(&kind, encoded) {
            Some((scenario, notice)) => view! {
                <main class="embed" id="main">
                    <Widget scenario=scenario mode=Mode::Embed title=None notice=notice />
                </main>
            }
            .into_any(),
            None => view! { <main class="embed" id="main"><NotFound /></main> }.into_any(),
        }
    }
}

#[component]
fn NotFound() -> impl IntoView {
    set_title("Not found");
    view! {
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. "<A href="/">"See all articles"</A>"."</p>
        </section>
    }
}

fn set_title(title: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{title} · System Design Playground"));
    }
}
