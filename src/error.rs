//! Import errors and diagnostics.
//!
//! A hard [`ImportError`] means nothing usable could be read ("not ours", empty,
//! too large). Everything short of that is a [`Diagnostic`] attached to the
//! session: the import keeps going and the user sees what was read plus notes on
//! what was not. Both carry a [`Kind`] so the UI and the embed protocol can map
//! them to stable codes.

use serde::Serialize;
use std::fmt;

/// What went wrong, as a stable, machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ImportErrorKind"))]
pub enum Kind {
    /// Not a dump format we know.
    Unrecognized,
    /// Nothing at all in the input.
    Empty,
    /// Recognised, but a variant or feature we cannot read.
    Unsupported,
    /// Syntax error or a value of the wrong shape.
    Malformed,
    /// The input ends early.
    Truncated,
    /// Beyond the configured size limit.
    TooLarge,
    /// webrtc-internals dropped older samples (1000-point cap per series).
    Capped,
    /// A value that was read but is doubtful (e.g. clock jumps, unknown method code).
    Suspicious,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Unrecognized => "unrecognized",
            Kind::Empty => "empty",
            Kind::Unsupported => "unsupported",
            Kind::Malformed => "malformed",
            Kind::Truncated => "truncated",
            Kind::TooLarge => "too_large",
            Kind::Capped => "capped",
            Kind::Suspicious => "suspicious",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the input a problem is: a 1-based line for line-oriented dumps,
/// a key path for JSON documents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Location {
    pub fn line(line: usize) -> Self {
        Location {
            line: Some(line),
            key: None,
        }
    }
    pub fn key(key: impl Into<String>) -> Self {
        Location {
            line: None,
            key: Some(key.into()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.key) {
            (Some(l), Some(k)) => write!(f, "line {l}, key {k}"),
            (Some(l), None) => write!(f, "line {l}"),
            (None, Some(k)) => write!(f, "key {k}"),
            (None, None) => Ok(()),
        }
    }
}

/// A failure that leaves nothing to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub kind: Kind,
    pub message: String,
    pub location: Location,
}

impl ImportError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        ImportError {
            kind,
            message: message.into(),
            location: Location::default(),
        }
    }
    pub fn at(mut self, location: Location) -> Self {
        self.location = location;
        self
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if self.location != Location::default() {
            write!(f, " (at {})", self.location)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "DiagnosticSeverity"))]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A problem found while importing that did not stop the import.
///
/// Repeats of the same kind and message are folded into one entry with a
/// `count` and the first location, so a file with a million bad lines stays
/// readable (and small).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: Kind,
    pub message: String,
    pub location: Location,
    pub count: u64,
}
