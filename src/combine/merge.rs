//! One session seen by several dumps of the same browser (the
//! webrtc-internals dump and the rtcstats export of one click, or a
//! page's rtcstats-js dump beside them) becomes one session: connections
//! matched by [`Identity::same_as`] are joined, the rest kept.
//!
//! Joining keeps the first source's names and fills from the others:
//! stats rows are the union of both sources' report times, so one
//! source's capped window or gap is filled by the other; where both hold
//! a row at the same time their raw values must agree (a disagreement is
//! a diagnostic). Events are de-duplicated: the same name within
//! [`SAME_EVENT_MS`] is one event.

use super::identity::Identity;
use crate::error::{Diagnostic, Kind, Location, Severity};
use crate::model::series::NO_TEXT;
use crate::model::{Column, Numbers, PeerConnection, Session, StatsObject, Sym, Texts};
use std::collections::BTreeMap;

/// Two writers stamp the same event a little apart: Chrome's internals
/// dump and its rtcstats export give the same time, a page's rtcstats-js
/// takes its own `Date.now()` in the callback (a few ms later).
pub const SAME_EVENT_MS: f64 = 100.0;

/// Two rows at most this far apart are the same getStats report.
const SAME_ROW_MS: f64 = 0.5;

/// Merges `other` into `base` (both of one browser). Returns, for each of
/// `other`'s connections, the index in `base` it went to, and what the
/// merge itself found (disagreements, a capped window filled), which are
/// also added to `base`'s diagnostics.
/// `base_ids` and `other_ids` are the sessions' connections' identities
/// (`super::identities`), computed once by the caller.
pub fn merge_into(
    base: &mut Session,
    base_ids: &[Identity],
    other: &Session,
    other_ids: &[Identity],
    other_name: &str,
) -> (Vec<usize>, Vec<Diagnostic>) {
    // `other`'s text symbols in `base`'s interner, once for every column.
    let syms: Vec<Sym> = other
        .strings
        .strings()
        .map(|t| base.strings.intern(t))
        .collect();
    let mut taken = vec![false; base.peer_connections.len()];
    let mut placed = Vec::with_capacity(other.peer_connections.len());
    let mut disagreements: BTreeMap<String, u64> = BTreeMap::new();
    for (pc, id) in other.peer_connections.iter().zip(other_ids) {
        let found = base_ids
            .iter()
            .zip(taken.iter_mut())
            .zip(base.peer_connections.iter_mut())
            .enumerate()
            .find(|(_, ((b, taken), _))| !**taken && !b.same_as(id).is_empty());
        match found {
            Some((i, ((_, taken), into))) => {
                *taken = true;
                join_pc(into, pc, &syms, &mut disagreements);
                placed.push(i);
            }
            None => {
                let mut copy = pc.clone();
                for o in &mut copy.stats {
                    remap_texts(o, &syms);
                }
                base.peer_connections.push(copy);
                placed.push(base.peer_connections.len() - 1);
            }
        }
    }
    if base.user_agent.is_none() {
        base.user_agent = other.user_agent.clone();
    }
    for (k, v) in &other.metadata {
        base.metadata.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for g in &other.get_user_media {
        let dup = base
            .get_user_media
            .iter()
            .any(|b| b.request_type == g.request_type && close(b.t_ms, g.t_ms, SAME_EVENT_MS));
        if !dup {
            base.get_user_media.push(g.clone());
        }
    }
    sort_by_time(&mut base.get_user_media, |g| g.t_ms);
    join_timed(
        &mut base.client_events,
        &other.client_events,
        |a, b| a.name == b.name,
        |e| e.t_ms,
    );
    // A capped window that the other source filled is no longer a cut.
    let other_capped = other.diagnostics.iter().any(|d| d.kind == Kind::Capped);
    let base_capped = base.diagnostics.iter().any(|d| d.kind == Kind::Capped);
    let mut notes = Vec::new();
    if base_capped != other_capped {
        base.diagnostics.retain(|d| d.kind != Kind::Capped);
        notes.push(Diagnostic {
            severity: Severity::Info,
            kind: Kind::Capped,
            message: format!(
                "one source kept only the last samples of each series; {} filled the rest",
                if base_capped {
                    other_name
                } else {
                    "the first source"
                }
            ),
            location: Location::default(),
            count: 1,
        });
    }
    for d in other.diagnostics.iter().filter(|d| d.kind != Kind::Capped) {
        let mut d = d.clone();
        d.message = format!("{other_name}: {}", d.message);
        base.diagnostics.push(d);
    }
    for (key, count) in disagreements {
        notes.push(Diagnostic {
            severity: Severity::Warning,
            kind: Kind::Suspicious,
            message: format!(
                "{other_name} disagrees with the first source on {count} sample(s) taken at the same time"
            ),
            location: Location::key(key),
            count: 1,
        });
    }
    base.diagnostics.extend(notes.iter().cloned());
    (placed, notes)
}

fn close(a: Option<f64>, b: Option<f64>, tolerance_ms: f64) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= tolerance_ms,
        (None, None) => true,
        _ => false,
    }
}

