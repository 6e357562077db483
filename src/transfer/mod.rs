//! A transfer format for a whole [`Session`]: how the import worker hands
//! the model to the page. Small things (events, metadata, diagnostics,
//! column names) go as a JSON skeleton; every stats column goes as raw
//! little-endian arrays, so the page rebuilds the model at memory-copy speed
//! instead of parsing the dump again. The worker sends it in parts of a few
//! MB ([`Encoder`], cut between columns), each transferable without copy;
//! the page decodes them as they arrive ([`Decoder`]).
//!
//! Layout: `b"RTCVW4"`, u64 LE skeleton length, skeleton ([`wire`]), then for each
//! peer connection, each stats object: times (f64 × rows), then each column
//! in the form the skeleton names (the model's compact storage, so the
//! transfer is as small as the model): numbers none / one f64 / f32 × rows /
//! f64 × rows, then texts none / one u32 / u32 × rows. Last, the chart
//! catalog the worker built (`charts::catalog::metric_charts`): u64 LE
//! length, the catalog ([`wire`]) with every derived series emptied, then those series in
//! order as f32 arrays, so the page's main thread computes no metric.

mod wire;

use wire::{wire_struct, Wire};

use crate::charts::catalog::{metric_charts, Values};
use crate::charts::Chart;
use crate::error::Diagnostic;
use crate::model::{Column, Numbers, Texts};
use crate::model::{
    Event, GetUserMediaCall, Interner, PeerConnection, Session, SourceInfo, StateChange,
    StatsObject,
};
use serde_json::Value;
use std::collections::BTreeMap;

const MAGIC: &[u8; 6] = b"RTCVW4";

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
        .map(|o| o.heap_bytes() + 12 * o.columns.len())
        .sum();
    out.reserve(columns);
    for o in s.peer_connections.iter().flat_map(|p| &p.stats) {
        put_object(&mut out, o);
    }
    let mut charts = metric_charts(s);
    let series = take_derived(&mut charts);
    out.extend_from_slice(&charts_header(
        &charts,
        series.iter().map(Vec::len).collect(),
    ));
    for v in &series {
        put_all(&mut out, v);
    }
    out
}

/// The charts' derived series, taken out in order (left empty in place).
fn take_derived(charts: &mut [Chart]) -> Vec<Vec<f32>> {
    charts
        .iter_mut()
        .flat_map(|c| &mut c.lines)
        .filter_map(|l| match &mut l.values {
            Values::Derived(v) => Some(std::mem::take(v)),
            Values::Column(_) => None,
        })
        .collect()
}

struct ChartsSkeleton {
    charts: Vec<Chart>,
    /// Length of each derived series, in order.
    series_lens: Vec<usize>,
}

fn charts_header(charts: &[Chart], series_lens: Vec<usize>) -> Vec<u8> {
    let skeleton = ChartsSkeleton {
        charts: charts.to_vec(),
        series_lens,
    };
    block(&skeleton, Vec::new())
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
    charts: Vec<Chart>,
    series: std::vec::IntoIter<Vec<f32>>,
    charts_sent: bool,
    /// The remaining columns of the object being encoded.
    columns: Option<std::collections::btree_map::IntoIter<String, Column>>,
}

impl Encoder {
    /// Builds the chart catalog (here, in the worker) and gets ready.
    pub fn new(session: Session, part_bytes: usize) -> Encoder {
        let mut charts = metric_charts(&session);
        let series = take_derived(&mut charts);
        Encoder {
            session,
            header_sent: false,
            pc: 0,
            obj: 0,
            part_bytes: part_bytes.max(1),
            charts,
            series: series.into_iter(),
            charts_sent: false,
            columns: None,
        }
    }

