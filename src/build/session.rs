//! The [`SessionBuilder`]: ordering rules (peer connections in order of
//! first appearance, stats objects sorted by id, samples sorted by time),
//! state histories derived from state-change events so every importer gets
//! them the same way, one getUserMedia matching rule, folded diagnostics.

use super::object::{Key, ObjectBuilder, Sample};
use super::{KeyNames, Row};
use crate::error::{Diagnostic, Kind, Location, Severity};
use crate::json::flat::{Members, PVal};
use crate::model::event::{normalize_state, state_kind, StateKind};
use crate::model::{
    Event, Format, GetUserMediaCall, Interner, Outcome, PeerConnection, Session, SourceInfo,
    StateChange, TrackInfo,
};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Distinct diagnostics kept before further ones are only counted.
const MAX_DISTINCT_DIAGNOSTICS: usize = 200;

/// The most peer connections a session holds: a page that made more is
/// broken or hostile, and every one is a section of the page. Later ones
/// are left out with an error diagnostic (`too_large`).
pub const MAX_PEER_CONNECTIONS: usize = 1000;

/// The most stats objects one peer connection holds (a large conference
/// has a few thousand: candidates, tracks, codecs); later ones are left out.
pub const MAX_STATS_OBJECTS_PER_PC: usize = 20_000;

/// The most events one peer connection (or the client log) holds; later
/// ones are left out.
pub const MAX_EVENTS_PER_PC: usize = 200_000;

/// A peer connection index that refers to nothing: what
/// [`SessionBuilder::pc_index`] returns beyond [`MAX_PEER_CONNECTIONS`].
/// Every setter and [`SessionBuilder::stats_slot`] ignore it.
pub const NO_PC: usize = usize::MAX;

/// A stats object being built: (peer connection index, object index), both
/// from the builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectRef {
    pub pc: usize,
    pub obj: usize,
}

/// The result of a getUserMedia or getDisplayMedia request.
#[derive(Debug, Clone, PartialEq)]
pub enum GumResult {
    Success(Vec<TrackInfo>),
    Failure(String),
}

#[derive(Debug)]
pub struct SessionBuilder {
    session: Session,
    pc_index: HashMap<String, usize>,
    /// Stats objects being built, per peer connection (in step with
    /// `session.peer_connections`), and their index by id.
    objects: Vec<Vec<ObjectBuilder>>,
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
            objects: Vec::new(),
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

    pub fn set_metadata(&mut self, key: &str, mut value: Value) {
        crate::model::secrets::hide_ice_server_credentials(&mut value);
        self.session.metadata.insert(key.to_string(), value);
    }

