//! RTP streams of a peer connection and their derived metrics, for standard
//! (`inbound-rtp`/`outbound-rtp`) and legacy goog (`ssrc_*_send/recv`) stats.

use super::rates::{counter_deltas, delta_ratio, interval_loss_pct, numbers, rate_per_s, scaled};
use crate::model::{Interner, PeerConnection, StatsObject};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Direction {
    Inbound,
    Outbound,
}

/// One RTP stream (one stats object) with the links needed for its metrics.
#[derive(Debug, Clone)]
pub struct RtpStream<'a> {
    pub obj: &'a StatsObject,
    pub direction: Direction,
    /// `audio` / `video`.
    pub kind: Option<String>,
    pub ssrc: Option<u64>,
    /// Codec name (`VP8`, `opus`).
    pub codec: Option<String>,
    /// The far end's view: `remote-inbound-rtp` for an outbound stream,
    /// `remote-outbound-rtp` for an inbound one.
    pub remote: Option<&'a StatsObject>,
    /// Legacy goog stats.
    pub legacy: bool,
}

fn is_true(obj: &StatsObject, prop: &str, strings: &Interner) -> bool {
    obj.last_text(prop, strings) == Some("true")
}

fn kind_of(obj: &StatsObject, strings: &Interner) -> Option<String> {
    for p in ["kind", "mediaType"] {
        if let Some(k) = obj.last_text(p, strings) {
            return Some(k.to_string());
        }
    }
    let id = obj.id.to_ascii_lowercase();
    if id.contains("audio") {
        Some("audio".into())
    } else if id.contains("video") {
        Some("video".into())
    } else {
        None
    }
}

fn codec_of(pc: &PeerConnection, obj: &StatsObject, strings: &Interner) -> Option<String> {
    if let Some(name) = obj
        .last_text("googCodecName", strings)
        .filter(|n| !n.is_empty())
    {
        return Some(name.to_string());
    }
    let codec_id = obj.last_text("codecId", strings)?;
    let codec = pc.stats_object(codec_id)?;
    let mime = codec.last_text("mimeType", strings)?;
    let name = mime.split_once('/').map(|(_, s)| s).unwrap_or(mime);
    (!name.is_empty()).then(|| name.to_string())
}

/// The report on the far end's view of `obj`: linked by `remoteId`, by the
/// remote report's `localId`, or else by SSRC and type.
fn remote_of<'a>(
    pc: &'a PeerConnection,
    obj: &StatsObject,
    remote_type: &str,
    ssrc: Option<u64>,
    strings: &Interner,
) -> Option<&'a StatsObject> {
    if let Some(r) = obj
        .last_text("remoteId", strings)
        .and_then(|id| pc.stats_object(id))
    {
        return Some(r);
    }
    let of_type = |o: &&StatsObject| o.stats_type.as_deref() == Some(remote_type);
    pc.stats
        .iter()
        .filter(of_type)
        .find(|o| o.last_text("localId", strings) == Some(obj.id.as_str()))
        .or_else(|| {
            let ssrc = ssrc?;
            pc.stats
                .iter()
                .filter(of_type)
                .find(|o| o.last_number("ssrc").map(|s| s as u64) == Some(ssrc))
        })
}

/// The RTP streams of a peer connection, in stats-id order.
pub fn rtp_streams<'a>(pc: &'a PeerConnection, strings: &Interner) -> Vec<RtpStream<'a>> {
    let mut out = Vec::new();
    for obj in &pc.stats {
        let t = obj.stats_type.as_deref().unwrap_or("");
        let (direction, legacy) = match t {
            "inbound-rtp" => (Direction::Inbound, false),
            "outbound-rtp" => (Direction::Outbound, false),
            "ssrc" if obj.id.ends_with("_recv") => (Direction::Inbound, true),
            "ssrc" if obj.id.ends_with("_send") => (Direction::Outbound, true),
            _ => continue,
        };
        // Old Firefox reported RTCP-derived data as inbound-rtp with isRemote.
        if is_true(obj, "isRemote", strings) {
            continue;
        }
        // Old webrtc-internals (M86) kept the SSRC as text.
        let ssrc = obj
            .last_number("ssrc")
            .or_else(|| {
                obj.last_text("ssrc", strings)
                    .and_then(|t| t.parse::<f64>().ok())
            })
            .filter(|s| *s >= 0.0)
            .map(|s| s as u64);
        let remote = if legacy {
            None
        } else {
            let remote_type = match direction {
                Direction::Outbound => "remote-inbound-rtp",
                Direction::Inbound => "remote-outbound-rtp",
            };
            remote_of(pc, obj, remote_type, ssrc, strings)
        };
        out.push(RtpStream {
            obj,
            direction,
            kind: kind_of(obj, strings),
            ssrc,
            codec: codec_of(pc, obj, strings),
            remote,
            legacy,
        });
    }
    out
}