    /// The next part, `None` after the last.
    pub fn next_part(&mut self) -> Option<Vec<u8>> {
        if !self.header_sent {
            self.header_sent = true;
            return Some(header(&self.session));
        }
        let mut out: Vec<u8> = Vec::with_capacity(self.part_bytes.min(64 << 20));
        // Column by column: a million-row object would otherwise be one
        // part of a hundred MB, copied into the page in one task.
        while out.len() < self.part_bytes {
            if let Some(columns) = self.columns.as_mut() {
                match columns.next() {
                    Some((_, c)) => put_column(&mut out, &c),
                    None => self.columns = None,
                }
                continue;
            }
            let Some(pc) = self.session.peer_connections.get_mut(self.pc) else {
                break;
            };
            let Some(o) = pc.stats.get_mut(self.obj) else {
                self.pc += 1;
                self.obj = 0;
                continue;
            };
            let o = std::mem::take(o);
            put_all(&mut out, &o.times_ms);
            self.columns = Some(o.columns.into_iter());
            self.obj += 1;
        }
        if out.len() < self.part_bytes && !self.charts_sent {
            self.charts_sent = true;
            let lens = self.series.as_slice().iter().map(Vec::len).collect();
            out.extend_from_slice(&charts_header(&self.charts, lens));
            self.charts = Vec::new();
        }
        while out.len() < self.part_bytes && self.charts_sent {
            let Some(v) = self.series.next() else {
                break;
            };
            put_all(&mut out, &v);
        }
        (!out.is_empty()).then_some(out)
    }
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
    block(&skeleton, MAGIC.to_vec())
}

/// Appends `v` to `out` as a u64-length-prefixed block.
fn block(v: &impl Wire, mut out: Vec<u8>) -> Vec<u8> {
    let at = out.len();
    0u64.put(&mut out);
    v.encode(&mut out);
    let len = (out.len() - at - 8) as u64;
    if let Some(slot) = out.get_mut(at..at + 8) {
        slot.copy_from_slice(&len.to_le_bytes());
    }
    out
}

wire_struct!(Skeleton {
    source,
    user_agent,
    metadata,
    get_user_media,
    client_events,
    peer_connections,
    diagnostics,
    strings
});
wire_struct!(PcSkeleton {
    id,
    url,
    configuration,
    configuration_text,
    constraints,
    events,
    signaling_states,
    ice_connection_states,
    connection_states,
    ice_gathering_states,
    stats_polls,
    stats
});
wire_struct!(StatsSkeleton {
    id,
    stats_type,
    rows,
    columns
});
wire_struct!(ChartsSkeleton {
    charts,
    series_lens
});

/// Decodes a whole block; `None` unless it is exactly one `T`.
fn unblock<T: Wire>(bytes: &[u8]) -> Option<T> {
    let mut r = Reader { rest: bytes };
    let v = T::decode(&mut r)?;
    r.rest.is_empty().then_some(v)
}

fn put_object(out: &mut Vec<u8>, o: &StatsObject) {
    put_all(out, &o.times_ms);
    for c in o.columns.values() {
        put_column(out, c);
    }
}

fn put_column(out: &mut Vec<u8>, c: &Column) {
    match &c.numbers {
        n if n.is_empty() => {}
        Numbers::Const { value, .. } => value.put(out),
        Numbers::F32(v) => put_all(out, v),
        Numbers::F64(v) => put_all(out, v),
    }
    match &c.texts {
        t if t.is_empty() => {}
        Texts::Const { sym, .. } => sym.put(out),
        Texts::Syms(v) => put_all(out, v),
    }
}

/// A number written little-endian in the transfer.
trait Le: Copy + bytemuck::Pod {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    /// From exactly `SIZE` bytes (callers cut them so).
    fn read(bytes: &[u8]) -> Self;
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn read(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().unwrap_or([0; std::mem::size_of::<$t>()]))
            }
        }
    )*};
}

le!(f64, f32, u32, u64);

/// Appends a column as little-endian bytes: on little-endian machines
/// (wasm32, x86, ARM as configured everywhere we run) its memory already is
/// that, and is copied at once.
fn put_all<T: Le>(out: &mut Vec<u8>, v: &[T]) {
    if cfg!(target_endian = "little") {
        out.extend_from_slice(bytemuck::cast_slice(v));
    } else {
        for &x in v {
            x.put(out);
        }
    }
}