    /// A copy written by `rtcview convert` says where it came from and
    /// carries its source's history-cap diagnostics (`rtcviewConversion`,
    /// docs/conversion.md): they are restored as the source had them, and
    /// the importer computes none of its own (a long series in a converted
    /// webrtc-internals file was never cut by Chrome).
    pub fn restore_conversion_note(&mut self, note: &Value) {
        let capped = note.get("capped").and_then(Value::as_array);
        for c in capped.into_iter().flatten() {
            let key = c.get("key").and_then(Value::as_str);
            let message = c.get("message").and_then(Value::as_str);
            if let (Some(key), Some(message)) = (key, message) {
                self.warn(Kind::Capped, message.to_string(), Location::key(key));
            }
        }
        // Client-level events, which webrtc-internals has no place for.
        let events = note.get("clientEvents").and_then(Value::as_array);
        for e in events.into_iter().flatten() {
            let Some(name) = e.get("name").and_then(Value::as_str) else {
                continue;
            };
            let t_ms = e.get("tMs").and_then(Value::as_f64);
            let value = e.get("value").cloned().unwrap_or(Value::Null);
            let mut event = Event::new(t_ms, name, value);
            if let Some(Value::Array(extras)) = e.get("extras") {
                event.extras = extras.clone();
            }
            self.push_event(None, event);
        }
        let mut kept = note.clone();
        if let Some(o) = kept.as_object_mut() {
            o.remove("clientEvents");
        }
        self.set_metadata("rtcviewConversion", kept);
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

    /// Index of the peer connection `id`, created on first use: for
    /// callers that address many stats objects of one connection in a row.
    pub fn pc_index(&mut self, id: &str) -> usize {
        if let Some(&i) = self.pc_index.get(id) {
            return i;
        }
        let i = self.session.peer_connections.len();
        if i >= MAX_PEER_CONNECTIONS {
            self.error(
                Kind::TooLarge,
                format!("more than {MAX_PEER_CONNECTIONS} peer connections: the later ones are left out"),
                Location::default(),
            );
            return NO_PC;
        }
        self.session.peer_connections.push(PeerConnection {
            id: id.to_string(),
            ..Default::default()
        });
        self.objects.push(Vec::new());
        self.stats_index.push(HashMap::new());
        self.pc_index.insert(id.to_string(), i);
        i
    }

    /// The peer connection `id`, created on first use (private: callers
    /// set its fields through the setters below).
    fn pc(&mut self, id: &str) -> Option<&mut PeerConnection> {
        let i = self.pc_index(id);
        self.session.peer_connections.get_mut(i)
    }

    /// Makes sure the peer connection exists (a dump may list one with
    /// nothing in it).
    pub fn ensure_pc(&mut self, id: &str) {
        self.pc_index(id);
    }

    pub fn has_pc(&self, id: &str) -> bool {
        self.pc_index.contains_key(id)
    }

    /// The page URL that created the peer connection.
    pub fn set_pc_url(&mut self, id: &str, url: Option<String>) {
        if let Some(p) = self.pc(id) {
            p.url = url;
        }
    }

    /// The RTCConfiguration, as JSON.
    pub fn set_pc_configuration(&mut self, id: &str, mut configuration: Value) {
        crate::model::secrets::hide_ice_server_credentials(&mut configuration);
        if let Some(p) = self.pc(id) {
            p.configuration = Some(configuration);
        }
    }

    /// The RTCConfiguration as old Chrome's non-JSON text.
    pub fn set_pc_configuration_text(&mut self, id: &str, text: String) {
        if let Some(p) = self.pc(id) {
            p.configuration_text = Some(text);
        }
    }

    /// Legacy constraints passed to the constructor.
    pub fn set_pc_constraints(&mut self, id: &str, constraints: Value) {
        if let Some(p) = self.pc(id) {
            p.constraints = Some(constraints);
        }
    }

    /// Appends an event to a peer connection's log (or the client log for
    /// `None`) and records state changes it carries.
    pub fn push_event(&mut self, pc: Option<&str>, mut event: Event) {
        // TURN credentials never enter the session (model::secrets).
        crate::model::secrets::hide_ice_server_credentials(&mut event.value);
        event
            .extras
            .iter_mut()
            .for_each(crate::model::secrets::hide_ice_server_credentials);
        let full = |n: usize| n >= MAX_EVENTS_PER_PC;
        let Some(pc_id) = pc else {
            if full(self.session.client_events.len()) {
                self.events_left_out();
            } else {
                self.session.client_events.push(event);
            }
            return;
        };
        if self
            .pc_index
            .get(pc_id)
            .and_then(|&i| self.session.peer_connections.get(i))
            .is_some_and(|p| full(p.events.len()))
        {
            self.events_left_out();
            return;
        }
        let kind = state_kind(&event.name);
        let state = kind.and_then(|_| normalize_state(&event.value));
        let t_ms = event.t_ms;
        let Some(pc) = self.pc(pc_id) else {
            return;
        };
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

    fn events_left_out(&mut self) {
        self.error(
            Kind::TooLarge,
            format!("more than {MAX_EVENTS_PER_PC} events in one log: the later ones are left out"),
            Location::default(),
        );
    }

    /// A getUserMedia or getDisplayMedia request; its result comes with
    /// [`Self::complete_get_user_media`].
    pub fn push_get_user_media(&mut self, call: GetUserMediaCall) {
        self.session.get_user_media.push(call);
    }

    /// Records the result of a request. When the dump gives a correlation
    /// key, only a pending request with that key matches (the first: requests
    /// are answered in order); a result whose request is not in the dump
    /// (cut off, say) is not given to another. Without a key, the first
    /// pending request of the same type, else the first pending one.
    /// Returns false when nothing matches (the caller says so).
    pub fn complete_get_user_media(
        &mut self,
        correlation: Option<&str>,
        request_type: &str,
        t_ms: Option<f64>,
        result: GumResult,
    ) -> bool {
        let calls = &mut self.session.get_user_media;
        let pending = |c: &GetUserMediaCall| c.outcome == Outcome::Pending;
        let idx = match correlation {
            Some(k) => calls
                .iter()
                .position(|c| pending(c) && c.correlation.as_deref() == Some(k)),
            None => calls
                .iter()
                .position(|c| pending(c) && c.request_type == request_type)
                .or_else(|| calls.iter().position(pending)),
        };
        let Some(call) = idx.and_then(|i| calls.get_mut(i)) else {
            return false;
        };
        call.result_t_ms = t_ms;
        match result {
            GumResult::Success(tracks) => {
                call.outcome = Outcome::Success;
                call.tracks = tracks;
            }
            GumResult::Failure(error) => {
                call.outcome = Outcome::Failure;
                call.error = Some(error);
            }
        }
        true
    }

    pub fn count_poll(&mut self, pc: &str) {
        if let Some(p) = self.pc(pc) {
            p.stats_polls += 1;
        }
    }

    /// Stats object `stats_id` of peer connection `pc` (an index from
    /// [`Self::pc_index`]), created on first use. Stable until `finish`.
    pub fn stats_slot(&mut self, pc: usize, stats_id: &str) -> ObjectRef {
        let (Some(index), Some(objects)) = (self.stats_index.get_mut(pc), self.objects.get_mut(pc))
        else {
            // Not an index from pc_index: a reference to nothing.
            return ObjectRef {
                pc,
                obj: usize::MAX,
            };
        };
        if let Some(&i) = index.get(stats_id) {
            return ObjectRef { pc, obj: i };
        }
        if objects.len() >= MAX_STATS_OBJECTS_PER_PC {
            self.diag(
                Severity::Error,
                Kind::TooLarge,
                format!("more than {MAX_STATS_OBJECTS_PER_PC} stats objects in one peer connection: the later ones are left out"),
                Location::default(),
            );
            return ObjectRef {
                pc,
                obj: usize::MAX,
            };
        }
        objects.push(ObjectBuilder::new(stats_id));
        index.insert(stats_id.to_string(), objects.len() - 1);
        ObjectRef {
            pc,
            obj: objects.len() - 1,
        }
    }

    fn object(&mut self, at: ObjectRef) -> Option<(&mut ObjectBuilder, &mut Interner)> {
        let o = self.objects.get_mut(at.pc)?.get_mut(at.obj)?;
        Some((o, &mut self.session.strings))
    }

    /// Sets the stats type of an object unless it has one.
    pub fn set_stats_type(&mut self, at: ObjectRef, stats_type: Option<String>) {
        if let Some((o, _)) = self.object(at) {
            if o.stats_type.is_none() {
                o.stats_type = stats_type;
            }
        }
    }

    /// Appends one getStats report (a JSON object) as a row of its stats
    /// object.
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
        let p = self.pc_index(pc);
        let at = self.stats_slot(p, stats_id);
        let Some((obj, strings)) = self.object(at) else {
            return;
        };
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
                &super::PlainNames,
            );
        }
    }

    /// Appends one report, read flat, as a row at `t_ms` (`None`: a row
    /// with no values of its own). `row` says what the row holds before
    /// its values; `names` how its keys name properties and types. A report
    /// whose time repeats the last row updates that row in place (for a
    /// delta, dropping it would lose the change for every later row).
    pub fn push_row(
        &mut self,
        at: ObjectRef,
        t_ms: f64,
        report: Option<&Members<'_>>,
        row: Row,
        names: &impl KeyNames,
    ) {
        let Some((obj, strings)) = self.object(at) else {
            return;
        };
        let row = match obj.times_ms.last() {
            Some(&last) if last == t_ms => obj.times_ms.len() - 1,
            _ => match row {
                Row::Carried => obj.push_carried(t_ms),
                Row::Fresh => obj.push_fresh(t_ms),
            },
        };
        for (k, v) in report.into_iter().flatten() {
            let k: &str = k;
            match k {
                "id" | "timestamp" => {}
                "type" => {
                    if obj.stats_type.is_none() {
                        obj.stats_type = match v {
                            PVal::Str(t) => Some(t.to_string()),
                            PVal::Num(code) => names.stats_type(*code).map(str::to_string),
                            _ => None,
                        };
                    }
                }
                // The report's own time ("t"), read by the caller.
                _ if names.is_time_key(k) => {}
                // Numbers are nearly every value: straight to the column.
                _ => match v {
                    PVal::Num(n) => {
                        let name = || long_name(k, names).to_string();
                        obj.set_keyed(row, Key::top(k), name, Sample::Number(*n), strings);
                    }
                    _ => put_parsed(obj, strings, row, Key::top(k), v, false, names),
                },
            }
        }
    }

    /// Appends rows at `times_ms` to a stats object (webrtc-internals stores
    /// a report's values property by property); returns the first new row.
    pub fn push_times(&mut self, at: ObjectRef, times_ms: &[f64]) -> usize {
        let Some((obj, _)) = self.object(at) else {
            return 0;
        };
        let base = obj.times_ms.len();
        for &t in times_ms {
            obj.push_time(t);
        }
        base
    }

    /// Puts one property's values at their rows. The column is looked up
    /// once, not once per value.
    pub fn put_series<'v>(
        &mut self,
        at: ObjectRef,
        property: &str,
        values: impl Iterator<Item = (usize, &'v PVal<'v>)>,
    ) {
        let Some((obj, strings)) = self.object(at) else {
            return;
        };
        let key = Key::top(property);
        let mut slot = None;
        for (row, v) in values {
            let Some(sample) = sample_of(v, false) else {
                put_parsed(obj, strings, row, key, v, false, &super::PlainNames);
                continue;
            };
            let s = *slot.get_or_insert_with(|| obj.column_slot(key, || key.key.to_string()));
            obj.set_in(s, row, sample, strings);
        }
    }

    pub fn finish(mut self) -> Session {
        let objects = std::mem::take(&mut self.objects);
        for (pc, objects) in self.session.peer_connections.iter_mut().zip(objects) {
            let mut stats: Vec<_> = objects.into_iter().map(|o| o.finish().0).collect();
            stats.sort_by(|a, b| a.id.cmp(&b.id));
            pc.stats = stats;
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

/// The property name of a key: codes through the importer's names.
fn long_name<'k>(key: &'k str, names: &impl KeyNames) -> &'k str {
    names.property(key).unwrap_or(key)
}

