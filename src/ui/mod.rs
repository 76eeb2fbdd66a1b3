//! Shared UI parts: chart geometry (pure, tested natively), formatting,
//! theme handling and small browser helpers.

pub mod browser;
pub mod chart;
pub mod controls;
pub mod format;
pub mod html;
pub mod playback;
pub mod share;
