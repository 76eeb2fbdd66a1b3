//! System Design Playground: articles beside live simulations of the
//! algorithms real distributed systems run.
//!
//! * [`sim`] — the engines: pure, deterministic, browser-free.
//! * [`scenario`] — the one versioned format shared by URLs, export, the CLI and tests.
//! * [`content`] — the article catalog, rendered from Markdown at build time,
//!   and every page of the site as HTML, which `sdp site` writes (the web
//!   app never calls it, so no bundle carries it).
//! * [`ui`] — shared UI parts (charts, controls, theme) and their pure geometry.
//! * [`widgets`] — one Leptos component family per engine.
//! * [`mount`] — the web app: mounts the widgets into the slots of a page.
//! * [`element`] — the `<sd-widget>` exports for other sites' pages.

pub mod content;
pub mod element;
pub mod mount;
pub mod scenario;
pub mod sim;
pub mod ui;
pub mod widgets;
