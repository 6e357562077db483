//! Connectivity: did the connection come up, how, how fast, and did it
//! stay up. Read from the state histories, the event log, the
//! configuration and the transport and candidate stats.

use super::context::{stretches, Pc};
use super::series::{clock, duration, from_to};
use super::{Context, Draft, Evidence, Out, Severity};
use crate::model::{Event, StateChange};
use serde_json::Value;

/// A setup slower than this is slow (ObserveRTC's
/// `longPcConnectionEstablishmentDetector.thresholdInMs`).
pub const SLOW_SETUP_MS: f64 = 5000.0;
/// ... and slower than this, badly slow.
pub const VERY_SLOW_SETUP_MS: f64 = 10_000.0;
/// A disconnection at least this long is major (ObserveRTC's
/// `iceConnectivityDetector.disconnectedThresholdInMs`).
pub const LONG_DISCONNECT_MS: f64 = 5000.0;
/// A connection that has been checking this long without connecting, when
/// the dump ends, has not connected (Chrome gives up on ICE checks after
/// about 30 s; this is the least we wait to say so).
pub const NEVER_CONNECTED_AFTER_MS: f64 = 10_000.0;
/// Path changes this close together make an unstable path (ObserveRTC's
/// `pathSwitchWindowInMs`, `pathSwitchThreshold`).
pub const UNSTABLE_WINDOW_MS: f64 = 30_000.0;
pub const UNSTABLE_SWITCHES: usize = 3;

fn first_in(h: &[StateChange], states: &[&str]) -> Option<f64> {
    h.iter()
        .find(|c| states.contains(&c.state.as_str()))
        .and_then(|c| c.t_ms)
}

fn last_state(h: &[StateChange]) -> Option<&str> {
    h.last().map(|c| c.state.as_str())
}

/// The state of a history at time `t`.
fn state_at(h: &[StateChange], t: f64) -> Option<&str> {
    h.iter()
        .take_while(|c| c.t_ms.is_some_and(|ct| ct <= t))
        .last()
        .map(|c| c.state.as_str())
}

pub(super) fn rules(cx: &Context<'_>, out: &mut Out) {
    let with_states = cx
        .pcs
        .iter()
        .filter(|p| !p.pc.ice_connection_states.is_empty() || !p.pc.connection_states.is_empty())
        .count();
    let states_note = |what: &str| {
        if with_states == 0 {
            (
                false,
                "not checked: no ICE or connection state changes in this dump".to_string(),
            )
        } else {
            (
                true,
                format!("{what} of {with_states} peer connection(s) with state changes"),
            )
        }
    };
    for p in &cx.pcs {
        establishment(p, out);
        disconnections(p, out);
        path(cx, p, out);
        restarts(p, out);
        signaling_errors(p, out);
        turn_servers(p, out);
    }
    let (ok, note) = states_note("the outcome");
    out.check("never-connected", 1, ok, note.clone());
    out.check("ice-failed", 1, ok, note.clone());
    out.check("ice-disconnected", 1, ok, note.clone());
    let dtls_ok = ok
        || cx.pcs.iter().any(|p| {
            p.of_type("transport")
                .any(|t| t.column("dtlsState").is_some())
        });
    out.check(
        "dtls-failure",
        1,
        dtls_ok,
        if dtls_ok {
            "connectionState against iceConnectionState, and transport dtlsState".into()
        } else {
            note.clone()
        },
    );
    let (ok, note) = states_note("the setup time");
    out.check("slow-setup", 1, ok, note);
    let configured = cx.pcs.iter().filter(|p| p.pc.has_configuration()).count();
    out.check(
        "no-turn-server",
        1,
        configured > 0,
        if configured > 0 {
            format!("the ICE servers of {configured} peer connection(s)")
        } else {
            "not checked: no configuration recorded".into()
        },
    );
    let transports = cx
        .pcs
        .iter()
        .filter(|p| p.of_type("transport").next().is_some())
        .count();
    let path_note = if transports > 0 {
        (
            true,
            format!("the selected candidate pair of {transports} peer connection(s)"),
        )
    } else {
        (false, "not checked: no transport stats".to_string())
    };
    out.check("relay-path", 1, path_note.0, path_note.1.clone());
    out.check("tcp-path", 1, path_note.0, path_note.1.clone());
    out.check("path-change", 1, path_note.0, path_note.1);
    out.check(
        "ice-restart",
        1,
        true,
        "restartIce() calls, iceRestart offers and ICE ufrag changes in the event log",
    );
    out.check(
        "signaling-error",
        1,
        true,
        "failed offer/answer, description and candidate calls in the event log",
    );
}

