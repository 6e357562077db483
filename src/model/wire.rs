//! A transfer format for a whole [`Session`]: how the import worker hands
//! the model to the page. Small things (events, metadata, diagnostics,
//! column names) go as a JSON skeleton; every stats column goes as raw
//! little-endian arrays, so the page rebuilds the model at memory-copy speed
//! instead of parsing the dump again. One buffer, transferable without copy.
//!
//! Layout: `b"RTCVW2"`, u64 LE skeleton length, skeleton JSON, then for each
//! peer connection, each stats object: times (f64 × rows), then each column
//! in the form the skeleton names (the model's compact storage, so the
//! transfer is as small as the model): numbers none / one f64 / f32 × rows /
//! f64 × rows, then texts none / one u32 / u32 × rows.

use super::{
    Event, GetUserMediaCall, Interner, PeerConnection, Session, SourceInfo, StateChange,
    StatsObject,
};
use crate::error::Diagnostic;
use crate::model::{Column, Numbers, Texts};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

const MAGIC: &[u8; 6] = b"RTCVW2";

// Storage tags of a column's numbers and texts in the skeleton.
const NONE: u8 = 0;
const CONST: u8 = 1;
const F32: u8 = 2;
const F64: u8 = 3;
const SYMS: u8 = 2;

fn number_tag(n: &Numbers) -> u8 {
    match n {
        _ if n.is_empty() => NONE,
        Numbers::Const { .. } => CONST,
        Numbers::F32(_) => F32,
        Numbers::F64(_) => F64,
    }
}

fn text_tag(t: &Texts) -> u8 {
    match t {
        _ if t.is_empty() => NONE,
        Texts::Const { .. } => CONST,
        Texts::Syms(_) => SYMS,
    }
}

#[derive(Serialize, Deserialize)]
struct Skeleton {
    source: Option<SourceInfo>,
    user_agent: Option<String>,
    metadata: BTreeMap<String, Value>,
    get_user_media: Vec<GetUserMediaCall>,
    client_events: Vec<Event>,
    peer_connections: Vec<PcSkeleton>,
    diagnostics: Vec<Diagnostic>,
    strings: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct PcSkeleton {
    id: String,
    url: Option<String>,
    configuration: Option<Value>,
    configuration_text: Option<String>,
    constraints: Option<Value>,
    events: Vec<Event>,
    signaling_states: Vec<StateChange>,
    ice_connection_states: Vec<StateChange>,
    connection_states: Vec<StateChange>,
    ice_gathering_states: Vec<StateChange>,
    stats_polls: u64,
    stats: Vec<StatsSkeleton>,
}

#[derive(Serialize, Deserialize)]
struct StatsSkeleton {
    id: String,
    stats_type: Option<String>,
    rows: usize,
    /// (name, numbers tag, texts tag)
    columns: Vec<(String, u8, u8)>,
}

/// Encodes a finished session in one buffer.
pub fn encode(s: &Session) -> Vec<u8> {
    let mut out = header(s);
    let columns: usize = s
        .peer_connections
        .iter()
        .flat_map(|p| &p.stats)
        .map(object_bytes_hint)
        .sum();
    out.reserve(columns);
    for o in s.peer_connections.iter().flat_map(|p| &p.stats) {
        put_object(&mut out, o);
    }
    out
}

/// Encodes a finished session in parts of about `part_bytes`, dropping each
/// stats object once encoded: the import worker posts every part as it is
/// made, so neither side ever holds the model and the whole transfer at once.
pub struct Encoder {
    session: Session,
    header_sent: bool,
    pc: usize,
    obj: usize,
    part_bytes: usize,
}

impl Encoder {
    pub fn new(session: Session, part_bytes: usize) -> Encoder {
        Encoder {
            session,
            header_sent: false,
            pc: 0,
            obj: 0,
            part_bytes: part_bytes.max(1),
        }
    }

