//! Chart colours, light and dark. The only place the line palette is
//! written down: the page colours its legend swatches from
//! [`Theme::line_css`] (through the wasm export `lineColors`).
//!
//! The line palette is chosen for the common colour-vision deficiencies:
//! blue first, then orange (the pair every deficiency keeps apart), then
//! each next colour the one farthest, under normal vision and simulated
//! protanopia, deuteranopia and tritanopia (Machado, Oliveira and
//! Fernandes 2009, full severity), from those before it, among colours at
//! 3:1 or more against the chart background (WCAG 2.1 1.4.11). The test
//! below measures both.

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
                    RGBColor(0x56, 0xb4, 0xe9),
                    RGBColor(0xff, 0x8c, 0x1a),
                    RGBColor(0xe7, 0xcf, 0xac),
                    RGBColor(0x85, 0x66, 0xff),
                    RGBColor(0xef, 0x39, 0x4b),
                    RGBColor(0xff, 0x0a, 0xb6),
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
                    RGBColor(0x00, 0x72, 0xb2),
                    RGBColor(0xed, 0x70, 0x1d),
                    RGBColor(0x8c, 0x1a, 0xff),
                    RGBColor(0x92, 0x4a, 0x2a),
                    RGBColor(0x91, 0x75, 0xff),
                    RGBColor(0xd6, 0x71, 0x99),
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

    /// Dash of line `i` as (dash, gap) in CSS pixels: the first line
    /// solid (`None`), each next one its own dash, so that lines differ
    /// by more than colour. Repeats with the colours.
    pub fn dash(i: usize) -> Option<(f64, f64)> {
        const DASHES: [Option<(f64, f64)>; 6] = [
            None,
            Some((6.0, 3.0)),
            Some((1.5, 2.5)),
            Some((10.0, 3.0)),
            Some((4.0, 4.0)),
            Some((10.0, 2.0)),
        ];
        DASHES.get(i % DASHES.len()).copied().flatten()
    }

    /// Each line's legend swatch as a CSS `background`, `;`-separated:
    /// its colour, dashed as the line is ([`Self::dash`]). Line `i` is
    /// entry `i % len`, as [`Self::line`].
    pub fn line_css(&self) -> String {
        self.lines
            .iter()
            .enumerate()
            .map(|(i, RGBColor(r, g, b))| {
                let c = format!("#{r:02x}{g:02x}{b:02x}");
                match Self::dash(i) {
                    None => c,
                    Some((on, off)) => format!(
                        "repeating-linear-gradient(90deg,{c} 0 {on}px,transparent {on}px {}px)",
                        on + off
                    ),
                }
            })
            .collect::<Vec<_>>()
            .join(";")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_palette_is_the_line_colours_and_dashes() {
        for dark in [false, true] {
            let t = Theme::new(dark);
            let css: Vec<String> = t.line_css().split(';').map(str::to_string).collect();
            for (i, c) in css.iter().enumerate() {
                let RGBColor(r, g, b) = t.line(i);
                let hex = format!("#{r:02x}{g:02x}{b:02x}");
                match Theme::dash(i) {
                    None => assert_eq!(*c, hex),
                    Some((on, _)) => {
                        assert!(c.contains(&format!("{hex} 0 {on}px")), "{c}")
                    }
                }
            }
            assert_eq!(t.line(css.len()), t.line(0), "the palette repeats");
            assert_eq!(
                Theme::dash(css.len()),
                Theme::dash(0),
                "and so do the dashes"
            );
            // No two lines of a cycle look alike: colour and dash both differ.
            let dashes: Vec<_> = (0..css.len())
                .map(|i| format!("{:?}", Theme::dash(i)))
                .collect();
            let mut unique = dashes.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), dashes.len());
        }
    }

    /// Linear-light sRGB of a colour.
    fn linear(c: RGBColor) -> [f64; 3] {
        let f = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        [f(c.0), f(c.1), f(c.2)]
    }

    fn luminance(c: RGBColor) -> f64 {
        let [r, g, b] = linear(c);
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// CIELAB (D65) of linear sRGB.
    fn lab([r, g, b]: [f64; 3]) -> [f64; 3] {
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    /// Machado et al. 2009, severity 1.0, on linear RGB.
    const VISIONS: [(&str, [[f64; 3]; 3]); 4] = [
        (
            "normal",
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        ),
        (
            "protanopia",
            [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
        ),
        (
            "deuteranopia",
            [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
        ),
        (
            "tritanopia",
            [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        ),
    ];

    fn seen(c: RGBColor, m: &[[f64; 3]; 3]) -> [f64; 3] {
        let l = linear(c);
        let row = |r: &[f64; 3]| (r[0] * l[0] + r[1] * l[1] + r[2] * l[2]).clamp(0.0, 1.0);
        lab([row(&m[0]), row(&m[1]), row(&m[2])])
    }

    /// Every pair of the first lines stays apart (CIE76 ΔE) in every kind
    /// of vision, and every line stands out from the chart background.
    /// (The palette before this one failed: its blue and green were 15
    /// apart under tritanopia, two of its six 4 apart.)
    #[test]
    fn lines_are_told_apart_with_colour_vision_deficiencies() {
        for dark in [false, true] {
            let t = Theme::new(dark);
            let bg = luminance(t.background);
            for (i, c) in t.lines.iter().enumerate() {
                let l = luminance(*c);
                let contrast = (l.max(bg) + 0.05) / (l.min(bg) + 0.05);
                assert!(
                    contrast >= 3.0,
                    "dark={dark} line {i}: contrast {contrast:.2}"
                );
            }
            for (vision, m) in &VISIONS {
                for (n, min_delta) in [(2, 90.0), (3, 40.0), (6, 20.0)] {
                    for a in 0..n {
                        for b in a + 1..n {
                            let (pa, pb) = (seen(t.line(a), m), seen(t.line(b), m));
                            let d = ((pa[0] - pb[0]).powi(2)
                                + (pa[1] - pb[1]).powi(2)
                                + (pa[2] - pb[2]).powi(2))
                            .sqrt();
                            assert!(
                                d >= min_delta,
                                "dark={dark} {vision}: lines {a} and {b} are {d:.1} apart (< {min_delta})"
                            );
                        }
                    }
                }
            }
        }
        assert_eq!(
            Theme::new(false).line_css().split(';').next(),
            Some("#0072b2")
        );
    }
}