/// never-connected, ice-failed, dtls-failure, slow-setup.
fn establishment(p: &Pc<'_>, out: &mut Out) {
    let ice = &p.pc.ice_connection_states;
    let conn = &p.pc.connection_states;
    let started = first_in(ice, &["checking"])
        .into_iter()
        .chain(first_in(conn, &["connecting"]))
        .reduce(f64::min);
    let ice_up = first_in(ice, &["connected", "completed"]);
    let conn_up = first_in(conn, &["connected"]);
    let up = if conn.is_empty() { ice_up } else { conn_up };

    // DTLS: the transport says its DTLS failed, or the connection failed
    // while ICE was connected before it had ever connected (the handshake
    // never completed). A connection that fails after being up while ICE
    // still says connected may have lost an ICE event: that is ice-failed.
    let conn_failed = first_in(conn, &["failed"]).filter(|&t| conn_up.is_none_or(|u| u > t));
    let dtls = p.of_type("transport").find_map(|t| {
        let col = t.column("dtlsState")?;
        (0..t.len()).find_map(|i| {
            let s = col.text(i, p.strings)?;
            (s == "failed").then(|| (t.id.clone(), t.times_ms.get(i).copied().unwrap_or(f64::NAN)))
        })
    });
    let dtls_failure = match (conn_failed, &dtls) {
        (_, Some((id, t))) => Some((*t, Evidence::observed(Some(id), "dtlsState", "failed"))),
        (Some(t), None) if matches!(state_at(ice, t), Some("connected" | "completed")) => {
            Some((t, Evidence::observed(None, "connectionState", "failed")))
        }
        _ => None,
    };
    let mut dtls_index = None;
    let dtls_failed = dtls_failure.is_some();
    if let Some((t, ev)) = dtls_failure {
        let ice_state = state_at(ice, t).unwrap_or("connected");
        dtls_index = Some(out.drafts.len());
        out.push(
            Draft::new(
                "dtls-failure",
                1,
                Severity::Critical,
                format!(
                    "Peer connection {} failed its DTLS handshake at {} UTC while ICE was {ice_state}: the two ends could not agree on a secure connection (certificate or fingerprint mismatch, or DTLS packets blocked).",
                    p.id(),
                    clock(t)
                ),
            )
            .on_pc(p.id())
            .during(t, p.end_ms.max(t))
            .with(ev)
            .with(Evidence::observed(None, "iceConnectionState", ice_state)),
        );
    }

    if let Some(start) = started {
        match up {
            None => {
                let last = last_state(conn).or(last_state(ice)).unwrap_or("new");
                let gave_up = matches!(last, "failed" | "closed");
                let waited = p.end_ms - start;
                if gave_up || waited >= NEVER_CONNECTED_AFTER_MS {
                    let end = if gave_up {
                        conn.last()
                            .or(ice.last())
                            .and_then(|c| c.t_ms)
                            .unwrap_or(p.end_ms)
                    } else {
                        p.end_ms
                    };
                    let how = if gave_up {
                        format!(
                            "gave up ({last}) {} after it started",
                            duration(end - start)
                        )
                    } else {
                        format!(
                            "was still {last} when the dump ended, {} after it started",
                            duration(waited)
                        )
                    };
                    let turn = if p.pc.has_configuration()
                        && !p.pc.ice_server_urls().iter().any(|u| is_turn(u))
                    {
                        "; no TURN server was configured"
                    } else {
                        ""
                    };
                    let mut d = Draft::new(
                        "never-connected",
                        1,
                        Severity::Critical,
                        format!(
                            "Peer connection {} never connected: it started connecting at {} UTC and {how}{turn}.",
                            p.id(),
                            clock(start)
                        ),
                    )
                    .on_pc(p.id())
                    .during(start, end);
                    if let Some(s) = last_state(ice) {
                        d = d.with(Evidence::observed(None, "iceConnectionState", s));
                    }
                    if let Some(s) = last_state(conn) {
                        d = d.with(Evidence::observed(None, "connectionState", s));
                    }
                    d.cause = dtls_index;
                    out.push(d);
                }
            }
            Some(up_t) => {
                let took = up_t - start;
                if took > SLOW_SETUP_MS {
                    let severity = if took > VERY_SLOW_SETUP_MS {
                        Severity::Major
                    } else {
                        Severity::Minor
                    };
                    out.push(
                        Draft::new(
                            "slow-setup",
                            1,
                            severity,
                            format!(
                                "Peer connection {} took {} to connect (from {} to {} UTC), more than {}.",
                                p.id(),
                                duration(took),
                                clock(start),
                                clock(up_t),
                                duration(SLOW_SETUP_MS)
                            ),
                        )
                        .on_pc(p.id())
                        .during(start, up_t)
                        .with(Evidence {
                            stats_id: None,
                            property: "connectionState".into(),
                            value: (took / 1000.0).into(),
                            threshold: Some((SLOW_SETUP_MS / 1000.0).into()),
                            unit: "s".into(),
                        }),
                    );
                }
                // ICE (or the connection) failed after having been up.
                let failed_in = |h: &[StateChange]| {
                    h.iter()
                        .filter(|c| c.state == "failed")
                        .filter_map(|c| c.t_ms)
                        .filter(|&t| t > up_t)
                        .reduce(f64::min)
                };
                let (ice_failed, conn_failed) = (failed_in(ice), failed_in(conn));
                let failed_at = ice_failed.into_iter().chain(conn_failed).reduce(f64::min);
                let (what, prop) = if ice_failed.is_some() {
                    ("ICE failed", "iceConnectionState")
                } else {
                    (
                        "the connection failed while ICE still said connected",
                        "connectionState",
                    )
                };
                if let Some(t) = failed_at {
                    if !dtls_failed {
                        let recovered = ice
                            .iter()
                            .chain(conn.iter())
                            .filter(|c| matches!(c.state.as_str(), "connected" | "completed"))
                            .filter_map(|c| c.t_ms)
                            .filter(|&r| r > t)
                            .reduce(f64::min);
                        let end = recovered.unwrap_or(p.end_ms.max(t));
                        let tail = match recovered {
                            Some(r) => format!("; it reconnected at {} UTC", clock(r)),
                            None => "; it did not recover".into(),
                        };
                        out.push(
                            Draft::new(
                                "ice-failed",
                                1,
                                Severity::Critical,
                                                                format!(
                                    "Peer connection {} lost its connection: {what} at {} UTC{tail}.",
                                    p.id(),
                                    clock(t)
                                ),
                            )
                            .on_pc(p.id())
                            .during(t, end)
                                                        .with(Evidence::observed(None, prop, "failed")),
                        );
                    }
                }
            }
        }
    }
}

