//! The script-tag embed: `<sd-widget>` elements on another site's page.
//!
//! `sd-widget.js` (written at build time by `sdp site` from
//! `www/sd-widget-template.js`) defines the element. For each one it loads the
//! bundle of the widget's family, once per page, and calls [`mount_widget`]
//! with a container inside the element's shadow root, so the host page's
//! styles and the widget's never meet. Several widgets, of one family or
//! several, share a page without sharing any state.

use crate::scenario::{presets, url, Scenario};
use crate::widgets::{self, Mode, Widget, WidgetError};
use leptos::prelude::*;
use std::any::Any;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The mounted widgets, by the id [`mount_widget`] returned; dropping one unmounts it.
    static MOUNTED: RefCell<Vec<Option<Box<dyn Any>>>> = const { RefCell::new(Vec::new()) };
}

/// The scenario an element asks for: its `scenario` attribute (the `s=`
/// value of a link), else its `preset`, else the widget's default; or why
/// none of them can start this widget.
pub fn element_scenario(kind: &str, preset: &str, scenario: &str) -> Result<Scenario, String> {
    // The kinds alone: the index's titles and summaries stay out of the wasm.
    let kinds = crate::scenario::KINDS;
    if !kinds.contains(&kind) {
        return Err(format!("no widget kind \"{kind}\"; kinds: {}", kinds.join(", ")));
    }
    if !scenario.is_empty() {
        return url::decode_for(kind, scenario).map_err(|e| format!("the scenario attribute could not be used: {e}"));
    }
    if !preset.is_empty() {
        return presets::named(kind, preset).ok_or_else(|| format!("no {kind} preset \"{preset}\""));
    }
    widgets::default_scenario(kind).ok_or_else(|| format!("this bundle has no {kind} widget"))
}

/// Mounts the widget `kind` into `parent` and returns its id for
/// [`unmount_widget`]. `site` is the playground's origin, which the widget's
/// links and embed code point to. A bad attribute mounts an error box that
/// says what is wrong, never nothing.
#[wasm_bindgen]
pub fn mount_widget(
    parent: web_sys::HtmlElement,
    site: String,
    kind: String,
    preset: String,
    scenario: String,
    title: String,
) -> u32 {
    crate::ui::browser::set_site_origin(&site);
    let title = (!title.is_empty()).then_some(title);
    let handle: Box<dyn Any> = match element_scenario(&kind, &preset, &scenario) {
        Ok(s) => Box::new(leptos::mount::mount_to(parent, move || {
            view! { <Widget scenario=s mode=Mode::Inline title=title notice=None /> }
        })),
        Err(message) => {
            // The element as written (long scenario values cut short), to show beside the message.
            let attr = |name: &str, value: &str| {
                let value: String = value.chars().take(120).collect();
                if value.is_empty() {
                    String::new()
                } else {
                    format!(" {name}=\"{}\"", value.replace('"', "&quot;"))
                }
            };
            let source = format!(
                "<sd-widget{}{}{}{}>",
                attr("kind", &kind),
                attr("preset", &preset),
                attr("scenario", &scenario),
                attr("heading", title.as_deref().unwrap_or_default())
            );
            Box::new(leptos::mount::mount_to(parent, move || view! { <WidgetError message=message source=source /> }))
        }
    };
    MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        m.push(Some(handle));
        (m.len() - 1) as u32
    })
}

/// Unmounts a widget [`mount_widget`] mounted (when its element leaves the page).
#[wasm_bindgen]
pub fn unmount_widget(id: u32) {
    let handle = MOUNTED.with(|m| m.borrow_mut().get_mut(id as usize).and_then(Option::take));
    drop(handle);
}
