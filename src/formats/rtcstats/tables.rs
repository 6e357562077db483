//! fileFormat 3 compression tables (formats.md 2.3 and 2.4). Codes are never
//! reassigned, so these are fixed; unknown codes pass through unchanged.

/// Method-name codes. `"g"` (a string) and `1` both mean getStats.
pub const METHODS: &[(u32, &str)] = &[
    (1, "getStats"),
    (2, "createOffer"),
    (3, "createOfferOnSuccess"),
    (4, "createAnswer"),
    (5, "createAnswerOnSuccess"),
    (6, "setLocalDescription"),
    (7, "setLocalDescriptionOnSuccess"),
    (8, "setRemoteDescription"),
    (9, "setRemoteDescriptionOnSuccess"),
    (10, "addIceCandidate"),
    (11, "addIceCandidateOnSuccess"),
    (12, "createOfferOnFailure"),
    (13, "createAnswerOnFailure"),
    (14, "setLocalDescriptionOnFailure"),
    (15, "setRemoteDescriptionOnFailure"),
    (16, "addIceCandidateOnFailure"),
    (20, "onicecandidate"),
    (21, "onicecandidateerror"),
    (22, "ontrack"),
    (23, "onsignalingstatechange"),
    (24, "oniceconnectionstatechange"),
    (25, "onconnectionstatechange"),
    (26, "onicegatheringstatechange"),
    (27, "onnegotiationneeded"),
    (28, "ondatachannel"),
    (30, "addTrack"),
    (31, "addTrackOnSuccess"),
    (32, "addTransceiver"),
    (33, "addTransceiverOnSuccess"),
    (34, "removeTrack"),
    (35, "createDataChannel"),
    (36, "close"),
    (37, "restartIce"),
    (38, "setConfiguration"),
    (39, "create"),
    (40, "constraints"),
    (41, "setCodecPreferences"),
    (42, "setHeaderExtensionsToNegotiate"),
    (50, "setParameters"),
    (51, "replaceTrack"),
    (60, "navigator.mediaDevices.getUserMedia"),
    (61, "navigator.mediaDevices.getUserMediaOnSuccess"),
    (63, "navigator.mediaDevices.getDisplayMedia"),
    (64, "navigator.mediaDevices.getDisplayMediaOnSuccess"),
    (65, "navigator.mediaDevices.getUserMediaOnFailure"),
    (66, "navigator.mediaDevices.enumerateDevices"),
    (67, "navigator.mediaDevices.ondevicechange"),
    (68, "navigator.mediaDevices.getDisplayMediaOnFailure"),
    (70, "MediaStreamTrack.stop"),
    (71, "MediaStreamTrack.applyConstraints"),
    (72, "MediaStreamTrack.onended"),
    (73, "MediaStreamTrack.onmute"),
    (74, "MediaStreamTrack.onunmute"),
    (80, "HTMLMediaElement.resize"),
];

pub fn method_name(code: u32) -> Option<&'static str> {
    METHODS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

pub fn method_code(name: &str) -> Option<u32> {
    METHODS
        .iter()
        .find(|(c, n)| *n == name && *c != 1)
        .map(|(c, _)| *c)
}

/// Stats `type` codes (only on a report's first appearance).
pub const STATS_TYPES: &[&str] = &[
    "inbound-rtp",
    "outbound-rtp",
    "remote-inbound-rtp",
    "remote-outbound-rtp",
    "transport",
    "candidate-pair",
    "local-candidate",
    "remote-candidate",
    "data-channel",
    "peer-connection",
    "certificate",
    "media-source",
    "media-playout",
    "codec",
];

pub fn stats_type_name(code: u64) -> Option<&'static str> {
    let i = usize::try_from(code).ok()?.checked_sub(1)?;
    STATS_TYPES.get(i).copied()
}

