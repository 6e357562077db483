//! What every rule needs to know about a peer connection before judging
//! it: its streams, when it was connected, and the stretches where no rule
//! may judge media (disconnected, just restarted).

use super::StreamRef;
use crate::metrics::{rtp_streams, Direction, RtpStream};
use crate::model::{Column, Event, Interner, PeerConnection, Session, StateChange, StatsObject};
use serde_json::Value;
use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

/// Bandwidth episodes that end within this long of the connection coming
/// up are the bandwidth estimate's ramp-up, not a limit: libwebrtc starts
/// at 300 kbit/s and probes upwards, and the first seconds of every call
/// are "bandwidth-limited" by design.
pub const RAMP_UP_MS: f64 = 30_000.0;

/// The first seconds of a stream (or of any series a rule reads) are not
/// judged: a jitter buffer filling, an encoder's first frames, counters
/// that start with a burst.
pub const STARTUP_MS: f64 = 10_000.0;

/// Seconds after an ICE restart during which media rules stay silent: the
/// new path is checked and switched to a few seconds after the call (5 s in
/// the restart-ice scenario), and packets in flight on the old one are lost.
pub const AFTER_RESTART_MS: f64 = 10_000.0;

/// A per-row series computed once and shared by the rules that read it.
pub type Series = Rc<Vec<f64>>;

/// One RTP stream with what the rules say about it.
pub struct Stream<'a> {
    pub rtp: RtpStream<'a>,
    pub reference: StreamRef,
    /// "inbound video", "outbound audio".
    pub label: String,
    /// An outbound stream's media source (see [`media_source`]); found
    /// once here, as every video rule asks.
    pub source: Option<&'a StatsObject>,
    /// The application's bitrate cap on an outbound video stream, computed
    /// on first use (bandwidth-limited and app-bitrate-cap both ask).
    pub(super) cap: OnceCell<Option<super::video::BitrateCap<'a>>>,
    /// [`Pc::flowing_rows`] of this stream, computed on first use.
    flowing: OnceCell<Vec<bool>>,
    /// [`Self::deltas`] computed so far: rules and the score read the same
    /// counters of a stream, and over a long call each pass is costly.
    deltas: RefCell<Vec<(&'static str, Series)>>,
    /// [`Self::limited_share`] computed so far, by reason.
    shares: RefCell<Vec<(&'static str, Option<Series>)>>,
    /// [`Self::received_loss`], computed on first use.
    received_loss: OnceCell<(Series, Series)>,
}

impl Stream<'_> {
    pub fn is_video(&self) -> bool {
        self.rtp.kind.as_deref() == Some("video")
    }

    pub fn is_audio(&self) -> bool {
        self.rtp.kind.as_deref() == Some("audio")
    }

    pub fn inbound(&self) -> bool {
        self.rtp.direction == Direction::Inbound
    }

    pub fn obj(&self) -> &StatsObject {
        self.rtp.obj
    }

    /// `metrics::rates::counter_deltas` of a property of this stream's
    /// object, computed once.
    pub fn deltas(&self, property: &'static str) -> Rc<Vec<f64>> {
        let mut cache = self.deltas.borrow_mut();
        if let Some((_, d)) = cache.iter().find(|(p, _)| *p == property) {
            return Rc::clone(d);
        }
        let d = Rc::new(crate::metrics::rates::counter_deltas(
            self.rtp.obj,
            property,
        ));
        cache.push((property, Rc::clone(&d)));
        d
    }

    /// An inbound stream's packets lost per interval (`packetsLost`
    /// deltas, clamped at 0: duplicates can make the count go down) and
    /// packets expected (lost + received), computed once: inbound-loss and
    /// frames-dropped both read them.
    pub fn received_loss(&self) -> (Series, Series) {
        let (lost, expected) = self.received_loss.get_or_init(|| {
            let lost: Vec<f64> = crate::metrics::rates::signed_deltas(self.rtp.obj, "packetsLost")
                .iter()
                .map(|v| v.max(0.0))
                .collect();
            let received = self.deltas("packetsReceived");
            let expected = lost
                .iter()
                .zip(received.iter())
                .map(|(l, r)| l + r)
                .collect();
            (Rc::new(lost), Rc::new(expected))
        });
        (Rc::clone(lost), Rc::clone(expected))
    }

    /// The share of each interval the encoder was limited by `reason`
    /// (`super::network::limited_share`), computed once.
    pub fn limited_share(&self, cx: &Context<'_>, reason: &'static str) -> Option<Rc<Vec<f64>>> {
        if let Some((_, v)) = self.shares.borrow().iter().find(|(r, _)| *r == reason) {
            return v.clone();
        }
        let v = super::network::limited_share(cx, self.rtp.obj, reason).map(Rc::new);
        self.shares.borrow_mut().push((reason, v.clone()));
        v
    }
}

