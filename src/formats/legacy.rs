//! Legacy (callback `getStats`, "goog") reports: one rule for both dump
//! families. Their values are text ("123"), their ids carry the kind
//! (`ssrc_1234_send`, `Conn-audio-1-0`), and a dump holding them is read
//! with the legacy names (`googRtt`, `packetsLost` as text ...).

/// Id prefixes libwebrtc gave legacy reports. The rtcstats importer checked
/// three of these and the webrtc-internals importer seven: both now use
/// them all.
pub const LEGACY_ID_PREFIXES: &[&str] = &[
    "ssrc_",
    "bweforvideo",
    "Conn-",
    "Channel-",
    "Cand-",
    "googTrack_",
    "googLibjingleSession",
    "googCertificate",
];

/// Report types of legacy reports.
pub const LEGACY_TYPES: &[&str] = &[
    "ssrc",
    "VideoBwe",
    "googCandidatePair",
    "localcandidate",
    "remotecandidate",
    "googComponent",
    "googTrack",
    "googLibjingleSession",
    "googCertificate",
];

/// Whether a report id is a legacy report's.
pub fn is_legacy_id(id: &str) -> bool {
    LEGACY_ID_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// Whether a report is legacy: by its type when it has one, else by its id.
pub fn is_legacy_report(id: &str, report_type: Option<&str>) -> bool {
    match report_type {
        Some(t) => LEGACY_TYPES.contains(&t),
        None => is_legacy_id(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_by_type_else_by_id() {
        assert!(is_legacy_report("x", Some("ssrc")));
        assert!(!is_legacy_report("ssrc_1_send", Some("outbound-rtp")));
        for id in [
            "ssrc_1_send",
            "Conn-audio-1-0",
            "Channel-audio-1",
            "Cand-abc",
            "bweforvideo",
        ] {
            assert!(is_legacy_report(id, None), "{id}");
        }
        for id in ["RTCInboundRTPAudioStream_1", "IT01A1234", "{8a9c}"] {
            assert!(!is_legacy_report(id, None), "{id}");
        }
    }
}