/// A derived series: values aligned to the time column of `obj` (the stream
/// itself, or the far end's report it was computed from).
#[derive(Debug, Clone, PartialEq)]
pub struct Derived<'a> {
    pub obj: &'a StatsObject,
    pub values: Vec<f64>,
}

impl Derived<'_> {
    pub fn times_ms(&self) -> &[f64] {
        &self.obj.times_ms
    }
}

impl<'a> RtpStream<'a> {
    fn own(&self, values: Vec<f64>) -> Derived<'a> {
        Derived {
            obj: self.obj,
            values,
        }
    }

    fn bytes_counter(&self) -> &'static str {
        match self.direction {
            Direction::Inbound => "bytesReceived",
            Direction::Outbound => "bytesSent",
        }
    }

    fn packets_counter(&self) -> &'static str {
        match self.direction {
            Direction::Inbound => "packetsReceived",
            Direction::Outbound => "packetsSent",
        }
    }

    /// Payload bitrate, kbit/s.
    pub fn bitrate_kbps(&self) -> Derived<'a> {
        self.own(rate_per_s(self.obj, self.bytes_counter(), 8.0 / 1000.0))
    }

    /// Packets per second.
    pub fn packet_rate(&self) -> Derived<'a> {
        self.own(rate_per_s(self.obj, self.packets_counter(), 1.0))
    }

    /// Interval packet loss %. Inbound: from own counters. Outbound: from the
    /// far end's `remote-inbound-rtp.packetsLost` (legacy: own `packetsLost`)
    /// against our `packetsSent`.
    pub fn loss_pct(&self) -> Option<Derived<'a>> {
        match self.direction {
            Direction::Inbound => Some(self.own(interval_loss_pct(
                self.obj,
                "packetsLost",
                "packetsReceived",
            ))),
            Direction::Outbound if self.legacy => {
                Some(self.own(interval_loss_pct(self.obj, "packetsLost", "packetsSent")))
            }
            Direction::Outbound => {
                let r = self.remote?;
                // remote-inbound-rtp has packetsLost and (Chrome) packetsReceived
                // is absent; use fractionLost where the counter is missing.
                if numbers(r, "packetsLost").is_some() && numbers(r, "packetsReceived").is_some() {
                    Some(Derived {
                        obj: r,
                        values: interval_loss_pct(r, "packetsLost", "packetsReceived"),
                    })
                } else {
                    Some(Derived {
                        obj: r,
                        values: scaled(r, "fractionLost", 100.0),
                    })
                }
            }
        }
    }

    /// Loss over the whole stream, %, from the last cumulative counters.
    pub fn total_loss_pct(&self) -> Option<f64> {
        let (lost, base) = match (self.direction, self.legacy) {
            (Direction::Inbound, _) => {
                let lost = self.obj.last_number("packetsLost")?.max(0.0);
                (lost, self.obj.last_number("packetsReceived")? + lost)
            }
            (Direction::Outbound, true) => (
                self.obj.last_number("packetsLost")?.max(0.0),
                self.obj.last_number("packetsSent")?,
            ),
            (Direction::Outbound, false) => (
                self.remote?.last_number("packetsLost")?.max(0.0),
                self.obj.last_number("packetsSent")?,
            ),
        };
        (base > 0.0).then(|| (100.0 * lost / base).min(100.0))
    }

    /// Jitter, ms: inbound-rtp's own; for a sender, the far end's (remote-inbound-rtp).
    pub fn jitter_ms(&self) -> Option<Derived<'a>> {
        if self.legacy {
            return numbers(self.obj, "googJitterReceived")
                .map(|_| self.own(scaled(self.obj, "googJitterReceived", 1.0)));
        }
        let src = match self.direction {
            Direction::Inbound => self.obj,
            Direction::Outbound => self.remote?,
        };
        numbers(src, "jitter")?;
        Some(Derived {
            obj: src,
            values: scaled(src, "jitter", 1000.0),
        })
    }

    /// Round-trip time, ms, from RTCP (remote-inbound-rtp / remote-outbound-rtp).
    pub fn rtt_ms(&self) -> Option<Derived<'a>> {
        if self.legacy {
            return numbers(self.obj, "googRtt")
                .map(|_| self.own(scaled(self.obj, "googRtt", 1.0)));
        }
        let r = self.remote?;
        numbers(r, "roundTripTime")?;
        Some(Derived {
            obj: r,
            values: scaled(r, "roundTripTime", 1000.0),
        })
    }

    /// Frames per second: the reported `framesPerSecond`, else from frame counters.
    pub fn fps(&self) -> Option<Derived<'a>> {
        if self.legacy {
            let p = match self.direction {
                Direction::Inbound => "googFrameRateReceived",
                Direction::Outbound => "googFrameRateSent",
            };
            return numbers(self.obj, p).map(|_| self.own(scaled(self.obj, p, 1.0)));
        }
        if numbers(self.obj, "framesPerSecond").is_some() {
            return Some(self.own(scaled(self.obj, "framesPerSecond", 1.0)));
        }
        let counter = match self.direction {
            Direction::Inbound => "framesDecoded",
            Direction::Outbound => "framesEncoded",
        };
        numbers(self.obj, counter)?;
        Some(self.own(rate_per_s(self.obj, counter, 1.0)))
    }

    /// Audible concealment over each interval, % of the samples received:
    /// concealed minus silent-concealed samples (concealment during silence
    /// is inaudible) against `totalSamplesReceived`.
    pub fn concealment_pct(&self) -> Option<Derived<'a>> {
        numbers(self.obj, "concealedSamples")?;
        let concealed = counter_deltas(self.obj, "concealedSamples");
        let silent = counter_deltas(self.obj, "silentConcealedSamples");
        let total = counter_deltas(self.obj, "totalSamplesReceived");
        let values = concealed
            .iter()
            .zip(&total)
            .enumerate()
            .map(|(i, (c, t))| {
                let s = silent
                    .get(i)
                    .copied()
                    .filter(|x| x.is_finite())
                    .unwrap_or(0.0);
                if *t > 0.0 {
                    100.0 * (c - s).max(0.0) / t
                } else {
                    f64::NAN
                }
            })
            .collect();
        Some(self.own(values))
    }

    /// Average jitter-buffer delay per emitted sample/frame over each interval, ms.
    pub fn jitter_buffer_delay_ms(&self) -> Option<Derived<'a>> {
        numbers(self.obj, "jitterBufferDelay")?;
        Some(self.own(delta_ratio(
            self.obj,
            "jitterBufferDelay",
            "jitterBufferEmittedCount",
            1000.0,
        )))
    }

    /// Decode time per decoded frame, ms.
    pub fn decode_ms_per_frame(&self) -> Option<Derived<'a>> {
        numbers(self.obj, "totalDecodeTime")?;
        Some(self.own(delta_ratio(
            self.obj,
            "totalDecodeTime",
            "framesDecoded",
            1000.0,
        )))
    }

    /// Last known resolution.
    pub fn frame_size(&self) -> (Option<f64>, Option<f64>) {
        if self.legacy {
            let (w, h) = match self.direction {
                Direction::Inbound => ("googFrameWidthReceived", "googFrameHeightReceived"),
                Direction::Outbound => ("googFrameWidthSent", "googFrameHeightSent"),
            };
            return (self.obj.last_number(w), self.obj.last_number(h));
        }
        (
            self.obj.last_number("frameWidth"),
            self.obj.last_number("frameHeight"),
        )
    }
}

