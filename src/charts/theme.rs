//! Chart colours, light and dark. The only place colours are written down
//! (the page's CSS mirrors the same palette for the HTML around the charts).

use plotters::style::RGBColor;
use plotters::style::{Color, RGBAColor};

pub struct Theme {
    pub background: RGBColor,
    pub text: RGBColor,
    pub axis: RGBColor,
    pub grid: RGBColor,
    pub band: RGBAColor,
    /// The ranges of the finding being looked at.
    pub highlight: RGBAColor,
    pub marker: RGBColor,
    pub cursor: RGBColor,
    pub mark: RGBColor,
    lines: [RGBColor; 6],
}

impl Theme {
    pub fn new(dark: bool) -> Self {
        if dark {
            Theme {
                background: RGBColor(0x14, 0x17, 0x1a),
                text: RGBColor(0xc8, 0xcd, 0xd3),
                axis: RGBColor(0x5b, 0x64, 0x70),
                grid: RGBColor(0x2c, 0x32, 0x38),
                band: RGBColor(0xfd, 0xb0, 0x22).mix(0.18),
                highlight: RGBColor(0xf9, 0x70, 0x66).mix(0.22),
                marker: RGBColor(0xa4, 0x8a, 0xfb),
                cursor: RGBColor(0xe6, 0xe8, 0xeb),
                mark: RGBColor(0xf9, 0x70, 0x66),
                lines: [
                    RGBColor(0x53, 0xb1, 0xfd),
                    RGBColor(0x47, 0xcd, 0x89),
                    RGBColor(0xfd, 0xb0, 0x22),
                    RGBColor(0xf9, 0x70, 0x66),
                    RGBColor(0xa4, 0x8a, 0xfb),
                    RGBColor(0x2e, 0xd3, 0xb7),
                ],
            }
        } else {
            Theme {
                background: RGBColor(0xff, 0xff, 0xff),
                text: RGBColor(0x34, 0x40, 0x54),
                axis: RGBColor(0x98, 0xa2, 0xb3),
                grid: RGBColor(0xea, 0xec, 0xf0),
                band: RGBColor(0xf7, 0x90, 0x09).mix(0.16),
                highlight: RGBColor(0xd9, 0x2d, 0x20).mix(0.14),
                marker: RGBColor(0x69, 0x38, 0xef),
                cursor: RGBColor(0x1d, 0x29, 0x39),
                mark: RGBColor(0xd9, 0x2d, 0x20),
                lines: [
                    RGBColor(0x15, 0x70, 0xef),
                    RGBColor(0x07, 0x94, 0x55),
                    RGBColor(0xdc, 0x68, 0x03),
                    RGBColor(0xd9, 0x2d, 0x20),
                    RGBColor(0x69, 0x38, 0xef),
                    RGBColor(0x0e, 0x93, 0x84),
                ],
            }
        }
    }

    /// Colour of line `i` of a chart.
    pub fn line(&self, i: usize) -> RGBColor {
        self.lines
            .get(i % self.lines.len())
            .copied()
            .unwrap_or(self.text)
    }
}