fn is_turn(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("turn:") || u.starts_with("turns:")
}

/// ice-disconnected: the stretches where ICE said disconnected.
fn disconnections(p: &Pc<'_>, out: &mut Out) {
    let ice = &p.pc.ice_connection_states;
    let h = if ice.is_empty() {
        &p.pc.connection_states
    } else {
        ice
    };
    // A connection that never came up was not disconnected: it did not
    // connect (never-connected says so).
    let Some(&(up, _)) = p.connected.first() else {
        return;
    };
    let runs: Vec<(f64, f64)> = stretches(h, &["disconnected"], p.end_ms)
        .into_iter()
        .filter(|(a, _)| *a >= up)
        .collect();
    if runs.is_empty() {
        return;
    }
    let total: f64 = runs.iter().map(|(a, b)| b - a).sum();
    let longest = runs.iter().map(|(a, b)| b - a).fold(0.0, f64::max);
    let severity = if longest >= LONG_DISCONNECT_MS {
        Severity::Major
    } else {
        Severity::Minor
    };
    let message = match runs.as_slice() {
        [(a, b)] => format!(
            "Peer connection {} was disconnected for {} ({}).",
            p.id(),
            duration(b - a),
            from_to(*a, *b)
        ),
        _ => format!(
            "Peer connection {} was disconnected {} times, {} in all (longest {}).",
            p.id(),
            runs.len(),
            duration(total),
            duration(longest)
        ),
    };
    let mut d = Draft::new("ice-disconnected", 1, severity, message)
        .on_pc(p.id())
        .with(Evidence {
            stats_id: None,
            property: if ice.is_empty() {
                "connectionState".into()
            } else {
                "iceConnectionState".into()
            },
            value: (longest / 1000.0).into(),
            threshold: Some((LONG_DISCONNECT_MS / 1000.0).into()),
            unit: "s".into(),
        });
    for (a, b) in runs {
        d = d.during(a, b);
    }
    out.push(d);
}

