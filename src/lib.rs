//! System Design Playground: articles beside live simulations of the
//! algorithms real distributed systems run.
//!
//! * [`sim`] — the engines: pure, deterministic, browser-free.
//! * [`scenario`] — the one versioned format shared by URLs, export, the CLI and tests.
//! * [`content`] — the article catalog, rendered from Markdown at build time.
//! * [`ui`] — shared UI parts (charts, controls, theme) and their pure geometry.
//! * [`widgets`] — one Leptos component family per engine.
//! * [`router`] — the app's small router (History API, link interception).
//! * [`app`] — routes and pages.

pub mod app;
pub mod content;
pub mod element;
pub mod router;
pub mod scenario;
pub mod sim;
pub mod ui;
pub mod widgets;
