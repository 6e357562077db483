//! The only way importers create a [`Session`].
//!
//! The builder owns ordering rules (peer connections in order of first
//! appearance, stats objects sorted by id, samples sorted by time), derives
//! state histories from state-change events so every importer gets them the
//! same way, and folds repeated diagnostics.

use super::event::{normalize_state, state_kind, StateKind};
use super::series::{Key, Sample};
use super::{
    Event, Format, GetUserMediaCall, Interner, PeerConnection, Session, SourceInfo, StateChange,
    StatsObject,
};
use crate::error::{Diagnostic, Kind, Location, Severity};
use crate::formats::flat::PVal;
use crate::formats::rtcstats::line::Report;
use crate::formats::rtcstats::tables::{property_name, stats_type_name};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Distinct diagnostics kept before further ones are only counted.
const MAX_DISTINCT_DIAGNOSTICS: usize = 200;

#[derive(Debug)]
pub struct SessionBuilder {
    session: Session,
    pc_index: HashMap<String, usize>,
    stats_index: Vec<HashMap<String, usize>>,
    diag_index: HashMap<(Kind, String), usize>,
    diag_overflow: u64,
}

impl SessionBuilder {
    pub fn new(format: Format, dialect: &str) -> Self {
        let session = Session {
            source: Some(SourceInfo {
                format,
                dialect: dialect.to_string(),
                bytes: 0,
                gzip: false,
                decoded_bytes: 0,
            }),
            ..Default::default()
        };
        SessionBuilder {
            session,
            pc_index: HashMap::new(),
            stats_index: Vec::new(),
            diag_index: HashMap::new(),
            diag_overflow: 0,
        }
    }

    pub fn set_dialect(&mut self, dialect: &str) {
        if let Some(s) = self.session.source.as_mut() {
            s.dialect = dialect.to_string();
        }
    }

    pub fn dialect(&self) -> &str {
        self.session
            .source
            .as_ref()
            .map(|s| s.dialect.as_str())
            .unwrap_or("")
    }

    /// Sets the user agent unless one is already known (the first source wins).
    pub fn set_user_agent(&mut self, ua: &str) {
        if self.session.user_agent.is_none() && !ua.trim().is_empty() {
            self.session.user_agent = Some(ua.to_string());
        }
    }

    pub fn user_agent(&self) -> Option<&str> {
        self.session.user_agent.as_deref()
    }

    pub fn set_metadata(&mut self, key: &str, value: Value) {
        self.session.metadata.insert(key.to_string(), value);
    }

    pub fn diag(
        &mut self,
        severity: Severity,
        kind: Kind,
        message: impl Into<String>,
        location: Location,
    ) {
        let message = message.into();
        let key = (kind, message);
        if let Some(&i) = self.diag_index.get(&key) {
            if let Some(d) = self.session.diagnostics.get_mut(i) {
                d.count += 1;
                d.severity = d.severity.max(severity);
            }
            return;
        }
        if self.session.diagnostics.len() >= MAX_DISTINCT_DIAGNOSTICS {
            self.diag_overflow += 1;
            return;
        }
        let (kind, message) = key.clone();
        self.diag_index.insert(key, self.session.diagnostics.len());
        self.session.diagnostics.push(Diagnostic {
            severity,
            kind,
            message,
            location,
            count: 1,
        });
    }

    pub fn warn(&mut self, kind: Kind, message: impl Into<String>, location: Location) {
        self.diag(Severity::Warning, kind, message, location);
    }

    pub fn error(&mut self, kind: Kind, message: impl Into<String>, location: Location) {
        self.diag(Severity::Error, kind, message, location);
    }

    fn pc_slot(&mut self, id: &str) -> usize {
        if let Some(&i) = self.pc_index.get(id) {
            return i;
        }
        let i = self.session.peer_connections.len();
        self.session.peer_connections.push(PeerConnection {
            id: id.to_string(),
            ..Default::default()
        });
        self.stats_index.push(HashMap::new());
        self.pc_index.insert(id.to_string(), i);
        i
    }

    /// The peer connection with this id, created on first use.
    #[allow(clippy::indexing_slicing)] // pc_slot returns an index it just ensured
    pub fn pc(&mut self, id: &str) -> &mut PeerConnection {
        let i = self.pc_slot(id);
        &mut self.session.peer_connections[i]
    }

    pub fn has_pc(&self, id: &str) -> bool {
        self.pc_index.contains_key(id)
    }

