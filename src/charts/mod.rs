//! Charts over the session model: which charts exist ([`catalog`]), what
//! the pixels can show ([`decimate`]), and drawing with plotters, generic
//! over the backend ([`render`]). No browser types here: the page draws with
//! plotters-canvas, tests with the SVG backend.

pub mod catalog;
pub mod decimate;
pub mod range;
pub mod render;
pub mod theme;

pub use catalog::{metric_charts, raw_charts, Chart};
pub use render::{draw_chart, draw_layers, Frame, Layer, PlotRect};
