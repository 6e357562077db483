//! Chart colours, light and dark. The only place the line palette is
//! written down: the page colours its legend swatches from
//! [`Theme::line_css`] (through the wasm export `lineColors`).

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

    /// The line palette as CSS colours, space-separated: line `i` is entry
    /// `i % len`, as [`Self::line`].
    pub fn line_css(&self) -> String {
        self.lines
            .iter()
            .map(|RGBColor(r, g, b)| format!("#{r:02x}{g:02x}{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_palette_is_the_line_colours() {
        for dark in [false, true] {
            let t = Theme::new(dark);
            let css: Vec<String> = t.line_css().split(' ').map(str::to_string).collect();
            for (i, c) in css.iter().enumerate() {
                let RGBColor(r, g, b) = t.line(i);
                assert_eq!(*c, format!("#{r:02x}{g:02x}{b:02x}"));
            }
            assert_eq!(t.line(css.len()), t.line(0), "the palette repeats");
        }
        assert_eq!(
            Theme::new(false).line_css().split(' ').next(),
            Some("#1570ef")
        );
    }
}