/// The candidate pair in use at the end of the session.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SelectedPair {
    pub local_type: Option<String>,
    pub remote_type: Option<String>,
    pub protocol: Option<String>,
    pub relay_protocol: Option<String>,
}

/// Normalizes candidate type spellings (Firefox `serverreflexive`, legacy
/// goog `local`/`stun`) to the standard `host`/`srflx`/`prflx`/`relay`.
fn candidate_type(t: &str) -> String {
    match t {
        "local" | "host" => "host",
        "stun" | "serverreflexive" | "srflx" => "srflx",
        "peerreflexive" | "prflx" => "prflx",
        "relay" | "relayed" => "relay",
        other => other,
    }
    .to_string()
}

pub fn selected_candidate_pair(pc: &PeerConnection, strings: &Interner) -> Option<SelectedPair> {
    let pair = pc
        .stats
        .iter()
        .filter(|o| o.stats_type.as_deref() == Some("transport"))
        .filter_map(|t| t.last_text("selectedCandidatePairId", strings))
        .find_map(|id| pc.stats_object(id))
        .or_else(|| {
            pc.stats
                .iter()
                .filter(|o| o.stats_type.as_deref() == Some("candidate-pair"))
                .find(|o| is_true(o, "selected", strings))
        });
    if let Some(pair) = pair {
        let local = pair
            .last_text("localCandidateId", strings)
            .and_then(|id| pc.stats_object(id));
        let remote = pair
            .last_text("remoteCandidateId", strings)
            .and_then(|id| pc.stats_object(id));
        let text = |o: Option<&StatsObject>, p: &str| {
            o.and_then(|o| o.last_text(p, strings)).map(str::to_string)
        };
        return Some(SelectedPair {
            local_type: text(local, "candidateType").map(|t| candidate_type(&t)),
            remote_type: text(remote, "candidateType").map(|t| candidate_type(&t)),
            protocol: text(local, "protocol").or_else(|| text(local, "transport")),
            relay_protocol: text(local, "relayProtocol"),
        });
    }
    let legacy = pc
        .stats
        .iter()
        .filter(|o| o.stats_type.as_deref() == Some("googCandidatePair"))
        .find(|o| is_true(o, "googActiveConnection", strings))?;
    let text = |p: &str| legacy.last_text(p, strings).map(str::to_string);
    Some(SelectedPair {
        local_type: text("googLocalCandidateType").map(|t| candidate_type(&t)),
        remote_type: text("googRemoteCandidateType").map(|t| candidate_type(&t)),
        protocol: text("googTransportType"),
        relay_protocol: None,
    })
}
