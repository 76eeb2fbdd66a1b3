//! The playground's own pages: HTML written at build time (`content::pages`,
//! by `sdp site`), prose and all, with a slot where each widget goes. This
//! module mounts the widgets into their slots; there is no router and no
//! page rendering in the wasm.
//!
//! A slot is `<div class="widget-slot" data-kind=… data-mode=…>`. Inline
//! (in an article) it carries its starting scenario as JSON in a child
//! `<script type="application/json">` and its caption in `data-title`; as a
//! page or an embed its scenario is the link's `?s=`, or the default with a
//! notice saying why the link's could not be used. The slot's reserved
//! height (the site's stylesheet) keeps the text below it in place when the
//! widget arrives.
//!
//! The first slot mounts at once; the others when they come within a
//! viewport's height of being seen, so a page of seven widgets costs its
//! first widget's time. A `popstate` (the embed script's way of handing the
//! page a new scenario) mounts the page's and embed's widgets again from
//! the new address.

use crate::scenario::{url, Scenario};
use crate::ui::query;
use crate::widgets::{self, Mode, Widget, WidgetError};
use leptos::prelude::*;
use std::any::Any;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// The class of a widget's place in a page.
pub const SLOT: &str = "widget-slot";

thread_local! {
    /// The widgets mounted into slots, with their slots; dropping a handle unmounts its widget.
    static MOUNTED: RefCell<Vec<(HtmlElement, Box<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// What a slot starts: the scenario and the notice shown above it, or the
/// message of the error box shown instead.
pub fn slot_scenario(
    kind: &str,
    mode: Mode,
    inline_json: &str,
    query: &str,
) -> Result<(Scenario, Option<String>), String> {
    if mode == Mode::Inline {
        return Scenario::from_json(inline_json).map(|s| (s, None));
    }
    let fallback = widgets::default_scenario(kind).ok_or_else(|| format!("this page has no {kind} widget"))?;
    Ok(match query::query_param(query, url::PARAM) {
        None => (fallback, None),
        Some(value) => match url::decode_for(kind, &value) {
            Ok(s) => (s, None),
            Err(e) => (fallback, Some(format!("This link's scenario could not be used ({e}); showing the default."))),
        },
    })
}

fn mode_of(slot: &HtmlElement) -> Mode {
    match slot.get_attribute("data-mode").as_deref() {
        Some("page") => Mode::Page,
        Some("embed") => Mode::Embed,
        _ => Mode::Inline,
    }
}

/// Mounts the widget `slot` asks for into it, replacing what the page had
/// there (a placeholder), and keeps it mounted. Public for the browser tests.
pub fn mount_slot(slot: &HtmlElement) {
    let kind = slot.get_attribute("data-kind").unwrap_or_default();
    let mode = mode_of(slot);
    let json = slot.query_selector("script").ok().flatten().and_then(|s| s.text_content()).unwrap_or_default();
    let title = slot.get_attribute("data-title").filter(|t| !t.is_empty());
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let start = slot_scenario(&kind, mode, &json, &search);
    slot.set_inner_html("");
    let handle = leptos::mount::mount_to(slot.clone(), move || match start {
        Ok((scenario, notice)) => view! { <Widget scenario=scenario mode=mode title=title notice=notice /> }.into_any(),
        Err(message) => view! { <WidgetError message=message source=json /> }.into_any(),
    });
    let _ = slot.class_list().add_1("mounted");
    MOUNTED.with(|m| m.borrow_mut().push((slot.clone(), Box::new(handle) as Box<dyn Any>)));
}

/// Unmounts every widget mounted into a slot (for the browser tests, which
/// mount page after page into one document).
pub fn unmount_all() {
    let mounted = MOUNTED.with(|m| std::mem::take(&mut *m.borrow_mut()));
    drop(mounted);
}

/// Mounts the page's widgets: the first now, the rest as they near the viewport.
pub fn start() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(list) = doc.query_selector_all(&format!(".{SLOT}")) else { return };
    let slots: Vec<HtmlElement> = (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect();
    let Some((first, rest)) = slots.split_first() else { return };
    mount_slot(first);
    let observer = (!rest.is_empty()).then(near_viewport).flatten();
    for slot in rest {
        match &observer {
            Some(o) => o.observe(slot),
            None => mount_slot(slot),
        }
    }
    let on_popstate = Closure::<dyn FnMut()>::new(remount_from_address);
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("popstate", on_popstate.as_ref().unchecked_ref());
    }
    // Listens as long as the page lives.
    on_popstate.forget();
}

/// An observer that mounts each slot it watches once the slot is within a
/// viewport's height of the visible area; `None` where the browser has none.
fn near_viewport() -> Option<web_sys::IntersectionObserver> {
    let callback = Closure::<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>::new(
        |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
            for entry in entries.iter() {
                let entry: web_sys::IntersectionObserverEntry = entry.unchecked_into();
                if entry.is_intersecting() {
                    let slot: HtmlElement = entry.target().unchecked_into();
                    observer.unobserve(&slot);
                    mount_slot(&slot);
                }
            }
        },
    );
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin("100% 0px");
    let observer = web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options).ok()?;
    callback.forget();
    Some(observer)
}

/// Mounts the page's and embed's widgets again from the address, whose `?s=` changed.
fn remount_from_address() {
    let redo: Vec<(HtmlElement, Box<dyn Any>)> = MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        let (keep, redo) = std::mem::take(&mut *m).into_iter().partition(|(s, _)| mode_of(s) == Mode::Inline);
        *m = keep;
        redo
    });
    for (slot, handle) in redo {
        drop(handle);
        mount_slot(&slot);
    }
}
