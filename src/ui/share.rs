//! Sharing a widget's scenario, shared by every widget: keeping it in the
//! page's URL, and the buttons that copy a link or embed code, export the
//! scenario as JSON and import one.

use crate::scenario::{url, Scenario};
use crate::ui::browser;
use crate::ui::playback::Playback;
use leptos::prelude::*;
use std::time::Duration;

/// How long the scenario must stay unchanged before the URL is rewritten.
pub const URL_DELAY_MS: u64 = 250;

/// Keeps `current()` (the scenario with its playhead, if it has one) in the
/// URL's query, written once a change settles: a slider drag would otherwise
/// rewrite it every frame, and browsers throttle rapid history updates.
/// Nothing is written while playback runs. `track` subscribes to the
/// scenario without copying it; `current` runs only when the URL is written,
/// not on every tick of the playhead.
pub fn keep_in_url(
    playback: Option<Playback>,
    track: impl Fn() + Send + Sync + 'static,
    current: impl Fn() -> Scenario + Copy + Send + Sync + 'static,
) {
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        track();
        if let Some(p) = playback {
            p.playhead.track();
            if p.playing.get() {
                return;
            }
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let write = move || browser::replace_query_param(url::PARAM, Some(&url::encode(&untrack(current))));
        pending.set_value(set_timeout_with_handle(write, Duration::from_millis(URL_DELAY_MS)).ok());
    });
    on_cleanup(move || {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
    });
}

/// The link that reopens `scenario` on its widget's own page.
pub fn page_link(scenario: &Scenario) -> String {
    format!("{}/widgets/{}?{}={}", browser::origin(), scenario.widget(), url::PARAM, url::encode(scenario))
}

/// The HTML a host page pastes to embed `scenario`: a sandboxed iframe of
/// the embed route and the script that sizes it to its content.
pub fn embed_code(scenario: &Scenario, title: &str) -> String {
    let origin = browser::origin();
    format!(
        "<iframe data-sdp-embed src=\"{origin}/embed/{}?{}={}\" title=\"{title}\" sandbox=\"allow-scripts allow-popups\" \
         loading=\"lazy\" style=\"width:100%;height:640px;border:0\"></iframe>\n<script src=\"{origin}/embed-host.js\" async></script>",
        scenario.widget(),
        url::PARAM,
        url::encode(scenario)
    )
}

/// Downloads the run of `scenario` as the CLI prints it (`sdp run`, or
/// `sdp run --csv`): every decision, byte for byte the same.
fn trace(scenario: &Scenario, csv: bool, status: RwSignal<Option<String>>) {
    let (run, ext, mime) =
        if csv { (scenario.run_csv(), "csv", "text/csv") } else { (scenario.run_json(), "json", "application/json") };
    match run {
        Ok(text) => browser::download(&format!("{}-trace.{ext}", scenario.widget()), mime, &text),
        Err(e) => status.set(Some(format!("The trace could not be made: {e}"))),
    }
}

/// "Copy link", "Copy embed code", "Export JSON", "Import JSON", the run's
/// trace as JSON and CSV and, inline
/// in an article, "Open full page". `current` gives the scenario with its
/// playhead; `on_import` takes an imported scenario or says why it cannot.
#[component]
pub fn ShareBar(
    title: &'static str,
    inline: bool,
    current: Callback<(), Scenario>,
    on_import: Callback<Scenario, Result<(), String>>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let show_import = RwSignal::new(false);
    let import_text = RwSignal::new(String::new());
    let import_error = RwSignal::new(None::<String>);
    let link = move || page_link(&current.run(()));
    let copy = move |what: &str, text: String| {
        let ok = browser::copy_text(&text);
        status.set(Some(if ok {
            format!("{what} copied")
        } else {
            format!("Copy this {}: {text}", what.to_lowercase())
        }));
    };
    view! {
        <div class="share" role="group" aria-label="Share and export">
            <button type="button" on:click=move |_| copy("Link", link())>"Copy link"</button>
            <button type="button" on:click=move |_| copy("Embed code", embed_code(&current.run(()), title))>"Copy embed code"</button>
            <button type="button" on:click=move |_| {
                let s = current.run(());
                browser::download(&format!("{}-scenario.json", s.widget()), "application/json", &s.to_json_pretty());
            }>"Export JSON"</button>
            <button type="button" aria-expanded=move || show_import.get().to_string() on:click=move |_| show_import.update(|v| *v = !*v)>"Import JSON"</button>
            <button type="button" data-action="trace-json" on:click=move |_| trace(&current.run(()), false, status)>"Download trace (JSON)"</button>
            <button type="button" data-action="trace-csv" on:click=move |_| trace(&current.run(()), true, status)>"Download trace (CSV)"</button>
            // Presenter mode is driven by www/presenter.js.
            <button type="button" data-action="present" aria-keyshortcuts="p">"Present"</button>
            {inline.then(|| view! { <a class="open-page" href=link>"Open full page"</a> })}
        </div>
        <Show when=move || show_import.get()>
            <div class="import">
                <label>
                    "Paste a scenario"
                    <textarea rows="6" prop:value=move || import_text.get() on:input=move |ev| import_text.set(event_target_value(&ev))></textarea>
                </label>
                <button type="button" on:click=move |_| {
                    let result = Scenario::from_json(&import_text.get_untracked()).and_then(|s| on_import.run(s));
                    match result {
                        Ok(()) => {
                            import_error.set(None);
                            show_import.set(false);
                            status.set(Some("Scenario imported".into()));
                        }
                        Err(e) => import_error.set(Some(e)),
                    }
                }>"Load scenario"</button>
                {move || import_error.get().map(|e| view! { <p class="control-error" role="alert">{e}</p> })}
            </div>
        </Show>
    }
}

/// A lane's download buttons; www/export.js makes the files from the drawn
/// chart and table.
#[component]
pub fn LaneDownloads() -> impl IntoView {
    view! {
        <p class="lane-export">
            <button type="button" data-action="export-svg">"Download chart (SVG)"</button>
            <button type="button" data-action="export-csv">"Download table (CSV)"</button>
        </p>
    }
}