pub fn stats_type_code(name: &str) -> Option<u64> {
    STATS_TYPES
        .iter()
        .position(|t| *t == name)
        .map(|i| i as u64 + 1)
}

/// Property-name codes; `"t"` is the timestamp. Index = code (0..=176);
/// empty strings are unassigned.
pub const PROPERTIES: [&str; 177] = [
    "",
    "",
    "",
    "",
    "payloadType",
    "transportId",
    "mimeType",
    "clockRate",
    "channels",
    "sdpFmtpLine", // 0-9
    "ssrc",
    "kind",
    "codecId",
    "",
    "packetsReceived",
    "packetsLost",
    "jitter",
    "trackIdentifier",
    "mid",
    "remoteId", // 10-19
    "framesDecoded",
    "keyFramesDecoded",
    "framesDropped",
    "frameWidth",
    "frameHeight",
    "framesPerSecond",
    "qpSum",
    "totalDecodeTime",
    "totalInterFrameDelay",
    "totalSquaredInterFrameDelay", // 20-29
    "pauseCount",
    "totalPausesDuration",
    "freezeCount",
    "totalFreezesDuration",
    "lastPacketReceivedTimestamp",
    "headerBytesReceived",
    "packetsDiscarded",
    "fecPacketsReceived",
    "fecPacketsDiscarded",
    "fecBytesReceived", // 30-39
    "fecSsrc",
    "bytesReceived",
    "nackCount",
    "firCount",
    "pliCount",
    "totalProcessingDelay",
    "estimatedPlayoutTimestamp",
    "jitterBufferDelay",
    "jitterBufferTargetDelay",
    "jitterBufferEmittedCount", // 40-49
    "jitterBufferMinimumDelay",
    "totalSamplesReceived",
    "concealedSamples",
    "silentConcealedSamples",
    "concealmentEvents",
    "insertedSamplesForDeceleration",
    "removedSamplesForAcceleration",
    "audioLevel",
    "totalAudioEnergy",
    "totalSamplesDuration", // 50-59
    "framesReceived",
    "decoderImplementation",
    "playoutId",
    "powerEfficientDecoder",
    "framesAssembledFromMultiplePackets",
    "totalAssemblyTime",
    "contentType",
    "googTimingFrameInfo",
    "retransmittedPacketsReceived",
    "retransmittedBytesReceived", // 60-69
    "rtxSsrc",
    "totalCorruptionProbability",
    "totalSquaredCorruptionProbability",
    "corruptionMeasurements",
    "localId",
    "roundTripTime",
    "totalRoundTripTime",
    "fractionLost",
    "roundTripTimeMeasurements",
    "packetsSent", // 70-79
    "bytesSent",
    "mediaSourceId",
    "rid",
    "encodingIndex",
    "headerBytesSent",
    "retransmittedPacketsSent",
    "retransmittedBytesSent",
    "targetBitrate",
    "totalEncodedBytesTarget",
    "framesSent", // 80-89
    "hugeFramesSent",
    "framesEncoded",
    "keyFramesEncoded",
    "totalEncodeTime",
    "totalPacketSendDelay",
    "qualityLimitationReason",
    "qualityLimitationDurations",
    "qualityLimitationResolutionChanges",
    "encoderImplementation",
    "powerEfficientEncoder", // 90-99
    "active",
    "scalabilityMode",
    "remoteTimestamp",
    "reportsSent",
    "echoReturnLoss",
    "echoReturnLossEnhancement",
    "width",
    "height",
    "frames",
    "synthesizedSamplesDuration", // 100-109
    "synthesizedSamplesEvents",
    "totalPlayoutDelay",
    "totalSamplesCount",
    "dataChannelsOpened",
    "dataChannelsClosed",
    "label",
    "protocol",
    "dataChannelIdentifier",
    "state",
    "messagesSent", // 110-119
    "messagesReceived",
    "iceRole",
    "iceLocalUsernameFragment",
    "dtlsState",
    "iceState",
    "selectedCandidatePairId",
    "localCertificateId",
    "remoteCertificateId",
    "tlsVersion",
    "dtlsCipher", // 120-129
    "dtlsRole",
    "srtpCipher",
    "selectedCandidatePairChanges",
    "rtcpTransportStatsId",
    "address",
    "port",
    "candidateType",
    "priority",
    "url",
    "relayProtocol", // 130-139
    "foundation",
    "relatedAddress",
    "relatedPort",
    "usernameFragment",
    "tcpType",
    "networkType",
    "",
    "",
    "localCandidateId",
    "remoteCandidateId", // 140-149
    "nominated",
    "lastPacketSentTimestamp",
    "currentRoundTripTime",
    "availableOutgoingBitrate",
    "availableIncomingBitrate",
    "requestsReceived",
    "requestsSent",
    "responsesReceived",
    "responsesSent",
    "consentRequestsSent", // 150-159
    "packetsDiscardedOnSend",
    "bytesDiscardedOnSend",
    "",
    "fingerprint",
    "fingerprintAlgorithm",
    "base64Certificate",
    "issuerCertificateId",
    "psnrMeasurements",
    "psnrSum",
    "packetsReceivedWithEct1", // 160-169
    "packetsReceivedWithCe",
    "packetsReportedAsLost",
    "packetsReportedAsLostButRecovered",
    "packetsWithBleachedEct1Marking",
    "packetsSentWithEct1",
    "ccfbMessagesSent",
    "ccfbMessagesReceived", // 170-176
];