/// One row of the selected path.
#[derive(Debug, Clone, PartialEq)]
struct PathRow {
    pair: String,
    local_type: String,
    remote_type: String,
    /// `udp`/`tcp` to the far end, or the relay protocol to the TURN server.
    protocol: String,
    relay_protocol: Option<String>,
    local_id: String,
    remote_id: String,
}

/// relay-path, tcp-path, path-change: the selected candidate pair over time.
fn path(cx: &Context<'_>, p: &Pc<'_>, out: &mut Out) {
    let strings = &cx.session.strings;
    let Some(transport) = p
        .of_type("transport")
        .find(|t| t.column("selectedCandidatePairId").is_some())
    else {
        return;
    };
    let Some(sel) = transport.column("selectedCandidatePairId") else {
        return;
    };
    let text = |id: &str, prop: &str| -> Option<String> {
        p.pc.stats_object(id)?
            .last_text(prop, strings)
            .map(str::to_string)
    };
    let row = |pair: &str| -> Option<PathRow> {
        let local = text(pair, "localCandidateId")?;
        let remote = text(pair, "remoteCandidateId").unwrap_or_default();
        Some(PathRow {
            pair: pair.to_string(),
            local_type: text(&local, "candidateType").unwrap_or_default(),
            remote_type: text(&remote, "candidateType").unwrap_or_default(),
            protocol: text(&local, "protocol").unwrap_or_default(),
            relay_protocol: text(&local, "relayProtocol"),
            local_id: local,
            remote_id: remote,
        })
    };
    let mut rows: Vec<(f64, PathRow)> = Vec::new();
    for (i, &t) in transport.times_ms.iter().enumerate() {
        let Some(id) = sel.text(i, strings) else {
            continue;
        };
        match rows.last() {
            Some((_, last)) if last.pair == id => {}
            _ => {
                if let Some(r) = row(id) {
                    rows.push((t, r));
                }
            }
        }
    }
    let end = transport.times_ms.last().copied().unwrap_or(p.end_ms);
    let spans: Vec<(f64, f64, &PathRow)> = rows
        .iter()
        .enumerate()
        .map(|(i, (t, r))| (*t, rows.get(i + 1).map(|n| n.0).unwrap_or(end), r))
        .collect();
    let relay: Vec<_> = spans
        .iter()
        .filter(|(_, _, r)| r.local_type == "relay" || r.remote_type == "relay")
        .collect();
    if let Some((_, _, r)) = relay.first() {
        let side = if r.local_type == "relay" {
            format!(
                "this end's TURN relay (over {})",
                r.relay_protocol.as_deref().unwrap_or("?")
            )
        } else {
            "the far end's TURN relay".to_string()
        };
        let total: f64 = relay.iter().map(|(a, b, _)| b - a).sum();
        let mut d = Draft::new(
            "relay-path",
            1,
            Severity::Info,
            format!(
                "Peer connection {}'s media went through {side} for {}: a relay adds a hop and its own limits.",
                p.id(),
                duration(total)
            ),
        )
        .on_pc(p.id())
        .with(Evidence::observed(Some(&r.local_id), "candidateType", r.local_type.as_str()))
        .with(Evidence::observed(Some(&r.remote_id), "candidateType", r.remote_type.as_str()));
        for (a, b, _) in &relay {
            d = d.during(*a, *b);
        }
        out.push(d);
    }
    let tcp: Vec<_> = spans
        .iter()
        .filter(|(_, _, r)| {
            r.protocol == "tcp" || matches!(r.relay_protocol.as_deref(), Some("tcp" | "tls"))
        })
        .collect();
    if let Some((_, _, r)) = tcp.first() {
        let (prop, value) = match r.relay_protocol.as_deref() {
            Some(rp @ ("tcp" | "tls")) => ("relayProtocol", rp),
            _ => ("protocol", r.protocol.as_str()),
        };
        let total: f64 = tcp.iter().map(|(a, b, _)| b - a).sum();
        let mut d = Draft::new(
            "tcp-path",
            1,
            Severity::Minor,
            format!(
                "Peer connection {}'s media went over TCP ({prop} {value}) for {}: a lost packet holds up everything behind it, so loss turns into delay and freezes.",
                p.id(),
                duration(total)
            ),
        )
        .on_pc(p.id())
        .with(Evidence::observed(Some(&r.local_id), prop, value));
        for (a, b, _) in &tcp {
            d = d.during(*a, *b);
        }
        out.push(d);
    }
    let changes: Vec<f64> = rows.iter().skip(1).map(|(t, _)| *t).collect();
    if !changes.is_empty() {
        let unstable = changes
            .windows(UNSTABLE_SWITCHES)
            .any(|w| match (w.first(), w.last()) {
                (Some(a), Some(b)) => b - a <= UNSTABLE_WINDOW_MS,
                _ => false,
            });
        let severity = if unstable {
            Severity::Minor
        } else {
            Severity::Info
        };
        let times: Vec<String> = changes.iter().map(|t| clock(*t)).collect();
        let mut d = Draft::new(
            "path-change",
            1,
            severity,
            format!(
                "Peer connection {}'s selected candidate pair changed {} time(s) (at {} UTC){}.",
                p.id(),
                changes.len(),
                times.join(", "),
                if unstable { ": an unstable path" } else { "" }
            ),
        )
        .on_pc(p.id())
        .with(Evidence {
            stats_id: Some(transport.id.clone()),
            property: "selectedCandidatePairId".into(),
            value: (changes.len() as f64).into(),
            threshold: Some((UNSTABLE_SWITCHES as f64).into()),
            unit: "changes".into(),
        });
        for t in changes {
            d = d.during(t, t);
        }
        out.push(d);
    }
}

