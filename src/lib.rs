//! rtcview: look inside a WebRTC call.
//!
//! Reads rtcstats and chrome://webrtc-internals dumps into one normalized
//! [`model::Session`], derives metrics from raw counters, and summarizes.
//! Everything here compiles and is tested natively; only [`app`] (wasm32)
//! touches the browser.
//!
//! Data flow: bytes -> [`formats::import`] (sniff, gunzip, dialect importer
//! -> [`model::SessionBuilder`]) -> [`model::Session`] -> [`metrics`] ->
//! [`summary`].

pub mod build;
pub mod charts;
pub mod combine;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod contract;
#[cfg(any(not(target_arch = "wasm32"), feature = "tools"))]
pub mod convert;
pub mod embed;
pub mod error;
pub mod findings;
pub mod formats;
pub mod json;
pub mod memo;
pub mod metrics;
pub mod model;
#[cfg(any(not(target_arch = "wasm32"), feature = "tools"))]
pub mod redact;
#[cfg(any(not(target_arch = "wasm32"), feature = "tools"))]
pub mod report;
pub mod summary;
pub mod transfer;
pub mod view;

#[cfg(all(target_arch = "wasm32", not(feature = "tools")))]
pub mod app;
/// The page's second wasm module, loaded on first use of its sharing tools
/// (redacted copy, conversion, report, summary JSON): built with
/// `--features tools`, it is `app` in that build (scripts/build.sh).
#[cfg(all(target_arch = "wasm32", feature = "tools"))]
#[path = "app/tools.rs"]
pub mod app;

pub use error::{Diagnostic, ImportError, Kind};
pub use formats::{import, import_with, ImportOptions};
pub use model::Session;
