#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code: failing loudly is the point
#![cfg(not(target_arch = "wasm32"))]
//! Chart rendering, natively through plotters' SVG backend: the same drawing
//! code the page runs through plotters-canvas.

use plotters::prelude::*;
use rtcview::charts::{draw_chart, metric_charts, raw_charts, Frame};

const SAMPLE: &[u8] = include_bytes!("../www/sample/session.rtcstats.gz");
const V3: &[u8] = include_bytes!("fixtures/rtcstats/v3-compressed-handmade.rtcstats");

fn render(session: &rtcview::Session, chart: &rtcview::charts::Chart, frame: &Frame) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (480, 140)).into_drawing_area();
        let rect = draw_chart(&root, session, chart, frame).expect("draws");
        assert!(
            rect.left > 0 && rect.right <= 480 && rect.left < rect.right,
            "{rect:?}"
        );
    }
    svg
}

/// `t0..t1` in light mode at 1x, no cursor, no mark.
fn frame(t0_ms: f64, t1_ms: f64) -> Frame {
    Frame {
        t0_ms,
        t1_ms,
        cursor_ms: None,
        mark_ms: None,
        highlight_ms: Vec::new(),
        scale: 1.0,
        dark: false,
        origin_ms: None,
    }
}

/// The session's first bitrate chart.
fn bitrate_chart(s: &rtcview::Session) -> rtcview::charts::Chart {
    metric_charts(s)
        .into_iter()
        .find(|c| c.id.ends_with("/bitrate"))
        .expect("bitrate chart")
}

#[test]
fn the_sample_session_has_a_chart_per_stream_metric() {
    let s = rtcview::import(SAMPLE).expect("imports");
    let charts = metric_charts(&s);
    let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
    // Every stream has bitrate, packets, jitter and RTT; video has fps and resolution.
    for want in ["bitrate", "packets", "jitter", "rtt"] {
        assert_eq!(
            ids.iter()
                .filter(|i| i.ends_with(&format!("/{want}")))
                .count(),
            4,
            "{want}: {ids:?}"
        );
    }
    assert_eq!(ids.iter().filter(|i| i.ends_with("/fps")).count(), 2);
    assert_eq!(ids.iter().filter(|i| i.ends_with("/resolution")).count(), 2);
    // Only video: headless Chromium plays no audio, so the audio jitter
    // buffer never emits a sample (jitterBufferEmittedCount stays 0).
    assert_eq!(
        ids.iter().filter(|i| i.ends_with("/jitterbuffer")).count(),
        1
    );
    assert!(ids.iter().any(|i| i.ends_with("/icertt")));
    // The recorder capped the video sender at 150 kbit/s for a third of the
    // call: the target bitrate line shows the cap.
    let out_video = charts
        .iter()
        .find(|c| c.id.ends_with("/bitrate") && c.group.contains("outbound video"))
        .expect("outbound video bitrate");
    assert_eq!(out_video.lines.len(), 2, "payload and target bitrate");
    let (_, target) =
        rtcview::charts::catalog::line_data(&s, &out_video.lines[1]).expect("target line");
    let lowest = target
        .to_f64s()
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    assert!(
        lowest <= 150.0 && lowest > 100.0,
        "lowest target {lowest} kbit/s"
    );
    // Raw mode: one chart per numeric column; ids and constants are boring.
    let raw = raw_charts(&s);
    assert!(raw.len() > 100);
    assert!(raw.iter().any(|c| c.title == "ssrc" && c.boring));
    assert!(raw.iter().any(|c| c.title == "bytesSent" && !c.boring));
}

#[test]
fn bitrate_chart_snapshot() {
    let s = rtcview::import(V3).expect("imports");
    let chart = &bitrate_chart(&s);
    let (t0, t1) = s.time_range_ms().expect("timed");
    let svg = render(
        &s,
        chart,
        &Frame {
            cursor_ms: Some(t0 + 3500.0),
            ..frame(t0, t1)
        },
    );
    insta::assert_snapshot!(svg);
}