/// Puts one property value at `row`. Nested objects one level deep become
/// `name.member` columns; deeper ones and arrays are kept as JSON text.
/// `names`: how keys (not nested members) name properties.
fn put_parsed(
    obj: &mut ObjectBuilder,
    strings: &mut Interner,
    row: usize,
    key: Key<'_>,
    v: &PVal<'_>,
    legacy_goog: bool,
    names: &impl KeyNames,
) {
    let name = || match key.parent {
        None => long_name(key.key, names).to_string(),
        Some(p) => format!("{}.{}", long_name(p, names), key.key),
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
                put_parsed(obj, strings, row, member, v2, legacy_goog, names);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(b: &mut SessionBuilder, kind: &str, key: Option<&str>) {
        b.push_get_user_media(GetUserMediaCall {
            t_ms: Some(1.0),
            request_type: kind.into(),
            audio: true,
            video: false,
            constraints: Value::Null,
            outcome: Outcome::Pending,
            result_t_ms: None,
            error: None,
            tracks: Vec::new(),
            correlation: key.map(str::to_string),
        });
    }

    /// One rule for both families (webrtc-internals matched by key only,
    /// rtcstats fell back to order even for a key it had never seen): a
    /// keyed result goes to its own request or nowhere; an unkeyed one to
    /// the first pending request of its type.
    #[test]
    fn get_user_media_results_find_their_request() {
        let mut b = SessionBuilder::new(Format::Rtcstats, "x");
        request(&mut b, "getUserMedia", Some("a"));
        request(&mut b, "getDisplayMedia", Some("b"));
        let fail = |m: &str| GumResult::Failure(m.into());
        // The request of key "z" is not in the dump: nothing is claimed.
        assert!(!b.complete_get_user_media(Some("z"), "getUserMedia", None, fail("lost")));
        assert!(b.complete_get_user_media(
            Some("b"),
            "getDisplayMedia",
            Some(2.0),
            fail("NotAllowedError")
        ));
        request(&mut b, "getUserMedia", None);
        request(&mut b, "getDisplayMedia", None);
        assert!(b.complete_get_user_media(
            None,
            "getDisplayMedia",
            Some(3.0),
            GumResult::Success(vec![])
        ));
        let s = b.finish();
        let outcomes: Vec<_> = s
            .get_user_media
            .iter()
            .map(|c| (c.outcome, c.error.clone()))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (Outcome::Pending, None),
                (Outcome::Failure, Some("NotAllowedError".into())),
                (Outcome::Pending, None),
                (Outcome::Success, None),
            ]
        );
    }
}