    /// The next part, `None` after the last.
    pub fn next_part(&mut self) -> Option<Vec<u8>> {
        if !self.header_sent {
            self.header_sent = true;
            return Some(header(&self.session));
        }
        let mut out: Vec<u8> = Vec::new();
        while out.len() < self.part_bytes {
            let Some(pc) = self.session.peer_connections.get_mut(self.pc) else {
                break;
            };
            let Some(o) = pc.stats.get_mut(self.obj) else {
                self.pc += 1;
                self.obj = 0;
                continue;
            };
            let o = std::mem::take(o);
            out.reserve(object_bytes_hint(&o));
            put_object(&mut out, &o);
            self.obj += 1;
        }
        (!out.is_empty()).then_some(out)
    }
}

fn object_bytes_hint(o: &StatsObject) -> usize {
    o.heap_bytes() + 12 * o.columns.len()
}

/// Magic, skeleton length and skeleton.
fn header(s: &Session) -> Vec<u8> {
    let skeleton = Skeleton {
        source: s.source.clone(),
        user_agent: s.user_agent.clone(),
        metadata: s.metadata.clone(),
        get_user_media: s.get_user_media.clone(),
        client_events: s.client_events.clone(),
        peer_connections: s
            .peer_connections
            .iter()
            .map(|p| PcSkeleton {
                id: p.id.clone(),
                url: p.url.clone(),
                configuration: p.configuration.clone(),
                configuration_text: p.configuration_text.clone(),
                constraints: p.constraints.clone(),
                events: p.events.clone(),
                signaling_states: p.signaling_states.clone(),
                ice_connection_states: p.ice_connection_states.clone(),
                connection_states: p.connection_states.clone(),
                ice_gathering_states: p.ice_gathering_states.clone(),
                stats_polls: p.stats_polls,
                stats: p
                    .stats
                    .iter()
                    .map(|o| StatsSkeleton {
                        id: o.id.clone(),
                        stats_type: o.stats_type.clone(),
                        rows: o.times_ms.len(),
                        columns: o
                            .columns
                            .iter()
                            .map(|(n, c)| (n.clone(), number_tag(&c.numbers), text_tag(&c.texts)))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        diagnostics: s.diagnostics.clone(),
        strings: s.strings.strings().map(str::to_string).collect(),
    };
    let json = serde_json::to_vec(&skeleton).unwrap_or_default();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + json.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out
}

fn put_object(out: &mut Vec<u8>, o: &StatsObject) {
    {
        put_f64s(out, &o.times_ms);
        for c in o.columns.values() {
            match &c.numbers {
                n if n.is_empty() => {}
                Numbers::Const { value, .. } => out.extend_from_slice(&value.to_le_bytes()),
                Numbers::F32(v) => {
                    for x in v {
                        out.extend_from_slice(&x.to_le_bytes());
                    }
                }
                Numbers::F64(v) => put_f64s(out, v),
            }
            match &c.texts {
                t if t.is_empty() => {}
                Texts::Const { sym, .. } => out.extend_from_slice(&sym.to_le_bytes()),
                Texts::Syms(v) => {
                    for x in v {
                        out.extend_from_slice(&x.to_le_bytes());
                    }
                }
            }
        }
    }
}

fn put_f64s(out: &mut Vec<u8>, v: &[f64]) {
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.rest.len() < n {
            return None;
        }
        let (a, b) = self.rest.split_at(n);
        self.rest = b;
        Some(a)
    }

    fn f64s(&mut self, n: usize) -> Option<Vec<f64>> {
        let bytes = self.take(n.checked_mul(8)?)?;
        Some(
            bytes
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                .collect(),
        )
    }

    fn f32s(&mut self, n: usize) -> Option<Vec<f32>> {
        let bytes = self.take(n.checked_mul(4)?)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
                .collect(),
        )
    }

    fn numbers(&mut self, tag: u8, rows: usize) -> Option<Numbers> {
        Some(match tag {
            NONE => Numbers::default(),
            CONST => Numbers::Const {
                value: f64::from_le_bytes(self.take(8)?.try_into().ok()?),
                len: rows,
            },
            F32 => Numbers::F32(self.f32s(rows)?),
            F64 => Numbers::F64(self.f64s(rows)?),
            _ => return None,
        })
    }

    fn texts(&mut self, tag: u8, rows: usize) -> Option<Texts> {
        Some(match tag {
            NONE => Texts::default(),
            CONST => Texts::Const {
                sym: u32::from_le_bytes(self.take(4)?.try_into().ok()?),
                len: rows,
            },
            SYMS => Texts::Syms(self.u32s(rows)?),
            _ => return None,
        })
    }

    fn u32s(&mut self, n: usize) -> Option<Vec<u32>> {
        let bytes = self.take(n.checked_mul(4)?)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
                .collect(),
        )
    }
}

/// Decodes what [`encode`] wrote; `None` for anything else (never panics).
pub fn decode(bytes: &[u8]) -> Option<Session> {
    let mut d = Decoder::new();
    d.push(bytes);
    d.end();
    while d.step(usize::MAX)? != Progress::Done {}
    d.finish()
}

/// What a [`Decoder::step`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Decoded something; call again.
    Working,
    /// The next stats object has not fully arrived: push more.
    NeedBytes,
    /// Every stats object is decoded and the input has ended.
    Done,
}

/// Incremental decoding as the parts arrive, a few stats objects per step,
/// so a page can rebuild a large session without blocking its main thread.
/// Bytes are dropped once decoded.
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Decoded bytes at the front of `buf`.
    pos: usize,
    ended: bool,
    skeleton: Option<std::vec::IntoIter<PcSkeleton>>,
    rest: Option<SkeletonRest>,
    current: Option<(
        PcSkeleton,
        std::vec::IntoIter<StatsSkeleton>,
        Vec<StatsObject>,
    )>,
    done: Vec<PeerConnection>,
}

struct SkeletonRest {
    source: Option<SourceInfo>,
    user_agent: Option<String>,
    metadata: BTreeMap<String, Value>,
    get_user_media: Vec<GetUserMediaCall>,
    client_events: Vec<Event>,
    diagnostics: Vec<Diagnostic>,
    strings: Vec<String>,
}