    /// Appends an event to a peer connection's log (or the client log for
    /// `None`) and records state changes it carries.
    pub fn push_event(&mut self, pc: Option<&str>, event: Event) {
        let Some(pc_id) = pc else {
            self.session.client_events.push(event);
            return;
        };
        let kind = state_kind(&event.name);
        let state = kind.and_then(|_| normalize_state(&event.value));
        let t_ms = event.t_ms;
        let pc = self.pc(pc_id);
        if let (Some(kind), Some(state)) = (kind, state) {
            let change = StateChange { t_ms, state };
            match kind {
                StateKind::Signaling => pc.signaling_states.push(change),
                StateKind::IceConnection => pc.ice_connection_states.push(change),
                StateKind::Connection => pc.connection_states.push(change),
                StateKind::IceGathering => pc.ice_gathering_states.push(change),
            }
        }
        pc.events.push(event);
    }

    pub fn push_get_user_media(&mut self, call: GetUserMediaCall) {
        self.session.get_user_media.push(call);
    }

    pub fn get_user_media_mut(&mut self) -> &mut Vec<GetUserMediaCall> {
        &mut self.session.get_user_media
    }

    pub fn count_poll(&mut self, pc: &str) {
        self.pc(pc).stats_polls += 1;
    }

    /// The stats object `stats_id` of peer connection `pc`, with the interner
    /// its text values go to.
    // Indices come from pc_slot / the stats index, which are kept in step with
    // the vectors they point into; an out-of-range index is a builder bug.
    #[allow(clippy::indexing_slicing)]
    pub fn stats_object(&mut self, pc: &str, stats_id: &str) -> (&mut StatsObject, &mut Interner) {
        let p = self.pc_slot(pc);
        let i = self.stats_slot(p, stats_id);
        (
            &mut self.session.peer_connections[p].stats[i],
            &mut self.session.strings,
        )
    }

    /// Appends one getStats report as a row of its stats object.
    ///
    /// `legacy_goog` turns numeric-looking strings into numbers (callback
    /// getStats reported every value as text). Nested objects
    /// (`qualityLimitationDurations`) become `name.key` columns; arrays and
    /// deeper objects are kept as JSON text.
    pub fn push_report(
        &mut self,
        pc: &str,
        stats_id: &str,
        t_ms: f64,
        report: &Map<String, Value>,
        legacy_goog: bool,
    ) {
        let (obj, strings) = self.stats_object(pc, stats_id);
        if obj.stats_type.is_none() {
            if let Some(Value::String(t)) = report.get("type") {
                obj.stats_type = Some(t.clone());
            }
        }
        if obj.times_ms.last() == Some(&t_ms) {
            return;
        }
        let row = obj.push_time(t_ms);
        for (k, v) in report {
            if matches!(k.as_str(), "id" | "timestamp" | "type") {
                continue;
            }
            put_parsed(
                obj,
                strings,
                row,
                Key::top(k),
                &PVal::borrowed(v),
                legacy_goog,
                false,
            );
        }
    }

    /// Index of the peer connection `id` (created on first use), for callers
    /// that address many stats objects of one connection in a row.
    pub fn pc_index(&mut self, id: &str) -> usize {
        self.pc_slot(id)
    }

    /// Index of stats object `stats_id` within peer connection `pc` (an index
    /// from [`Self::pc_index`]), created on first use. Stable until `finish`.
    #[allow(clippy::indexing_slicing)] // pc comes from pc_index; vectors grow in step
    pub fn stats_slot(&mut self, pc: usize, stats_id: &str) -> usize {
        let index = &mut self.stats_index[pc];
        if let Some(&i) = index.get(stats_id) {
            return i;
        }
        let stats = &mut self.session.peer_connections[pc].stats;
        stats.push(StatsObject::new(stats_id));
        index.insert(stats_id.to_string(), stats.len() - 1);
        stats.len() - 1
    }

    /// Appends one report, parsed flat (see `formats::rtcstats::line`), as
    /// a row at `t_ms`. With `carry` the row first repeats the previous row
    /// (a fileFormat 3 delta lists only what changed); `compressed` maps
    /// property codes and type codes to names. A report whose time repeats the
    /// last row updates that row in place (for a delta, dropping it would
    /// lose the change for every later row).
    pub fn push_parsed_row(
        &mut self,
        pc: usize,
        obj: usize,
        t_ms: f64,
        report: Option<&Report<'_>>,
        carry: bool,
        compressed: bool,
    ) {
        let strings = &mut self.session.strings;
        let Some(obj) = self
            .session
            .peer_connections
            .get_mut(pc)
            .and_then(|p| p.stats.get_mut(obj))
        else {
            return;
        };
        let row = match obj.times_ms.last() {
            Some(&last) if last == t_ms => obj.times_ms.len() - 1,
            _ if carry => obj.push_carried(t_ms),
            _ => obj.push_fresh(t_ms),
        };
        for (k, v) in report.into_iter().flatten() {
            let k: &str = k;
            match k {
                // Compressed "t" is the timestamp; no code stands for these.
                "id" | "timestamp" => {}
                "t" if compressed => {}
                "type" => {
                    if obj.stats_type.is_none() {
                        obj.stats_type = match v {
                            PVal::Str(t) => Some(t.to_string()),
                            PVal::Num(code) if compressed => {
                                stats_type_name(*code as u64).map(str::to_string)
                            }
                            _ => None,
                        };
                    }
                }
                // Numbers are nearly every value: straight to the column.
                _ => match v {
                    PVal::Num(n) => {
                        let name = || long_name(k, compressed).to_string();
                        obj.set_keyed(row, Key::top(k), name, Sample::Number(*n), strings);
                    }
                    _ => put_parsed(obj, strings, row, Key::top(k), v, false, compressed),
                },
            }
        }
    }

