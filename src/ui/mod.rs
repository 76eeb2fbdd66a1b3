//! Shared UI parts: chart geometry (pure, tested natively), formatting,
//! theme handling and small browser helpers.

pub mod browser;
pub mod chart;
pub mod controls;
pub mod format;
pub mod html;
pub mod playback;
pub mod share;

use std::sync::Arc;

/// A computed value shared by every view of it (a widget's run), compared by
/// identity so that a new computation always notifies, however large it is.
#[derive(Clone)]
pub struct Shared<T>(pub Arc<T>);

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