/// A peer connection as the rules see it.
pub struct Pc<'a> {
    pub pc: &'a PeerConnection,
    /// The session's text values (stats objects' texts live there).
    pub strings: &'a Interner,
    pub streams: Vec<Stream<'a>>,
    /// Stretches where ICE (or the connection) was connected.
    pub connected: Vec<(f64, f64)>,
    /// Stretches where ICE or the connection was disconnected or failed.
    pub down: Vec<(f64, f64)>,
    /// ICE restarts: times.
    pub restarts: Vec<f64>,
    /// The last time anything about this connection was recorded.
    pub end_ms: f64,
    /// [`Self::pair_rtt`] and [`Self::pair_bwe`], computed on first use:
    /// several rules read each.
    rtt: OnceCell<Vec<(f64, &'a str, f64)>>,
    bwe: OnceCell<Vec<(f64, &'a str, f64)>>,
}

impl<'a> Pc<'a> {
    pub fn id(&self) -> &str {
        &self.pc.id
    }

    /// Whether media rules may judge the interval `(t0, t1]`: connected, not
    /// down, not right after a restart.
    pub fn judgeable(&self, t0: f64, t1: f64) -> bool {
        let overlaps = |&(a, b): &(f64, f64)| a < t1 && t0 < b;
        !self.down.iter().any(overlaps)
            && !self
                .restarts
                .iter()
                .any(|&r| r < t1 && t0 < r + AFTER_RESTART_MS)
    }

    /// [`Self::judgeable`] for every interval of `times` (interval `i` ends
    /// at `times[i]`), leaving out the series' first [`STARTUP_MS`].
    ///
    /// The same test as `judgeable`, against the down spans and the
    /// after-restart spans merged into one ordered list and searched: a
    /// long call has many of each, and testing every row against every
    /// span made this quadratic in the call's length.
    pub fn judgeable_rows(&self, times: &[f64]) -> Vec<bool> {
        let blocked = self.blocked_spans();
        let first = times.first().copied().unwrap_or(f64::NAN);
        times
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                let t0 = i
                    .checked_sub(1)
                    .and_then(|p| times.get(p))
                    .copied()
                    .unwrap_or(t);
                t0 >= first + STARTUP_MS && !overlaps_any(&blocked, t0, t)
            })
            .collect()
    }

    /// The spans [`Self::judgeable`] refuses (down, and the seconds after a
    /// restart), in order, overlapping ones merged, so their ends are in
    /// order too. Only strictly overlapping spans merge: a span touching
    /// another at an instant must not make that instant refused.
    fn blocked_spans(&self) -> Vec<(f64, f64)> {
        merge_overlapping(
            self.down
                .iter()
                .copied()
                .chain(self.restarts.iter().map(|&r| (r, r + AFTER_RESTART_MS)))
                .filter(|(a, b)| !a.is_nan() && !b.is_nan())
                .collect(),
        )
    }

    /// The selected pair's `currentRoundTripTime` (s) over time, as
    /// [`Self::selected_pair_series`].
    pub fn pair_rtt(&self) -> &[(f64, &'a str, f64)] {
        self.rtt
            .get_or_init(|| self.selected_pair_series("currentRoundTripTime"))
    }

    /// The selected pair's `availableOutgoingBitrate` (bit/s) over time, as
    /// [`Self::selected_pair_series`].
    pub fn pair_bwe(&self) -> &[(f64, &'a str, f64)] {
        self.bwe
            .get_or_init(|| self.selected_pair_series("availableOutgoingBitrate"))
    }

    /// A property of the selected candidate pair over time: at each row of
    /// the transport, the value the pair selected then had at its latest
    /// sample (an ICE restart or a path change moves to another pair).
    /// Rows: (time, pair id, value).
    fn selected_pair_series(&self, property: &str) -> Vec<(f64, &'a str, f64)> {
        let Some(t) = self
            .pc
            .stats
            .iter()
            .filter(|o| o.stats_type.as_deref() == Some("transport"))
            .find(|t| t.column("selectedCandidatePairId").is_some())
        else {
            return Vec::new();
        };
        let Some(sel) = t.column("selectedCandidatePairId") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // The pair changes rarely: looked up again only when it does, and
        // its rows are walked forward with the transport's (both are in
        // time order) instead of searched for at every row.
        let mut last: Option<(&str, Option<(&StatsObject, &crate::model::Column)>)> = None;
        let mut row = 0;
        for (i, &time) in t.times_ms.iter().enumerate() {
            let Some(id) = sel.text(i, self.strings) else {
                continue;
            };
            let found = match last {
                Some((prev, found)) if prev == id => found,
                _ => {
                    let found = self
                        .pc
                        .stats_object(id)
                        .and_then(|pair| Some((pair, pair.column(property)?)));
                    last = Some((id, found));
                    row = 0;
                    found
                }
            };
            let Some((pair, col)) = found else {
                continue;
            };
            if time.is_nan() {
                continue;
            }
            // The first row after `time`: rows before it are at or before.
            while pair.times_ms.get(row).is_some_and(|&x| x <= time) {
                row += 1;
            }
            if let Some(v) = row.checked_sub(1).and_then(|r| col.number(r)) {
                out.push((time, pair.id.as_str(), v));
            }
        }
        out
    }

    /// [`Self::judgeable_rows`] of a stream, and only where it carried
    /// packets: a stream with nothing on the wire is paused (by the sender,
    /// the application or an SFU), and rate and quality rules have nothing
    /// to judge there.
    pub fn flowing_rows<'s>(&self, s: &'s Stream<'_>) -> &'s [bool] {
        s.flowing.get_or_init(|| {
            let counter = if s.inbound() {
                "packetsReceived"
            } else {
                "packetsSent"
            };
            let d = s.deltas(counter);
            self.judgeable_rows(&s.obj().times_ms)
                .into_iter()
                .zip(d.iter().chain(std::iter::repeat(&f64::NAN)))
                .map(|(k, p)| k && *p > 0.0)
                .collect()
        })
    }

    /// Whether an episode lies within the ramp-up after the connection first
    /// came up (see [`RAMP_UP_MS`]).
    pub fn in_ramp_up(&self, e: &super::series::Episode) -> bool {
        let Some(&(up, _)) = self.connected.first() else {
            return false;
        };
        e.start_ms >= up - 1000.0 && e.end_ms <= up + RAMP_UP_MS
    }

    /// Stats objects of one type.
    pub fn of_type<'s>(&'s self, t: &'s str) -> impl Iterator<Item = &'s StatsObject> + 's {
        self.pc
            .stats
            .iter()
            .filter(move |o| o.stats_type.as_deref() == Some(t))
    }
}