/// ice-restart.
fn restarts(p: &Pc<'_>, out: &mut Out) {
    for &t in &p.restarts {
        out.push(
            Draft::new(
                "ice-restart",
                1,
                Severity::Info,
                format!(
                    "Peer connection {} restarted ICE at {} UTC.",
                    p.id(),
                    clock(t)
                ),
            )
            .on_pc(p.id())
            .during(t, t)
            .with(Evidence::observed(None, "restartIce", "ICE restart")),
        );
    }
}

/// The error text of a failure event.
fn error_text(e: &Event) -> String {
    match &e.value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// signaling-error: failed offer/answer, description and candidate calls.
fn signaling_errors(p: &Pc<'_>, out: &mut Out) {
    for e in &p.pc.events {
        let Some(call) = e.name.strip_suffix("OnFailure") else {
            continue;
        };
        if !matches!(
            call,
            "createOffer"
                | "createAnswer"
                | "setLocalDescription"
                | "setRemoteDescription"
                | "addIceCandidate"
                | "setConfiguration"
        ) {
            continue;
        }
        let t = e.t_ms.unwrap_or(f64::NAN);
        let severity = if call == "addIceCandidate" {
            Severity::Minor
        } else {
            Severity::Major
        };
        let text = error_text(e);
        let when = if t.is_finite() {
            format!(" at {} UTC", clock(t))
        } else {
            String::new()
        };
        let mut d = Draft::new(
            "signaling-error",
            1,
            severity,
            format!("Peer connection {}: {call} failed{when}: {text}", p.id()),
        )
        .on_pc(p.id())
        .with(Evidence::observed(None, &e.name, text.as_str()));
        if t.is_finite() {
            d = d.during(t, t);
        }
        out.push(d);
    }
}

/// no-turn-server.
fn turn_servers(p: &Pc<'_>, out: &mut Out) {
    if !p.pc.has_configuration() {
        return;
    }
    let urls = p.pc.ice_server_urls();
    if urls.iter().any(|u| is_turn(u)) {
        return;
    }
    let what = if urls.is_empty() {
        "no ICE servers at all".to_string()
    } else {
        format!("only {}", urls.len())
            + if urls.len() == 1 {
                " STUN server"
            } else {
                " STUN servers"
            }
    };
    let start = p.pc.events.iter().find_map(|e| e.t_ms).unwrap_or(p.end_ms);
    out.push(
        Draft::new(
            "no-turn-server",
            1,
            Severity::Info,
            format!(
                "Peer connection {} was configured with {what} and no TURN server: behind a firewall that blocks UDP it cannot connect.",
                p.id()
            ),
        )
        .on_pc(p.id())
        .during(start, start)
        .with(Evidence::observed(None, "iceServers", urls.len() as f64)),
    );
}