/// A column from little-endian bytes (a multiple of `T::SIZE`); the bytes
/// need not be aligned for `T`.
fn get_all<T: Le>(bytes: &[u8]) -> Vec<T> {
    if cfg!(target_endian = "little") {
        let mut v = vec![T::zeroed(); bytes.len() / T::SIZE];
        let dst: &mut [u8] = bytemuck::cast_slice_mut(&mut v);
        if let Some(src) = bytes.get(..dst.len()) {
            dst.copy_from_slice(src);
        }
        v
    } else {
        bytes.chunks_exact(T::SIZE).map(T::read).collect()
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

    fn one<T: Le>(&mut self) -> Option<T> {
        self.take(T::SIZE).map(T::read)
    }

    /// A u64-length-prefixed block: `Some(None)` while it has not all
    /// arrived, `None` for a length no buffer here can hold.
    fn block(&mut self) -> Option<Option<&'a [u8]>> {
        let Some(len) = self.one::<u64>() else {
            return Some(None);
        };
        Some(self.take(usize::try_from(len).ok()?))
    }

    fn array<T: Le>(&mut self, n: usize) -> Option<Vec<T>> {
        let bytes = self.take(n.checked_mul(T::SIZE)?)?;
        Some(get_all(bytes))
    }

    fn numbers(&mut self, tag: u8, rows: usize) -> Option<Numbers> {
        Some(match tag {
            NONE => Numbers::default(),
            CONST => Numbers::Const {
                value: self.one()?,
                len: rows,
            },
            F32 => Numbers::F32(self.array(rows)?),
            F64 => Numbers::F64(self.array(rows)?),
            _ => return None,
        })
    }

    fn texts(&mut self, tag: u8, rows: usize) -> Option<Texts> {
        Some(match tag {
            NONE => Texts::default(),
            CONST => Texts::Const {
                sym: self.one()?,
                len: rows,
            },
            SYMS => Texts::Syms(self.array(rows)?),
            _ => return None,
        })
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

/// A stats object being decoded: its remaining columns and its rows.
type PartialObject = (StatsObject, std::vec::IntoIter<(String, u8, u8)>, usize);

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
    /// The stats object being decoded: its remaining columns and rows.
    partial: Option<PartialObject>,
    /// The chart catalog, once its header arrived; its derived series are
    /// filled in as they arrive, at `slots` (chart, line) in order.
    charts: Option<Vec<Chart>>,
    slots: Vec<(usize, usize)>,
    series_lens: Vec<usize>,
    next_series: usize,
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
        let Some(bytes) = r.block()? else {
            return self.need_bytes();
        };
        let skeleton: Skeleton = unblock(bytes)?;
        self.pos = self.buf.len() - r.rest.len();
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

    /// Decodes up to `max_units` columns (a stats object's times count as
    /// one) of what has arrived.
    /// `None` on damaged input.
    pub fn step(&mut self, max_units: usize) -> Option<Progress> {
        if self.skeleton.is_none() {
            return self.start();
        }
        let mut budget = max_units.max(1);
        loop {
            if self.current.is_none() {
                match self.skeleton.as_mut()?.next() {
                    Some(mut pc) => {
                        let stats = std::mem::take(&mut pc.stats);
                        let n = stats.len();
                        self.current = Some((pc, stats.into_iter(), Vec::with_capacity(n)));
                    }
                    None => return self.step_charts(budget),
                }
            }
            // An object being decoded: one column per unit of work (a
            // million-row object is tens of MB: too much for one step).
            if let Some((obj, columns, rows)) = self.partial.as_mut() {
                let mut r = Reader {
                    rest: self.buf.get(self.pos..)?,
                };
                let before = r.rest.len();
                match columns.next() {
                    Some((name, numbers, texts)) => {
                        let col = Column {
                            numbers: r.numbers(numbers, *rows)?,
                            texts: r.texts(texts, *rows)?,
                        };
                        obj.columns.insert(name, col);
                        self.pos += before - r.rest.len();
                    }
                    None => {
                        let (obj, _, _) = self.partial.take()?;
                        let (_, _, built) = self.current.as_mut()?;
                        built.push(obj);
                    }
                }
                budget -= 1;
                if budget == 0 {
                    return Some(Progress::Working);
                }
                continue;
            }
            let (_, objects, _) = self.current.as_mut()?;
            match objects.as_slice().first() {
                Some(o) => {
                    // Started only once all its bytes are here.
                    if self.buf.len() - self.pos < object_len(o)? {
                        return (!self.ended).then_some(Progress::NeedBytes);
                    }
                    let o = objects.next()?;
                    let mut r = Reader {
                        rest: self.buf.get(self.pos..)?,
                    };
                    let before = r.rest.len();
                    let times = r.array(o.rows)?;
                    let obj = StatsObject::new(o.id, o.stats_type, times, BTreeMap::new());
                    self.pos += before - r.rest.len();
                    self.partial = Some((obj, o.columns.into_iter(), o.rows));
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

    /// The chart catalog after the stats objects: its header, then one
    /// derived series per unit of work.
    fn step_charts(&mut self, mut budget: usize) -> Option<Progress> {
        if self.charts.is_none() {
            let mut r = Reader {
                rest: self.unread(),
            };
            let Some(bytes) = r.block()? else {
                return self.need_bytes();
            };
            let sk: ChartsSkeleton = unblock(bytes)?;
            self.pos = self.buf.len() - r.rest.len();
            self.slots = sk
                .charts
                .iter()
                .enumerate()
                .flat_map(|(c, chart)| {
                    chart.lines.iter().enumerate().filter_map(move |(l, line)| {
                        matches!(line.values, Values::Derived(_)).then_some((c, l))
                    })
                })
                .collect();
            if self.slots.len() != sk.series_lens.len() {
                return None;
            }
            self.charts = Some(sk.charts);
            self.series_lens = sk.series_lens;
            return Some(Progress::Working);
        }
        loop {
            let k = self.next_series;
            let Some(&(c, l)) = self.slots.get(k) else {
                // Bytes beyond the catalog: not a transfer we wrote.
                return match (self.unread().is_empty(), self.ended) {
                    (true, true) => Some(Progress::Done),
                    (true, false) => Some(Progress::NeedBytes),
                    (false, _) => None,
                };
            };
            let n = *self.series_lens.get(k)?;
            let mut r = Reader {
                rest: self.unread(),
            };
            let Some(v) = r.array::<f32>(n) else {
                return self.need_bytes();
            };
            self.pos += n * 4;
            let line = self.charts.as_mut()?.get_mut(c)?.lines.get_mut(l)?;
            line.values = Values::Derived(v);
            self.next_series += 1;
            budget -= 1;
            if budget == 0 {
                return Some(Progress::Working);
            }
        }
    }

    /// The session, once a step returned `Done`.
    pub fn finish(self) -> Option<Session> {
        self.finish_with_charts().map(|(s, _)| s)
    }

    /// The session and the chart catalog the worker built, once a step
    /// returned `Done`.
    pub fn finish_with_charts(mut self) -> Option<(Session, Vec<Chart>)> {
        if !self.ended
            || !self.unread().is_empty()
            || self.current.is_some()
            || self.partial.is_some()
            || self.next_series != self.slots.len()
            || self.skeleton.as_mut()?.next().is_some()
        {
            return None;
        }
        let charts = self.charts.take()?;
        let rest = self.rest.take()?;
        let session = Session {
            source: rest.source,
            user_agent: rest.user_agent,
            metadata: rest.metadata,
            get_user_media: rest.get_user_media,
            client_events: rest.client_events,
            peer_connections: self.done,
            diagnostics: rest.diagnostics,
            strings: Interner::from_strings(rest.strings),
        };
        Some((session, charts))
    }
}