    pub fn finish(mut self) -> Session {
        for pc in &mut self.session.peer_connections {
            pc.stats.sort_by(|a, b| a.id.cmp(&b.id));
            for o in &mut pc.stats {
                o.finish();
            }
        }
        if self.diag_overflow > 0 {
            let n = self.diag_overflow;
            self.session.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                kind: Kind::Malformed,
                message: format!("{n} further distinct problems were not listed"),
                location: Location::default(),
                count: n,
            });
        }
        self.session
    }
}

/// Parses a legacy goog value ("123", "-1.5e3") as a number; other text stays text.
pub fn goog_number(s: &str) -> Option<f64> {
    let first = s.as_bytes().first()?;
    if !(first.is_ascii_digit() || *first == b'-' || *first == b'.') {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Puts one property's values at their rows: a series (webrtc-internals
/// stores a report's values property by property). The column is looked up
/// once, not once per value.
pub(crate) fn put_series<'v>(
    obj: &mut StatsObject,
    strings: &mut Interner,
    key: Key<'_>,
    values: impl Iterator<Item = (usize, &'v PVal<'v>)>,
) {
    let mut slot = None;
    for (row, v) in values {
        let Some(sample) = sample_of(v, false) else {
            put_parsed(obj, strings, row, key, v, false, false);
            continue;
        };
        let s = *slot.get_or_insert_with(|| obj.column_slot(key, || key.key.to_string()));
        obj.set_in(s, row, sample, strings);
    }
}

/// A scalar value as a column sample; `None` for null, objects and arrays.
/// `legacy_goog`: numeric-looking text is a number (callback getStats
/// reported every value as text).
fn sample_of<'v>(v: &'v PVal<'_>, legacy_goog: bool) -> Option<Sample<'v>> {
    Some(match v {
        PVal::Num(n) => Sample::Number(*n),
        PVal::Str(s) => match legacy_goog.then(|| goog_number(s)).flatten() {
            Some(f) => Sample::Number(f),
            None => Sample::Text(s),
        },
        PVal::Bool(b) => Sample::Text(if *b { "true" } else { "false" }),
        PVal::Null | PVal::Obj(_) | PVal::Json(_) => return None,
    })
}

/// The property name of a key: compressed codes through the table.
fn long_name(key: &str, compressed: bool) -> &str {
    compressed
        .then(|| property_name(key))
        .flatten()
        .unwrap_or(key)
}

/// Puts one property value at `row`. Nested objects one level deep become
/// `name.member` columns; deeper ones and arrays are kept as JSON text.
/// `compressed`: keys (not nested members) are fileFormat 3 codes.
pub(crate) fn put_parsed(
    obj: &mut StatsObject,
    strings: &mut Interner,
    row: usize,
    key: Key<'_>,
    v: &PVal<'_>,
    legacy_goog: bool,
    compressed: bool,
) {
    let name = || match key.parent {
        None => long_name(key.key, compressed).to_string(),
        Some(p) => format!("{}.{}", long_name(p, compressed), key.key),
    };
    if let Some(sample) = sample_of(v, legacy_goog) {
        obj.set_keyed(row, key, name, sample, strings);
        return;
    }
    match v {
        PVal::Obj(fields) if key.parent.is_none() => {
            for (k2, v2) in fields {
                let member = Key {
                    parent: Some(key.key),
                    key: k2,
                };
                put_parsed(obj, strings, row, member, v2, legacy_goog, compressed);
            }
        }
        // Deeper objects and arrays: kept as JSON text.
        PVal::Obj(_) | PVal::Json(_) => {
            let text = v.to_value().to_string();
            obj.set_keyed(row, key, name, Sample::Text(&text), strings);
        }
        // Null (scalars were set above).
        _ => {}
    }
}
