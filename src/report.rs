//! A report in one HTML file (issue 16, `rtcview report IN -o OUT`): the
//! overview, the verdict (score, findings with their evidence), the charts
//! of the streams that have findings as inline SVG, and each connection's
//! event log. Inline CSS, no script, no request of any kind: it opens
//! anywhere, mail attachments and ticket systems included, and shows the
//! same numbers as the page (it reads the same summary and draws the same
//! charts with plotters' SVG backend).
//!
//! Every text from the dump is escaped: a report is as untrusted as the
//! dump it came from.

use crate::charts::{draw_chart, metric_charts, Chart, Frame};
use crate::model::Session;
use plotters::prelude::{IntoDrawingArea, SVGBackend};
use serde_json::Value;
use std::fmt::Write as _;

/// Charts drawn at most (the worst findings' first).
pub const MAX_CHARTS: usize = 24;

/// Event rows listed per connection at most.
pub const MAX_EVENT_ROWS: usize = 2000;

const CHART_PX: (u32, u32) = (760, 180);

/// `s` as HTML text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

static NULL: Value = Value::Null;

/// `v[key]` without indexing: `null` when absent.
fn at<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&NULL)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => escape(s),
        Value::Null => "–".into(),
        other => escape(&other.to_string()),
    }
}

fn clock(ms: Option<f64>) -> String {
    ms.map_or_else(|| "–".into(), crate::charts::render::clock_from_unix_ms)
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;color:#1b1f24;max-width:1000px;margin:24px auto;padding:0 16px}\
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px;color:#5b6470}\
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d8dde3;padding:2px 6px;text-align:left;vertical-align:top}\
.sev{font-weight:600;text-transform:uppercase;font-size:12px}.critical,.major{color:#b42318}.minor{color:#b54708}.info{color:#5b6470}\
.score{font-size:28px;font-weight:700}.muted{color:#5b6470}figure{margin:10px 0}figcaption{font-weight:600}\
.log td{font-size:12px}.fail td{color:#b42318}";

/// The report of `session`, named `name` (the file it came from).
pub fn report(session: &Session, name: &str) -> String {
    let summary = serde_json::to_value(crate::summary::summarize(session)).unwrap_or(Value::Null);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>rtcview report: {}</title><style>{STYLE}</style></head><body>",
        escape(name)
    );
    let _ = write!(h, "<h1>rtcview report: {}</h1>", escape(name));
    overview(&mut h, &summary);
    verdict(&mut h, &summary);
    charts(&mut h, session, &summary);
    logs(&mut h, session);
    let _ = write!(
        h,
        "<p class=\"muted\">rtcview {} · {}</p></body></html>",
        env!("CARGO_PKG_VERSION"),
        text(at(&summary, "ruleset"))
    );
    h
}

fn overview(h: &mut String, s: &Value) {
    let src = at(s, "source");
    let _ = write!(
        h,
        "<h2>Overview</h2><table><tr><th>Format</th><td>{} ({})</td></tr>\
         <tr><th>Browser</th><td>{}</td></tr><tr><th>Start</th><td>{} UTC</td></tr>\
         <tr><th>Duration</th><td>{:.1} s</td></tr><tr><th>Peer connections</th><td>{}</td></tr></table>",
        text(at(src, "format")),
        text(at(src, "dialect")),
        text(at(s, "userAgent")),
        clock(at(s, "startMs").as_f64()),
        at(s, "durationMs").as_f64().unwrap_or(0.0) / 1000.0,
        at(s, "peerConnections").as_array().map_or(0, Vec::len)
    );
    let pcs = at(s, "peerConnections")
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !pcs.is_empty() {
        h.push_str("<table><tr><th>Connection</th><th>Outcome</th></tr>");
        for pc in &pcs {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                text(at(pc, "id")),
                text(at(at(pc, "outcome"), "label"))
            );
        }
        h.push_str("</table>");
    }
}

fn verdict(h: &mut String, s: &Value) {
    h.push_str("<h2>Verdict</h2>");
    let score = at(s, "score");
    if let Some(overall) = at(score, "overall").as_f64() {
        let _ = write!(h, "<p><span class=\"score\">{overall:.0}</span>/100");
        for cat in ["audio", "video", "connectivity"] {
            if let Some(v) = score[cat].as_f64() {
                let _ = write!(h, " · {cat} {v:.1}/5");
            }
        }
        h.push_str("</p>");
    }
    let findings = at(s, "findings").as_array().cloned().unwrap_or_default();
    if findings.is_empty() {
        h.push_str("<p>No problem found.</p>");
    }
    for f in &findings {
        let sev = at(f, "severity").as_str().unwrap_or("info");
        let ranges: Vec<String> = at(f, "ranges")
            .as_array()
            .map(|r| {
                r.iter()
                    .map(|x| {
                        format!(
                            "{}–{}",
                            clock(at(x, "startMs").as_f64()),
                            clock(at(x, "endMs").as_f64())
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let _ = write!(
            h,
            "<h3><span class=\"sev {sev}\">{}</span> {} <span class=\"muted\">({}, {})</span></h3><p>{}</p><p class=\"muted\">{} UTC</p>",
            escape(sev),
            text(at(f, "kind")),
            text(at(f, "id")),
            if at(f, "peerConnection").is_null() { "the session".into() } else { format!("peer connection {}", text(at(f, "peerConnection"))) },
            text(at(f, "message")),
            escape(&ranges.join(", "))
        );
        if let Some(ev) = at(f, "evidence").as_array().filter(|e| !e.is_empty()) {
            h.push_str("<table><tr><th>Stats object</th><th>Property</th><th>Value</th><th>Threshold</th><th>Unit</th></tr>");
            for e in ev {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    text(at(e, "statsId")),
                    text(at(e, "property")),
                    text(at(e, "value")),
                    text(at(e, "threshold")),
                    text(at(e, "unit"))
                );
            }
            h.push_str("</table>");
        }
    }
}

/// The charts of each finding's evidence (its stream's, else its
/// connection's), the worst findings' first, each once.
fn chosen<'a>(catalog: &'a [Chart], s: &Value) -> Vec<(&'a Chart, Vec<(f64, f64)>)> {
    let mut out: Vec<(&Chart, Vec<(f64, f64)>)> = Vec::new();
    for f in at(s, "findings").as_array().into_iter().flatten() {
        let Some(pc) = at(f, "peerConnection").as_str() else {
            continue;
        };
        let stream = at(at(f, "stream"), "statsId").as_str();
        let ranges: Vec<(f64, f64)> = at(f, "ranges")
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((at(r, "startMs").as_f64()?, at(r, "endMs").as_f64()?)))
            .collect();
        for metric in crate::view::findings::metrics_for(at(f, "kind").as_str().unwrap_or_default())
        {
            for c in catalog.iter().filter(|c| {
                c.pc_id == pc && c.metric == *metric && stream.is_none_or(|id| c.stats_id == id)
            }) {
                if let Some((_, r)) = out.iter_mut().find(|(o, _)| o.id == c.id) {
                    r.extend(&ranges);
                } else if out.len() < MAX_CHARTS {
                    out.push((c, ranges.clone()));
                }
            }
        }
    }
    out
}

fn charts(h: &mut String, session: &Session, s: &Value) {
    let catalog = metric_charts(session);
    let picked = chosen(&catalog, s);
    if picked.is_empty() {
        return;
    }
    let Some((t0, t1)) = session.time_range_ms() else {
        return;
    };
    h.push_str("<h2>Evidence charts</h2><p class=\"muted\">The whole call; the findings' time ranges are shaded.</p>");
    for (chart, ranges) in picked {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, CHART_PX).into_drawing_area();
            let frame = Frame {
                t0_ms: t0,
                t1_ms: t1.max(t0 + 1000.0),
                cursor_ms: None,
                mark_ms: None,
                highlight_ms: ranges,
                scale: 1.0,
                dark: false,
                origin_ms: None,
            };
            if draw_chart(&root, session, chart, &frame).is_err() {
                continue;
            }
        }
        let _ = write!(
            h,
            "<figure><figcaption>{} · {} · {}{}</figcaption>{svg}</figure>",
            escape(&chart.pc_id),
            escape(&chart.group),
            escape(&chart.title),
            if chart.unit.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape(&chart.unit))
            }
        );
    }
}

fn logs(h: &mut String, session: &Session) {
    for (i, pc) in session.peer_connections.iter().enumerate() {
        let rows = crate::view::event_rows(session, Some(i));
        let _ = write!(h, "<h2>Event log: peer connection {} ({} events)</h2><table class=\"log\"><tr><th>Time (UTC)</th><th>Event</th><th>Detail</th></tr>", escape(&pc.id), rows.len());
        for r in rows.iter().take(MAX_EVENT_ROWS) {
            let time = r.t_ms.map_or_else(
                || escape(r.time_text.as_deref().unwrap_or("–")),
                |t| clock(Some(t)),
            );
            let _ = write!(
                h,
                "<tr{}><td>{time}</td><td>{}</td><td>{}</td></tr>",
                if r.failure { " class=\"fail\"" } else { "" },
                escape(&r.name),
                escape(&r.detail)
            );
        }
        h.push_str("</table>");
        if rows.len() > MAX_EVENT_ROWS {
            let _ = write!(
                h,
                "<p class=\"muted\">{} more events are in the dump.</p>",
                rows.len() - MAX_EVENT_ROWS
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>\"a\" & 'b'</script>"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }
}