/// Spans sorted and strictly overlapping ones merged, so that starts and
/// ends are both in order (see [`overlaps_any`]).
fn merge_overlapping(mut spans: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    super::series::sort_spans(&mut spans);
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a < last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Whether `(t0, t1]` overlaps a span of `merged` (`a < t1 && t0 < b`, as
/// [`Pc::judgeable`] tests): the first span ending after `t0` is the only
/// one that can, as the ones after it start later still.
fn overlaps_any(merged: &[(f64, f64)], t0: f64, t1: f64) -> bool {
    let k = merged.partition_point(|s| s.1 <= t0);
    merged.get(k).is_some_and(|s| s.0 < t1)
}

/// The session as the rules see it.
pub struct Context<'a> {
    pub session: &'a Session,
    pub pcs: Vec<Pc<'a>>,
    /// Start and end of everything timed in the dump.
    pub range_ms: Option<(f64, f64)>,
}

impl<'a> Context<'a> {
    pub fn new(session: &'a Session) -> Context<'a> {
        let range_ms = session.time_range_ms();
        let session_end = range_ms.map(|r| r.1).unwrap_or(f64::NAN);
        let pcs = session
            .peer_connections
            .iter()
            .map(|pc| pc_context(session, pc, session_end))
            .collect();
        Context {
            session,
            pcs,
            range_ms,
        }
    }

    pub fn text<'s>(&'s self, obj: &StatsObject, i: usize, property: &str) -> Option<&'s str> {
        obj.column(property)?.text(i, &self.session.strings)
    }
}

/// A column of a stats object read as of a time: its latest sample at or
/// before `t` (another object's rows rarely line up with a stream's). The
/// column is looked up once, not per row.
#[derive(Clone)]
pub struct Latest<'o> {
    times: &'o [f64],
    column: Option<&'o Column>,
    /// Where the last answer was: the rules ask at rising times, row
    /// after row, so the next answer is usually a step or two on (a
    /// binary search per row was a tenth of the rtcstats-js gigabyte's
    /// findings in wasm).
    hint: Cell<usize>,
}