/// Adds to `base` the entries of `other` it does not hold (events, state
/// changes): an entry `same` as one of `base` within [`SAME_EVENT_MS`] is
/// that one, each matched once, in order; then sorted by time.
fn join_timed<T: Clone>(
    base: &mut Vec<T>,
    other: &[T],
    same: impl Fn(&T, &T) -> bool,
    time: impl Fn(&T) -> Option<f64>,
) {
    let mut used = vec![false; base.len()];
    let mut added = Vec::new();
    for e in other {
        let m = base
            .iter()
            .zip(used.iter_mut())
            .find(|(b, used)| !**used && same(b, e) && close(time(b), time(e), SAME_EVENT_MS));
        match m {
            Some((_, used)) => *used = true,
            None => added.push(e.clone()),
        }
    }
    if added.is_empty() {
        return;
    }
    base.extend(added);
    sort_by_time(base, time);
}

/// A stable sort by time where an entry without one keeps to the time of
/// the entry before it (a total order, as `sort_by` needs).
fn sort_by_time<T>(items: &mut Vec<T>, time: impl Fn(&T) -> Option<f64>) {
    let mut last = f64::NEG_INFINITY;
    let mut keyed: Vec<(f64, T)> = items
        .drain(..)
        .map(|x| {
            last = time(&x).unwrap_or(last);
            (last, x)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    items.extend(keyed.into_iter().map(|(_, x)| x));
}

fn join_pc(
    base: &mut PeerConnection,
    other: &PeerConnection,
    syms: &[Sym],
    disagreements: &mut BTreeMap<String, u64>,
) {
    if base.url.is_none() {
        base.url = other.url.clone();
    }
    if !base.has_configuration() {
        base.configuration = other.configuration.clone();
        base.configuration_text = other.configuration_text.clone();
    }
    if base.constraints.is_none() {
        base.constraints = other.constraints.clone();
    }
    join_timed(
        &mut base.events,
        &other.events,
        |a, b| a.name == b.name,
        |e| e.t_ms,
    );
    for (into, from) in [
        (&mut base.signaling_states, &other.signaling_states),
        (
            &mut base.ice_connection_states,
            &other.ice_connection_states,
        ),
        (&mut base.connection_states, &other.connection_states),
        (&mut base.ice_gathering_states, &other.ice_gathering_states),
    ] {
        join_timed(into, from, |a, b| a.state == b.state, |s| s.t_ms);
    }
    base.stats_polls = base.stats_polls.max(other.stats_polls);
    for o in &other.stats {
        let at = base.stats.binary_search_by(|b| b.id.as_str().cmp(&o.id));
        match at.ok().and_then(|i| base.stats.get_mut(i)) {
            Some(slot) => {
                let (joined, differ) = join_object(slot, o, syms);
                if differ > 0 {
                    *disagreements
                        .entry(format!("{}/{}", base.id, o.id))
                        .or_default() += differ;
                }
                *slot = joined;
            }
            None => {
                let mut o = o.clone();
                remap_texts(&mut o, syms);
                base.stats.insert(at.unwrap_or_else(|i| i), o);
            }
        }
    }
}

/// `o`'s texts with `syms` (another interner's symbols in this one).
fn remap_texts(o: &mut StatsObject, syms: &[Sym]) {
    for c in o.columns.values_mut() {
        c.texts.remap(syms);
    }
}

/// The union of two objects' rows by time; at a time both hold, the
/// base's values, and the count of raw numbers that differ. Not compared:
/// derived columns (`[name]`, computed by each writer over its own
/// window), and `remote-outbound-rtp`, whose timestamp is the sender
/// report's arrival: two polls after one report share it while its round
/// trip (from later report blocks) moves on.
fn join_object(base: &StatsObject, other: &StatsObject, syms: &[Sym]) -> (StatsObject, u64) {
    // Row sources in time order: (time, Some(base row), Some(other row)).
    let mut rows: Vec<(f64, Option<usize>, Option<usize>)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    let (a, b) = (&base.times_ms, &other.times_ms);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if (x - y).abs() <= SAME_ROW_MS => {
                rows.push((x, Some(i), Some(j)));
                i += 1;
                j += 1;
            }
            (Some(&x), Some(&y)) if x < y => {
                rows.push((x, Some(i), None));
                i += 1;
            }
            (Some(&x), None) => {
                rows.push((x, Some(i), None));
                i += 1;
            }
            (_, Some(&y)) => {
                rows.push((y, None, Some(j)));
                j += 1;
            }
            (None, None) => break,
        }
    }
    let mut differ = 0;
    let comparable = base.stats_type.as_deref() != Some("remote-outbound-rtp");
    let mut columns = BTreeMap::new();
    let names: std::collections::BTreeSet<&String> =
        base.columns.keys().chain(other.columns.keys()).collect();
    for name in names {
        let (bc, oc) = (base.column(name), other.column(name));
        let derived = name.starts_with('[') || !comparable;
        let mut numbers = Vec::with_capacity(rows.len());
        let mut texts = Vec::with_capacity(rows.len());
        let has_numbers =
            bc.is_some_and(|c| !c.numbers.is_empty()) || oc.is_some_and(|c| !c.numbers.is_empty());
        let has_texts =
            bc.is_some_and(|c| !c.texts.is_empty()) || oc.is_some_and(|c| !c.texts.is_empty());
        for &(_, bi, oi) in &rows {
            let bn = bi.and_then(|r| bc.and_then(|c| c.number(r)));
            let on = oi.and_then(|r| oc.and_then(|c| c.number(r)));
            if let (Some(x), Some(y), false) = (bn, on, derived) {
                if x != y && (x - y).abs() > 1e-9 * x.abs().max(y.abs()) {
                    differ += 1;
                }
            }
            if has_numbers {
                numbers.push(bn.or(on).unwrap_or(f64::NAN));
            }
            if has_texts {
                let bt = bi.and_then(|r| bc.and_then(|c| c.texts.get(r)));
                let t = match bt.filter(|&s| s != NO_TEXT) {
                    Some(s) => s,
                    None => oi
                        .and_then(|r| oc.and_then(|c| c.texts.get(r)))
                        .and_then(|s| syms.get(s as usize).copied())
                        .unwrap_or(NO_TEXT),
                };
                texts.push(t);
            }
        }
        columns.insert(
            name.clone(),
            Column {
                numbers: if has_numbers {
                    Numbers::compact(numbers)
                } else {
                    Numbers::default()
                },
                texts: if has_texts {
                    Texts::compact(texts)
                } else {
                    Texts::default()
                },
            },
        );
    }
    let stats_type = base.stats_type.clone().or_else(|| other.stats_type.clone());
    let times = rows.iter().map(|r| r.0).collect();
    (
        StatsObject::new(base.id.clone(), stats_type, times, columns),
        differ,
    )
}