#[test]
fn every_sample_chart_draws_in_both_themes_and_at_2x() {
    let s = rtcview::import(SAMPLE).expect("imports");
    let (t0, t1) = s.time_range_ms().expect("timed");
    for chart in metric_charts(&s) {
        for (dark, scale) in [(false, 1.0), (true, 2.0)] {
            let svg = render(
                &s,
                &chart,
                &Frame {
                    mark_ms: Some(t0 + 1000.0),
                    highlight_ms: vec![(t0 + 2000.0, t0 + 5000.0)],
                    scale,
                    dark,
                    ..frame(t0, t1)
                },
            );
            assert!(svg.contains("<polyline"), "{} drew no line", chart.id);
        }
    }
}

#[test]
fn zooming_draws_only_the_visible_part() {
    let s = rtcview::import(SAMPLE).expect("imports");
    let chart = &bitrate_chart(&s);
    let (t0, t1) = s.time_range_ms().expect("timed");
    let full = render(&s, chart, &frame(t0, t1));
    let zoomed = render(&s, chart, &frame(t0 + 10_000.0, t0 + 15_000.0));
    let points = |svg: &str| svg.matches(',').count();
    assert!(
        points(&zoomed) < points(&full),
        "zoomed {} vs full {}",
        points(&zoomed),
        points(&full)
    );
}

/// qualityLimitationReason runs other than "none" become bands; a codecId
/// change becomes a marker naming the new codec.
#[test]
fn bands_and_codec_markers() {
    use rtcview::build::SessionBuilder;
    use rtcview::model::Format;
    use serde_json::json;
    let mut b = SessionBuilder::new(Format::Rtcstats, "test");
    for (id, mime) in [("c8", "video/VP8"), ("c9", "video/VP9")] {
        b.push_report(
            "pc",
            id,
            1000.0,
            json!({"type": "codec", "mimeType": mime})
                .as_object()
                .unwrap(),
            false,
        );
    }
    let reasons = ["none", "bandwidth", "bandwidth", "cpu", "none", "none"];
    for (i, reason) in reasons.iter().enumerate() {
        let r = json!({"type": "outbound-rtp", "kind": "video", "ssrc": 1, "bytesSent": 1000 * i, "packetsSent": 10 * i,
            "qualityLimitationReason": reason, "codecId": if i < 4 { "c8" } else { "c9" }});
        b.push_report(
            "pc",
            "out",
            1000.0 * (i + 1) as f64,
            r.as_object().unwrap(),
            false,
        );
    }
    let s = b.finish();
    let c = &bitrate_chart(&s);
    let bands: Vec<(f64, f64, &str)> = c
        .bands
        .iter()
        .map(|b| (b.t0_ms, b.t1_ms, b.label.as_str()))
        .collect();
    assert_eq!(
        bands,
        vec![(2000.0, 4000.0, "bandwidth"), (4000.0, 5000.0, "cpu")]
    );
    let markers: Vec<(f64, &str)> = c
        .markers
        .iter()
        .map(|m| (m.t_ms, m.label.as_str()))
        .collect();
    assert_eq!(markers, vec![(5000.0, "codec: VP9")]);
}