impl<'o> Latest<'o> {
    pub fn of(obj: &'o StatsObject, property: &str) -> Latest<'o> {
        Latest {
            times: &obj.times_ms,
            column: obj.column(property),
            hint: Cell::new(0),
        }
    }

    pub fn at(&self, t: f64) -> Option<f64> {
        let c = self.column?;
        let r = rows_through(self.times, t, &self.hint);
        r.checked_sub(1).and_then(|r| c.number(r))
    }
}

/// How many of `times` (sorted) are `<= t`: walked on from `hint` when `t`
/// is at or after the last answer, else searched. Leaves the answer in
/// `hint`.
pub fn rows_through(times: &[f64], t: f64, hint: &Cell<usize>) -> usize {
    let mut r = hint.get().min(times.len());
    let behind = r > 0 && times.get(r - 1).is_some_and(|&x| x > t);
    if behind {
        r = times.partition_point(|&x| x <= t);
    } else {
        let mut steps = 0;
        while times.get(r).is_some_and(|&x| x <= t) {
            r += 1;
            steps += 1;
            if steps > 64 {
                // A long jump: search the rest.
                r += times
                    .get(r..)
                    .map_or(0, |rest| rest.partition_point(|&x| x <= t));
                break;
            }
        }
    }
    hint.set(r);
    r
}

/// The media source of an outbound stream (`mediaSourceId`), or the only
/// media source of its kind.
fn media_source<'a>(
    pc: &'a PeerConnection,
    strings: &Interner,
    rtp: &RtpStream<'a>,
) -> Option<&'a StatsObject> {
    if let Some(m) = rtp
        .obj
        .last_text("mediaSourceId", strings)
        .and_then(|id| pc.stats_object(id))
    {
        return Some(m);
    }
    let kind = rtp.kind.as_deref()?;
    let mut of_kind = pc
        .stats
        .iter()
        .filter(|o| o.stats_type.as_deref() == Some("media-source"))
        .filter(|o| o.last_text("kind", strings) == Some(kind));
    let first = of_kind.next()?;
    of_kind.next().is_none().then_some(first)
}

fn pc_context<'a>(session: &'a Session, pc: &'a PeerConnection, session_end: f64) -> Pc<'a> {
    let strings = &session.strings;
    let streams = rtp_streams(pc, strings)
        .into_iter()
        .map(|rtp| {
            let dir = match rtp.direction {
                Direction::Inbound => "inbound",
                Direction::Outbound => "outbound",
            };
            let label = format!("{dir} {}", rtp.kind.as_deref().unwrap_or("media"));
            let reference = StreamRef {
                direction: rtp.direction,
                kind: rtp.kind.clone(),
                ssrc: rtp.ssrc,
                stats_id: rtp.obj.id.clone(),
            };
            let source = match rtp.direction {
                Direction::Outbound => media_source(pc, strings, &rtp),
                Direction::Inbound => None,
            };
            Stream {
                rtp,
                reference,
                label,
                source,
                cap: OnceCell::new(),
                flowing: OnceCell::new(),
                deltas: RefCell::new(Vec::new()),
                shares: RefCell::new(Vec::new()),
                received_loss: OnceCell::new(),
            }
        })
        .collect();
    let end_ms = pc_end(pc).unwrap_or(session_end);
    let ice = &pc.ice_connection_states;
    let conn = &pc.connection_states;
    let mut connected = stretches(ice, &["connected", "completed"], end_ms);
    if connected.is_empty() {
        connected = stretches(conn, &["connected"], end_ms);
    }
    let mut down = stretches(ice, &["disconnected", "failed"], end_ms);
    down.extend(stretches(conn, &["disconnected", "failed"], end_ms));
    super::series::sort_spans(&mut down);
    Pc {
        pc,
        strings,
        streams,
        connected,
        down,
        restarts: restarts(&pc.events),
        end_ms,
        rtt: OnceCell::new(),
        bwe: OnceCell::new(),
    }
}

/// The last time of an event or a stats sample of this connection.
pub(super) fn pc_end(pc: &PeerConnection) -> Option<f64> {
    let events = pc.events.iter().filter_map(|e| e.t_ms);
    let stats = pc.stats.iter().filter_map(|o| o.times_ms.last().copied());
    events
        .chain(stats)
        .filter(|t| t.is_finite())
        .reduce(f64::max)
}

/// Stretches of a state history whose state is one of `states`; the last
/// one lasts until `end_ms`.
pub fn stretches(changes: &[StateChange], states: &[&str], end_ms: f64) -> Vec<(f64, f64)> {
    let timed: Vec<(f64, &str)> = changes
        .iter()
        .filter_map(|c| c.t_ms.map(|t| (t, c.state.as_str())))
        .collect();
    let mut out = Vec::new();
    for (i, &(t, s)) in timed.iter().enumerate() {
        if !states.contains(&s) {
            continue;
        }
        let next = timed.get(i + 1).map(|n| n.0).unwrap_or(end_ms.max(t));
        match out.last_mut() {
            Some((_, b)) if *b >= t => *b = next,
            _ => out.push((t, next)),
        }
    }
    out
}

