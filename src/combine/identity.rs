//! What identifies one RTCPeerConnection across dumps, read from the model
//! only: the SSRCs it sends and receives, its ICE username fragments and
//! its DTLS certificate fingerprints, each split into this end's (local)
//! and the far end's (remote). Two dumps of the same connection share the
//! local sets; the two ends of a connection mirror them (one's local is
//! the other's remote).

use crate::metrics::{rtp_streams, Direction};
use crate::model::{Interner, PeerConnection};
use std::collections::BTreeSet;

/// One peer connection's identity. Every set may be empty: an old dump
/// without SDP or a connection that never negotiated says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    /// SSRC -> kind, of `outbound-rtp` (this end sends).
    pub sent: Vec<(u64, Option<String>)>,
    /// SSRC -> kind, of `inbound-rtp` (this end receives).
    pub received: Vec<(u64, Option<String>)>,
    pub local_ufrags: BTreeSet<String>,
    pub remote_ufrags: BTreeSet<String>,
    /// Upper-case hex, without the algorithm.
    pub local_fingerprints: BTreeSet<String>,
    pub remote_fingerprints: BTreeSet<String>,
}

impl Identity {
    pub fn of(pc: &PeerConnection, strings: &Interner) -> Identity {
        let mut id = Identity::default();
        for s in rtp_streams(pc, strings) {
            let Some(ssrc) = s.ssrc else { continue };
            let list = match s.direction {
                Direction::Outbound => &mut id.sent,
                Direction::Inbound => &mut id.received,
            };
            if !list.iter().any(|(x, _)| *x == ssrc) {
                list.push((ssrc, s.kind.clone()));
            }
        }
        // Descriptions: every local and remote SDP the log holds (an ICE
        // restart adds ufrags; each of them identifies the connection).
        for e in &pc.events {
            let local = match e.name.as_str() {
                "setLocalDescription"
                | "createOfferOnSuccess"
                | "createAnswerOnSuccess"
                | "setLocalDescriptionOnSuccess" => true,
                "setRemoteDescription" => false,
                _ => continue,
            };
            let Some(sdp) = e.value.get("sdp").and_then(|v| v.as_str()) else {
                continue;
            };
            let (ufrags, fingerprints) = if local {
                (&mut id.local_ufrags, &mut id.local_fingerprints)
            } else {
                (&mut id.remote_ufrags, &mut id.remote_fingerprints)
            };
            for line in sdp.lines() {
                if let Some(u) = line.strip_prefix("a=ice-ufrag:") {
                    ufrags.insert(u.trim().to_string());
                } else if let Some(f) = line.strip_prefix("a=fingerprint:") {
                    if let Some((_, hex)) = f.trim().split_once(' ') {
                        fingerprints.insert(hex.trim().to_ascii_uppercase());
                    }
                }
            }
        }
        // Transports: the ufrag and certificates in use, for dumps whose
        // log lost its descriptions.
        for t in pc
            .stats
            .iter()
            .filter(|o| o.stats_type.as_deref() == Some("transport"))
        {
            if let Some(u) = t.last_text("iceLocalUsernameFragment", strings) {
                id.local_ufrags.insert(u.to_string());
            }
            for (prop, set) in [
                ("localCertificateId", &mut id.local_fingerprints),
                ("remoteCertificateId", &mut id.remote_fingerprints),
            ] {
                let fp = t
                    .last_text(prop, strings)
                    .and_then(|c| pc.stats_object(c))
                    .and_then(|c| c.last_text("fingerprint", strings));
                if let Some(fp) = fp {
                    set.insert(fp.to_ascii_uppercase());
                }
            }
        }
        id
    }

    pub fn is_empty(&self) -> bool {
        self.sent.is_empty()
            && self.received.is_empty()
            && self.local_ufrags.is_empty()
            && self.local_fingerprints.is_empty()
    }

    /// What says `self` and `other` are the same connection seen twice:
    /// a shared local ufrag, certificate or sent SSRC. Empty: not the same.
    pub fn same_as(&self, other: &Identity) -> Vec<&'static str> {
        let mut why = Vec::new();
        if shares(&self.local_ufrags, &other.local_ufrags) {
            why.push("ice-ufrag");
        }
        if shares(&self.local_fingerprints, &other.local_fingerprints)
            && (self.remote_fingerprints.is_empty()
                || other.remote_fingerprints.is_empty()
                || shares(&self.remote_fingerprints, &other.remote_fingerprints))
        {
            why.push("dtls-fingerprint");
        }
        if self
            .sent
            .iter()
            .any(|(s, _)| other.sent.iter().any(|(o, _)| o == s))
        {
            why.push("ssrc");
        }
        why
    }

    /// What says `self` and `other` are the two ends of one connection:
    /// one's local ufrag or certificate is the other's remote one (a
    /// direct connection), and SSRCs one sends the other receives (also
    /// true through a media server that keeps SSRCs).
    pub fn mirrors(&self, other: &Identity) -> Vec<&'static str> {
        let mut why = Vec::new();
        if shares(&self.local_ufrags, &other.remote_ufrags)
            && shares(&self.remote_ufrags, &other.local_ufrags)
        {
            why.push("ice-ufrag");
        }
        if shares(&self.local_fingerprints, &other.remote_fingerprints)
            && shares(&self.remote_fingerprints, &other.local_fingerprints)
        {
            why.push("dtls-fingerprint");
        }
        let crossed = |a: &[(u64, Option<String>)], b: &[(u64, Option<String>)]| {
            a.iter().any(|(s, _)| b.iter().any(|(o, _)| o == s))
        };
        if crossed(&self.sent, &other.received) || crossed(&self.received, &other.sent) {
            why.push("ssrc");
        }
        why
    }
}

fn shares(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    a.iter().any(|x| b.contains(x))
}