/// Thousands of short quality-limitation runs (a long call) closer than a
/// pixel draw as one band with one label, not a rectangle and a label
/// each; zoomed in, every run is its own band again, labels not overlapping.
#[test]
fn short_bands_merge_to_the_pixels() {
    use rtcview::build::SessionBuilder;
    use rtcview::model::Format;
    use serde_json::json;
    let mut b = SessionBuilder::new(Format::Rtcstats, "test");
    let n = 4000;
    for i in 0..n {
        let reason = if i % 4 == 1 { "bandwidth" } else { "none" };
        let r = json!({"type": "outbound-rtp", "kind": "video", "ssrc": 1, "bytesSent": 1000 * i,
            "packetsSent": 10 * i, "qualityLimitationReason": reason});
        b.push_report(
            "pc",
            "out",
            1000.0 * (i + 1) as f64,
            r.as_object().unwrap(),
            false,
        );
    }
    let s = b.finish();
    let c = &bitrate_chart(&s);
    assert_eq!(c.bands.len(), n / 4, "one band per run");
    let count = |svg: &str, what: &str| svg.matches(what).count();
    let whole = render(&s, c, &frame(1000.0, 1000.0 * n as f64));
    // Runs 0.5 px apart: one band (and the background), one label, shaded
    // by the share of time limited (a quarter), not as limited throughout.
    assert_eq!(count(&whole, "\nbandwidth\n"), 1);
    assert_eq!(count(&whole, "<rect"), 2);
    let band_opacity = |svg: &str| -> f64 {
        let rect = svg.split("<rect").nth(2).expect("a band");
        let o = rect.split("opacity=\"").nth(1).expect("opacity");
        o[..o.find('"').unwrap()].parse().unwrap()
    };
    // 20 runs in view, about 20 px apart: each its own band; labels
    // (about 60 px wide) only where the previous one has ended.
    let zoomed = render(&s, c, &frame(1000.0, 80_000.0));
    assert_eq!(count(&zoomed, "<rect"), 21);
    let ratio = band_opacity(&whole) / band_opacity(&zoomed);
    assert!(
        (0.2..0.3).contains(&ratio),
        "merged band shaded at {ratio} of a single run"
    );
    let labels = count(&zoomed, "\nbandwidth\n");
    assert!((5..=10).contains(&labels), "{labels} labels for 20 bands");
}

/// The finding being looked at is shaded on every chart: one more filled
/// rectangle in the highlight colour per range in view, at least a pixel
/// wide for an instant; none for a range outside the view.
#[test]
fn a_findings_ranges_are_shaded() {
    let s = rtcview::import(SAMPLE).expect("imports");
    let (t0, t1) = s.time_range_ms().expect("timed");
    let chart = metric_charts(&s).into_iter().next().expect("a chart");
    let rects = |svg: &str| svg.matches("<rect").count();
    let plain = render(&s, &chart, &frame(t0, t1));
    let shaded = render(
        &s,
        &chart,
        &Frame {
            highlight_ms: vec![(t0 + 2000.0, t0 + 5000.0), (t0 + 9000.0, t0 + 9000.0)],
            ..frame(t0, t1)
        },
    );
    assert_eq!(rects(&shaded), rects(&plain) + 2);
    assert!(shaded.contains("#D92D20"), "the highlight colour");
    let outside = render(
        &s,
        &chart,
        &Frame {
            highlight_ms: vec![(t1 + 1000.0, t1 + 2000.0)],
            ..frame(t0, t1)
        },
    );
    assert_eq!(rects(&outside), rects(&plain));
}

/// Ticks on round steps (the case: a 5 min span ticked every 50 s,
/// off the minute): whole minutes here, and labels to match.
#[test]
fn time_ticks_fall_on_round_steps() {
    use rtcview::charts::render::{since_label, time_ticks};
    // 03:45:07.3 to 03:50:02.6 UTC on some day.
    let day = 1_796_000_000_000.0 - 1_796_000_000_000.0 % 86_400_000.0;
    let t0 = day + (3.0 * 3600.0 + 45.0 * 60.0 + 7.3) * 1000.0;
    let t1 = day + (3.0 * 3600.0 + 50.0 * 60.0 + 2.6) * 1000.0;
    let (step, ticks) = time_ticks(t0, t1, 6, 0.0);
    assert_eq!(step, 60_000.0);
    let labels: Vec<String> = ticks
        .iter()
        .map(|t| rtcview::charts::render::time_label(*t, t1 - t0))
        .collect();
    // (03:50:00 is 2.6 s from the right edge: its label would be cut off.)
    assert_eq!(labels, ["03:46:00", "03:47:00", "03:48:00", "03:49:00"]);
    // Every span gets 2 to 6 ticks on a step from the list.
    for span_ms in [40.0, 900.0, 7_000.0, 95_000.0, 1_000_000.0, 9e6, 4e7, 4e8] {
        let (step, ticks) = time_ticks(t0, t0 + span_ms, 6, 0.0);
        assert!(
            (2..=6).contains(&ticks.len()),
            "{span_ms}: {} ticks",
            ticks.len()
        );
        assert!(
            ticks.iter().all(|t| (t % step).abs() < 1e-6),
            "{span_ms}: off-step"
        );
    }
    // Since the start: ticks counted from it, labelled +m:ss.
    let (_, ticks) = time_ticks(t0, t1, 6, t0);
    assert_eq!(since_label(ticks[0], t0, t1 - t0), "+0:00");
    assert_eq!(since_label(ticks[1], t0, t1 - t0), "+1:00");
    assert_eq!(since_label(t0 + 3_725_000.0, t0, 1e6), "+1:02:05");
}