/// Bytes a stats object takes in the transfer, from its skeleton.
fn object_len(o: &StatsSkeleton) -> Option<usize> {
    let mut n = o.rows.checked_mul(8)?;
    for &(_, numbers, texts) in &o.columns {
        n = n.checked_add(match numbers {
            NONE => 0,
            CONST => 8,
            F32 => o.rows.checked_mul(4)?,
            F64 => o.rows.checked_mul(8)?,
            _ => return None,
        })?;
        n = n.checked_add(match texts {
            NONE => 0,
            CONST => 4,
            SYMS => o.rows.checked_mul(4)?,
            _ => return None,
        })?;
    }
    Some(n)
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Appends the next part of the transfer.
    pub fn push(&mut self, bytes: &[u8]) {
        // Drop what is decoded once it is most of the buffer (amortized:
        // each byte is moved at most once more).
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// No more parts will come.
    pub fn end(&mut self) {
        self.ended = true;
    }

    fn unread(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Reads the header and skeleton once they are all there.
    fn start(&mut self) -> Option<Progress> {
        let mut r = Reader {
            rest: self.unread(),
        };
        let Some(magic) = r.take(MAGIC.len()) else {
            return self.need_bytes();
        };
        if magic != MAGIC {
            return None;
        }
        let Some(len) = r.take(8) else {
            return self.need_bytes();
        };
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let Some(json) = r.take(len) else {
            return self.need_bytes();
        };
        let skeleton: Skeleton = serde_json::from_slice(json).ok()?;
        self.pos += MAGIC.len() + 8 + len;
        self.skeleton = Some(skeleton.peer_connections.into_iter());
        self.rest = Some(SkeletonRest {
            source: skeleton.source,
            user_agent: skeleton.user_agent,
            metadata: skeleton.metadata,
            get_user_media: skeleton.get_user_media,
            client_events: skeleton.client_events,
            diagnostics: skeleton.diagnostics,
            strings: skeleton.strings,
        });
        Some(Progress::Working)
    }

    /// `NeedBytes`, or damage (`None`) once the input has ended.
    fn need_bytes(&self) -> Option<Progress> {
        (!self.ended).then_some(Progress::NeedBytes)
    }

    /// Decodes up to `max_objects` stats objects of what has arrived.
    /// `None` on damaged input.
    pub fn step(&mut self, max_objects: usize) -> Option<Progress> {
        if self.skeleton.is_none() {
            return self.start();
        }
        let mut budget = max_objects.max(1);
        loop {
            if self.current.is_none() {
                match self.skeleton.as_mut()?.next() {
                    Some(mut pc) => {
                        let stats = std::mem::take(&mut pc.stats);
                        let n = stats.len();
                        self.current = Some((pc, stats.into_iter(), Vec::with_capacity(n)));
                    }
                    None if self.unread().is_empty() && self.ended => return Some(Progress::Done),
                    None if self.unread().is_empty() => return Some(Progress::NeedBytes),
                    // Bytes beyond the last object: not a transfer we wrote.
                    None => return None,
                }
            }
            let (_, objects, built) = self.current.as_mut()?;
            match objects.as_slice().first() {
                Some(o) => {
                    if self.buf.len() - self.pos < object_len(o)? {
                        return (!self.ended).then_some(Progress::NeedBytes);
                    }
                    let o = objects.next()?;
                    let mut r = Reader {
                        rest: self.buf.get(self.pos..)?,
                    };
                    let before = r.rest.len();
                    let mut obj = StatsObject::new(&o.id);
                    obj.stats_type = o.stats_type;
                    obj.times_ms = r.f64s(o.rows)?;
                    for (name, numbers, texts) in o.columns {
                        let col = Column {
                            numbers: r.numbers(numbers, o.rows)?,
                            texts: r.texts(texts, o.rows)?,
                        };
                        obj.columns.insert(name, col);
                    }
                    self.pos += before - r.rest.len();
                    built.push(obj);
                    budget -= 1;
                    if budget == 0 {
                        return Some(Progress::Working);
                    }
                }
                None => {
                    let (p, _, stats) = self.current.take()?;
                    self.done.push(PeerConnection {
                        id: p.id,
                        url: p.url,
                        configuration: p.configuration,
                        configuration_text: p.configuration_text,
                        constraints: p.constraints,
                        events: p.events,
                        signaling_states: p.signaling_states,
                        ice_connection_states: p.ice_connection_states,
                        connection_states: p.connection_states,
                        ice_gathering_states: p.ice_gathering_states,
                        stats,
                        stats_polls: p.stats_polls,
                    });
                }
            }
        }
    }

    /// The session, once a step returned `Done`.
    pub fn finish(mut self) -> Option<Session> {
        if !self.ended
            || !self.unread().is_empty()
            || self.current.is_some()
            || self.skeleton.as_mut()?.next().is_some()
        {
            return None;
        }
        let rest = self.rest.take()?;
        Some(Session {
            source: rest.source,
            user_agent: rest.user_agent,
            metadata: rest.metadata,
            get_user_media: rest.get_user_media,
            client_events: rest.client_events,
            peer_connections: self.done,
            diagnostics: rest.diagnostics,
            strings: Interner::from_strings(rest.strings),
        })
    }
}
