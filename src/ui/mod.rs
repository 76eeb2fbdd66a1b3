//! Shared UI parts: chart geometry (pure, tested natively), formatting,
//! theme handling and small browser helpers.

pub mod browser;
pub mod chart;
pub mod controls;
pub mod format;
pub mod html;
pub mod playback;
pub mod query;
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

/// Lanes' results, each kept with the inputs it was computed from and the
/// traffic it ran on: see [`rerun_changed`].
pub type LaneCache<K, T, R> = leptos::prelude::StoredValue<Vec<(K, Shared<T>, R)>>;

/// One result per lane, each computed by `run` from its inputs in `lanes`,
/// reusing the previous result of any lane whose inputs and traffic are
/// unchanged: dragging one lane's slider re-runs that lane alone. Inputs
/// compare by value, the traffic (keys drawn or hashed once) by identity.
pub fn rerun_changed<K, T, R>(
    cache: LaneCache<K, T, R>,
    traffic: &Shared<T>,
    lanes: Vec<K>,
    mut run: impl FnMut(&K) -> Result<R, String>,
) -> Result<Vec<R>, String>
where
    K: PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
    R: Clone + Send + Sync + 'static,
{
    use leptos::prelude::{SetValue, WithValue};
    let mut next = Vec::with_capacity(lanes.len());
    for key in lanes {
        let reused = cache.with_value(|previous| {
            previous.iter().find(|(k, t, _)| *k == key && t == traffic).map(|(_, _, r)| r.clone())
        });
        let result = match reused {
            Some(r) => r,
            None => run(&key)?,
        };
        next.push((key, Shared(traffic.0.clone()), result));
    }
    let results = next.iter().map(|(_, _, r)| r.clone()).collect();
    cache.set_value(next);
    Ok(results)
}