/// A chart's exported series (CSV, table twin) are its lines' own samples
/// inside the range, gaps as null: what the chart draws before decimation.
#[test]
fn exported_series_are_the_lines_samples_in_the_range() {
    let session = rtcview::import(SAMPLE).unwrap();
    let charts = rtcview::charts::metric_charts(&session);
    let chart = charts
        .iter()
        .find(|c| c.metric == "bitrate")
        .expect("a bitrate chart");
    let (times, values) = rtcview::charts::catalog::line_data(&session, &chart.lines[0]).unwrap();
    let all = values.to_f64s();
    let (t0, t1) = (times[times.len() / 4], times[times.len() / 2]);
    let series = rtcview::charts::range::chart_series(&session, chart, t0, t1);
    assert_eq!(series.len(), chart.lines.len());
    let s = &series[0];
    assert_eq!(s.label, chart.lines[0].label);
    let a = times.iter().position(|&t| t >= t0).unwrap();
    let b = times.iter().rposition(|&t| t <= t1).unwrap();
    assert_eq!(s.t, times[a..=b].to_vec());
    let want: Vec<Option<f64>> = all[a..=b]
        .iter()
        .map(|&v| v.is_finite().then_some(v))
        .collect();
    assert_eq!(s.v, want);
    assert!(s.v.iter().any(Option::is_some));
    // Outside the data: nothing.
    assert!(
        rtcview::charts::range::chart_series(&session, chart, 0.0, 1.0)
            .iter()
            .all(|s| s.t.is_empty())
    );
}

/// Two layers on one axis (issue 15: what one end sent against what the
/// other received): every line of both is drawn, numbered across the
/// layers (the second layer's first line takes the next colour), and a
/// layer's shift moves its lines in time: shifted out of the frame, its
/// lines leave it.
#[test]
fn two_layers_share_one_axis_and_the_shift_moves_one() {
    use rtcview::charts::{draw_layers, Layer};
    let s = rtcview::import(SAMPLE).expect("imports");
    let chart = bitrate_chart(&s);
    let (t0, t1) = s.time_range_ms().expect("timed");
    let draw = |shift_ms: f64| {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (480, 140)).into_drawing_area();
            let layers = [
                Layer {
                    session: &s,
                    chart: &chart,
                    shift_ms: 0.0,
                },
                Layer {
                    session: &s,
                    chart: &chart,
                    shift_ms,
                },
            ];
            draw_layers(&root, &layers, &frame(t0, t1)).expect("draws");
        }
        svg
    };
    // Lines are told apart by colour (dashed ones are many polylines).
    let theme = rtcview::charts::theme::Theme::new(false);
    let stroke = |i: usize| {
        let c = theme.line(i);
        format!("stroke=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2)
    };
    let n = chart.lines.len();
    assert!(n >= 1 && 2 * n <= 6, "{n} lines");
    let drawn = |svg: &str| (0..2 * n).filter(|&i| svg.contains(&stroke(i))).count();
    assert_eq!(drawn(&render(&s, &chart, &frame(t0, t1))), n);
    assert_eq!(
        drawn(&draw(0.0)),
        2 * n,
        "every line of both layers, each its colour"
    );
    // Moved a whole span later, the second layer is off the frame.
    assert_eq!(drawn(&draw(t1 - t0 + 1000.0)), n);
}