/// ICE restarts: a `restartIce()` call, an offer asked with `iceRestart`,
/// or a local description whose ICE ufrag differs from the previous one.
/// Signs closer than 10 s are one restart.
pub fn restarts(events: &[Event]) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    let mut ufrag: Option<String> = None;
    for e in events {
        let Some(t) = e.t_ms else { continue };
        let sign = match e.name.as_str() {
            "restartIce" => true,
            "createOffer" => e
                .value
                .get("iceRestart")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            "setLocalDescription" | "setLocalDescriptionOnSuccess" => {
                match e
                    .value
                    .get("sdp")
                    .and_then(Value::as_str)
                    .and_then(ice_ufrag)
                {
                    Some(u) => {
                        let changed = ufrag.as_deref().is_some_and(|old| old != u);
                        ufrag = Some(u.to_string());
                        changed
                    }
                    None => false,
                }
            }
            _ => false,
        };
        if sign && !out.last().is_some_and(|&r| t - r < 10_000.0) {
            out.push(t);
        }
    }
    out
}

/// The first `a=ice-ufrag:` of an SDP.
fn ice_ufrag(sdp: &str) -> Option<&str> {
    sdp.lines()
        .find_map(|l| l.trim().strip_prefix("a=ice-ufrag:"))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The walking search answers what a binary search answers, whatever
    /// order the times are asked in.
    #[test]
    fn rows_through_agrees_with_a_search() {
        let times: Vec<f64> = (0..500)
            .map(|i| f64::from(i) * 10.0 + f64::from(i % 3))
            .collect();
        let hint = Cell::new(0);
        let mut t = -5.0;
        for k in 0..3000u32 {
            // Mostly rising by a little, sometimes a jump back or far ahead.
            t += match k % 97 {
                0 => -1234.0,
                50 => 2000.0,
                _ => f64::from(k % 7) * 1.5,
            };
            let want = times.partition_point(|&x| x <= t);
            assert_eq!(rows_through(&times, t, &hint), want, "t {t}");
        }
    }

    fn ch(t: f64, s: &str) -> StateChange {
        StateChange {
            t_ms: Some(t),
            state: s.into(),
        }
    }

    #[test]
    fn stretches_of_states() {
        let h = [
            ch(0.0, "checking"),
            ch(1.0, "connected"),
            ch(5.0, "disconnected"),
            ch(8.0, "connected"),
            ch(9.0, "completed"),
        ];
        assert_eq!(
            stretches(&h, &["connected", "completed"], 20.0),
            vec![(1.0, 5.0), (8.0, 20.0)]
        );
        assert_eq!(stretches(&h, &["disconnected"], 20.0), vec![(5.0, 8.0)]);
    }

    #[test]
    fn restarts_from_calls_and_ufrags() {
        let sld = |t: f64, u: &str| {
            Event::new(
                Some(t),
                "setLocalDescription",
                json!({"type": "offer", "sdp": format!("v=0\r\na=ice-ufrag:{u}\r\n")}),
            )
        };
        let events = vec![
            sld(0.0, "aaaa"),
            sld(5_000.0, "aaaa"),
            Event::new(Some(40_000.0), "restartIce", Value::Null),
            sld(40_100.0, "bbbb"),
            sld(90_000.0, "cccc"),
        ];
        assert_eq!(restarts(&events), vec![40_000.0, 90_000.0]);
    }
}

#[cfg(test)]
mod span_tests {
    use super::{merge_overlapping, overlaps_any};

    /// The merged search answers as testing every span does, on random
    /// spans (overlapping, touching, empty) and intervals.
    #[test]
    fn merged_search_agrees_with_every_span() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as f64
        };
        for _ in 0..500 {
            let spans: Vec<(f64, f64)> = (0..next(8) as usize)
                .map(|_| {
                    let a = next(20);
                    (a, a + next(6))
                })
                .collect();
            let merged = merge_overlapping(spans.clone());
            for _ in 0..50 {
                let t0 = next(30);
                let t1 = t0 + next(4);
                let brute = spans.iter().any(|&(a, b)| a < t1 && t0 < b);
                assert_eq!(
                    overlaps_any(&merged, t0, t1),
                    brute,
                    "{spans:?} ({t0}, {t1}]"
                );
            }
        }
    }
}
