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

/// Encodes a finished session.
pub fn encode(s: &Session) -> Vec<u8> {
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
    let columns: usize = s
        .peer_connections
        .iter()
        .flat_map(|p| &p.stats)
        .map(|o| o.heap_bytes() + 12 * o.columns.len())
        .sum();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + json.len() + columns);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    for o in s.peer_connections.iter().flat_map(|p| &p.stats) {
        put_f64s(&mut out, &o.times_ms);
        for c in o.columns.values() {
            match &c.numbers {
                n if n.is_empty() => {}
                Numbers::Const { value, .. } => out.extend_from_slice(&value.to_le_bytes()),
                Numbers::F32(v) => {
                    for x in v {
                        out.extend_from_slice(&x.to_le_bytes());
                    }
                }
                Numbers::F64(v) => put_f64s(&mut out, v),
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
    out
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
    let mut d = Decoder::new(bytes)?;
    while !d.step(bytes, usize::MAX)? {}
    d.finish(bytes)
}

/// Incremental decoding, a few stats objects per step, so a page can
/// rebuild a large session without blocking its main thread.
pub struct Decoder {
    skeleton: std::vec::IntoIter<PcSkeleton>,
    rest: Option<SkeletonRest>,
    current: Option<(
        PcSkeleton,
        std::vec::IntoIter<StatsSkeleton>,
        Vec<StatsObject>,
    )>,
    done: Vec<PeerConnection>,
    pos: usize,
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

impl Decoder {
    /// Reads the header and skeleton; `None` if `bytes` is not a transfer.
    pub fn new(bytes: &[u8]) -> Option<Decoder> {
        let mut r = Reader { rest: bytes };
        if r.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let len = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
        let skeleton: Skeleton =
            serde_json::from_slice(r.take(usize::try_from(len).ok()?)?).ok()?;
        let pos = bytes.len() - r.rest.len();
        Some(Decoder {
            skeleton: skeleton.peer_connections.into_iter(),
            rest: Some(SkeletonRest {
                source: skeleton.source,
                user_agent: skeleton.user_agent,
                metadata: skeleton.metadata,
                get_user_media: skeleton.get_user_media,
                client_events: skeleton.client_events,
                diagnostics: skeleton.diagnostics,
                strings: skeleton.strings,
            }),
            current: None,
            done: Vec::new(),
            pos,
        })
    }

    /// Decodes up to `max_objects` stats objects. `Some(true)` when all are
    /// decoded, `None` on damaged input.
    pub fn step(&mut self, bytes: &[u8], max_objects: usize) -> Option<bool> {
        let mut r = Reader {
            rest: bytes.get(self.pos..)?,
        };
        let mut budget = max_objects.max(1);
        loop {
            if self.current.is_none() {
                match self.skeleton.next() {
                    Some(mut pc) => {
                        let stats = std::mem::take(&mut pc.stats);
                        let n = stats.len();
                        self.current = Some((pc, stats.into_iter(), Vec::with_capacity(n)));
                    }
                    None => {
                        self.pos = bytes.len() - r.rest.len();
                        return Some(true);
                    }
                }
            }
            let (_, objects, built) = self.current.as_mut()?;
            match objects.next() {
                Some(o) => {
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
                    built.push(obj);
                    budget -= 1;
                    if budget == 0 {
                        self.pos = bytes.len() - r.rest.len();
                        return Some(false);
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

    /// The session, once every step returned `true` and nothing is left over.
    pub fn finish(mut self, bytes: &[u8]) -> Option<Session> {
        if self.pos != bytes.len() || self.current.is_some() || self.skeleton.next().is_some() {
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