/// Long property name of a compressed key; `None` for keys that are not codes.
pub fn property_name(key: &str) -> Option<&'static str> {
    if key == "t" {
        return Some("timestamp");
    }
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 3 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let code: usize = key.parse().ok()?;
    PROPERTIES.get(code).copied().filter(|n| !n.is_empty())
}

/// Compressed key of a long property name (encoder side). Decode-only codes
/// (167 and up, marked † in the spec) are not used by current writers.
pub fn property_code(name: &str) -> Option<String> {
    if name == "timestamp" {
        return Some("t".into());
    }
    PROPERTIES
        .iter()
        .position(|n| *n == name)
        .filter(|&i| i < 167)
        .map(|i| i.to_string())
}

/// How fileFormat 3 keys name things, for the builder: property codes and
/// stats-type codes through the tables above, `"t"` the report's own time.
#[derive(Debug, Clone, Copy, Default)]
pub struct V3Names;

impl crate::build::KeyNames for V3Names {
    fn property(&self, key: &str) -> Option<&'static str> {
        property_name(key)
    }
    fn stats_type(&self, code: f64) -> Option<&'static str> {
        stats_type_name(code as u64)
    }
    fn is_time_key(&self, key: &str) -> bool {
        key == "t"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_spec_spot_checks() {
        assert_eq!(property_name("80"), Some("bytesSent"));
        assert_eq!(property_name("t"), Some("timestamp"));
        assert_eq!(property_name("148"), Some("localCandidateId"));
        assert_eq!(property_name("176"), Some("ccfbMessagesReceived"));
        assert_eq!(property_name("95"), Some("qualityLimitationReason"));
        assert_eq!(property_name("139"), Some("relayProtocol"));
        assert_eq!(property_name("13"), None);
        assert_eq!(property_name("bytesSent"), None);
        assert_eq!(
            method_name(65),
            Some("navigator.mediaDevices.getUserMediaOnFailure")
        );
        assert_eq!(method_name(62), None);
        assert_eq!(stats_type_name(14), Some("codec"));
        assert_eq!(stats_type_name(0), None);
        for (i, n) in PROPERTIES.iter().enumerate() {
            if !n.is_empty() {
                assert_eq!(
                    PROPERTIES.iter().position(|m| m == n),
                    Some(i),
                    "duplicate {n}"
                );
            }
        }
    }
}
