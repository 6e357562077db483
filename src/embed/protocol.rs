//! The iframe side of the embed protocol, as a pure state machine.
//!
//! The page hands every `message` event to [`Embed::on_message`] (with the
//! sender's origin and whether it is the parent window) and carries out the
//! returned [`Action`]s; after an import it calls [`Embed::admit`]. Nothing
//! here touches the browser, so every rule is unit-tested.
//!
//! Rules: only the parent window at an origin listed exactly in
//! `allowedOrigins` is heard; after a login only that origin is heard, and
//! only it is ever sent data. Before a valid login nothing of a session is
//! shown. Messages are JSON text (objects are accepted; the page serializes
//! them, keeping an ArrayBuffer aside).

use super::auth::{AuthCode, Claims, TokenVerifier};
use super::config::EmbedConfig;
use crate::model::Session;
use serde::Serialize;
use serde_json::{json, Value};

/// The longest message text accepted (a session comes as a URL or an
/// ArrayBuffer, never as text): longer ones are dropped unread. The page
/// drops them before copying them into wasm (`EmbedSession.maxMessageBytes`).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// What the page must do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "do", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Action {
    /// `parent.postMessage(message, origin)`; `message` is sent as JSON text
    /// (or the plain string for `PONG`).
    Post { origin: String, message: Value },
    /// Stop announcing `ready.v1`.
    StopReady,
    /// Fetch and import `url`, with `Authorization: Bearer <bearer>` when
    /// given: the verified login's token, only for a URL whose origin is in
    /// `dataOrigins`. The page keeps no token of its own.
    Fetch { url: String, bearer: Option<Bearer> },
    /// Import the ArrayBuffer that came with this message.
    ImportBuffer { name: String },
    /// Remove everything shown and stop any load in flight (its result,
    /// should it still arrive, is dropped): a logout or a new login never
    /// shows what the previous login fetched.
    Clear,
    /// Show the admitted session.
    Show,
    /// Scroll to a peer connection / stream.
    Select {
        pc: Option<String>,
        stream: Option<String>,
    },
    /// Set the time range (unix ms).
    Zoom { t0_ms: f64, t1_ms: f64 },
}

/// The most sessions one `load.v1` may ask for together (`data.urls`: both
/// ends of a call; the page imports the `Fetch` actions of one message
/// together and admits them with [`EmbedProtocol::admit_several`]).
pub const MAX_SOURCES: usize = 8;

/// A verified login's token, held only to be sent to the data origins.
/// Its `Debug` shows nothing of it, so no `{:?}` of an action or of the
/// session state can log it.
#[derive(Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Bearer(String);

impl Bearer {
    pub fn new(token: &str) -> Bearer {
        Bearer(token.to_string())
    }
}

impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bearer(•••)")
    }
}

#[derive(Debug)]
enum Phase {
    WaitingForLogin,
    LoggedIn { origin: String, claims: Claims },
    Showing { origin: String, claims: Claims },
}

#[derive(Debug)]
pub struct Embed {
    verifier: TokenVerifier,
    phase: Phase,
    /// The token of the current login (none while waiting for one).
    token: Option<Bearer>,
    /// The last admission's masking re-sorted some connection's stats
    /// objects (their ids changed): what refers to them by position (the
    /// page's chart catalog) must be rebuilt.
    reordered: bool,
}

fn msg(name: &str, data: Option<Value>) -> Value {
    match data {
        Some(d) => json!({"msg": name, "data": d}),
        None => json!({"msg": name}),
    }
}

/// The error message sent to the host: `error.v1` with a code.
pub fn error_message(code: &str, message: &str) -> Value {
    msg("error.v1", Some(json!({"code": code, "message": message})))
}

impl Embed {
    pub fn new(config: EmbedConfig) -> Self {
        Embed {
            verifier: TokenVerifier::new(config),
            phase: Phase::WaitingForLogin,
            token: None,
            reordered: false,
        }
    }

    /// See the `reordered` field.
    pub fn stats_reordered(&self) -> bool {
        self.reordered
    }

    /// Where `ready.v1` goes: each allowed origin (the browser delivers only
    /// to a parent at that origin, so nothing is broadcast with `*`).
    pub fn ready_targets(&self) -> Vec<String> {
        match self.phase {
            Phase::WaitingForLogin => self.verifier.config().allowed_origins.clone(),
            _ => Vec::new(),
        }
    }

    pub fn ready_message() -> Value {
        msg("ready.v1", None)
    }

    fn verified_origin(&self) -> Option<&str> {
        match &self.phase {
            Phase::WaitingForLogin => None,
            Phase::LoggedIn { origin, .. } | Phase::Showing { origin, .. } => Some(origin),
        }
    }

    /// Handles one `message` event. `text` is the message as JSON text (or a
    /// bare string such as `PING`); `has_buffer` says an ArrayBuffer came in
    /// `data.buffer`.
    pub fn on_message(
        &mut self,
        text: &str,
        has_buffer: bool,
        origin: &str,
        from_parent: bool,
        now_s: f64,
    ) -> Vec<Action> {
        if !from_parent
            || !self.verifier.config().origin_allowed(origin)
            || text.len() > MAX_MESSAGE_BYTES
        {
            return Vec::new();
        }
        if self.verified_origin().is_some_and(|o| o != origin) {
            return Vec::new();
        }
        let reply = |m: Value| Action::Post {
            origin: origin.to_string(),
            message: m,
        };
        if text.trim() == "PING" {
            return vec![reply(Value::String("PONG".into()))];
        }
        let parsed: Value = match serde_json::from_slice(text.as_bytes()) {
            // Messages are JSON text; a JSON string inside is accepted too.
            Ok(Value::String(s)) => {
                serde_json::from_slice(s.as_bytes()).unwrap_or(Value::String(s))
            }
            Ok(v) => v,
            Err(_) => return Vec::new(),
        };
        if parsed.as_str() == Some("PING") {
            return vec![reply(Value::String("PONG".into()))];
        }
        let name = parsed.get("msg").and_then(Value::as_str).unwrap_or("");
        let data = parsed.get("data");
        // A login lasts until its token expires (plus the leeway): then
        // every command is refused and whatever it showed is cleared.
        let expired = match &self.phase {
            Phase::LoggedIn { claims, .. } | Phase::Showing { claims, .. } => {
                now_s > claims.expires_s + self.verifier.config().leeway_seconds as f64
            }
            Phase::WaitingForLogin => false,
        };
        if expired && matches!(name, "load.v1" | "select.v1" | "zoom.v1") {
            self.phase = Phase::WaitingForLogin;
            self.token = None;
            return vec![
                Action::Clear,
                reply(error_message(
                    AuthCode::TokenExpired.as_str(),
                    "the login's token has expired: log in again (login.v1)",
                )),
            ];
        }
        match name {
            "login.v1" => {
                let Some(token) = data.and_then(Value::as_str) else {
                    return vec![reply(error_message(
                        AuthCode::TokenInvalid.as_str(),
                        "login.v1 carries no token",
                    ))];
                };
                let verified = self.verifier.verify(token, now_s).and_then(|c| {
                    if self
                        .verifier
                        .config()
                        .issuer_may_log_in_from(&c.issuer, origin)
                    {
                        Ok(c)
                    } else {
                        Err(super::AuthError {
                            code: AuthCode::Issuer,
                            message: format!(
                                "tokens of issuer \"{}\" are not accepted from {origin}",
                                c.issuer
                            ),
                        })
                    }
                });
                match verified {
                    Ok(claims) => {
                        let url = claims.session_url.clone();
                        self.phase = Phase::LoggedIn {
                            origin: origin.to_string(),
                            claims,
                        };
                        self.token = Some(Bearer::new(token));
                        let mut out = vec![Action::StopReady, Action::Clear];
                        if let Some(u) = url {
                            out.push(self.fetch(&u));
                        }
                        out
                    }
                    Err(e) => {
                        // A failed login logs out: nothing stays shown.
                        self.phase = Phase::WaitingForLogin;
                        self.token = None;
                        vec![
                            Action::Clear,
                            reply(error_message(e.code.as_str(), &e.message)),
                        ]
                    }
                }
            }
            "logout.v1" => {
                self.phase = Phase::WaitingForLogin;
                self.token = None;
                vec![Action::Clear]
            }
            "load.v1" => {
                if matches!(self.phase, Phase::WaitingForLogin) {
                    return vec![reply(error_message(
                        AuthCode::TokenInvalid.as_str(),
                        "log in (login.v1) before loading a session",
                    ))];
                }
                if has_buffer {
                    let name = data
                        .and_then(|d| d.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or("session")
                        .to_string();
                    return vec![Action::ImportBuffer { name }];
                }
                if let Some(urls) = data.and_then(|d| d.get("urls")).and_then(Value::as_array) {
                    let urls: Vec<&str> = urls.iter().filter_map(Value::as_str).collect();
                    return if (1..=MAX_SOURCES).contains(&urls.len()) {
                        urls.iter().map(|u| self.fetch(u)).collect()
                    } else {
                        vec![reply(error_message(
                            FETCH_FAILED,
                            &format!("load.v1 data.urls takes 1 to {MAX_SOURCES} URLs (text)"),
                        ))]
                    };
                }
                match data.and_then(|d| d.get("url")).and_then(Value::as_str) {
                    Some(u) => vec![self.fetch(u)],
                    None => vec![reply(error_message(
                        FETCH_FAILED,
                        "load.v1 needs data.url or data.buffer",
                    ))],
                }
            }
            "select.v1" if matches!(self.phase, Phase::Showing { .. }) => {
                let s = |k: &str| {
                    data.and_then(|d| d.get(k))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                vec![Action::Select {
                    pc: s("peerConnection").or_else(|| s("pc")),
                    stream: s("stream"),
                }]
            }
            "zoom.v1" if matches!(self.phase, Phase::Showing { .. }) => {
                let n = |k: &str| data.and_then(|d| d.get(k)).and_then(Value::as_f64);
                match (
                    n("t0Ms").or_else(|| n("from")),
                    n("t1Ms").or_else(|| n("to")),
                ) {
                    (Some(a), Some(b)) if b > a => vec![Action::Zoom { t0_ms: a, t1_ms: b }],
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn fetch(&self, url: &str) -> Action {
        Action::Fetch {
            url: url.to_string(),
            bearer: self.bearer_for(url),
        }
    }

    /// The login's token for `url`: only when its origin is a data origin.
    fn bearer_for(&self, url: &str) -> Option<Bearer> {
        self.token
            .clone()
            .filter(|_| self.verifier.config().data_origin_allowed(url))
    }

    /// An import finished: applies the token's filter (else `forbidden`,
    /// nothing shown) and masking (without `read:deobfuscated`), then shows
    /// the session and reports `statsReady.v1` with its summary.
    pub fn admit(&mut self, session: &mut Session) -> Vec<Action> {
        self.admit_with_summary(session, None)
    }

    /// [`Self::admit`], given the session's summary as imported (the
    /// worker computes it): when addresses are masked, its strings are
    /// masked instead of summarizing the masked session again, a pass over
    /// every sample that is a long task on the main thread for a big dump.
    /// The two agree (tests/embed.rs checks it on every public dump).
    pub fn admit_with_summary(
        &mut self,
        session: &mut Session,
        summary: Option<Value>,
    ) -> Vec<Action> {
        let phase = std::mem::replace(&mut self.phase, Phase::WaitingForLogin);
        let (origin, claims) = match phase {
            Phase::LoggedIn { origin, claims } | Phase::Showing { origin, claims } => {
                (origin, claims)
            }
            Phase::WaitingForLogin => return vec![Action::Clear],
        };
        if let Some(filter) = &claims.filter {
            if let Err(key) = super::filter::check(filter, session) {
                let m = error_message(AuthCode::Forbidden.as_str(), &forbidden_message(&key));
                self.phase = Phase::LoggedIn {
                    origin: origin.clone(),
                    claims,
                };
                return vec![Action::Clear, Action::Post { origin, message: m }];
            }
        }
        let mask = !claims.may_see_addresses();
        self.reordered = mask && super::mask::mask_session(session);
        let summary = match summary {
            Some(mut s) => {
                if mask {
                    super::mask::mask_value(&mut s);
                }
                s
            }
            // Through text, not `to_value`: the summary's types then need one
            // serializer in the wasm build, not two.
            None => serde_json::to_vec(&crate::summary::summarize(session))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null),
        };
        self.show(origin, claims, summary)
    }

    /// Shows what was admitted and reports `summary` as `statsReady.v1` to
    /// the verified origin.
    fn show(&mut self, origin: String, claims: Claims, summary: Value) -> Vec<Action> {
        self.phase = Phase::Showing {
            origin: origin.clone(),
            claims,
        };
        vec![
            Action::Show,
            Action::Post {
                origin,
                message: msg("statsReady.v1", Some(summary)),
            },
        ]
    }

    /// Several sessions (`load.v1` `data.urls`) were imported together and
    /// each was admitted ([`Self::admit`]: filter and masking, its own
    /// `statsReady.v1` not sent); `doc` is the document of them all.
    /// Reports `statsReady.v1` with it, masked as the login requires.
    pub fn admit_several(&mut self, mut doc: Value) -> Vec<Action> {
        let phase = std::mem::replace(&mut self.phase, Phase::WaitingForLogin);
        let (origin, claims) = match phase {
            Phase::LoggedIn { origin, claims } | Phase::Showing { origin, claims } => {
                (origin, claims)
            }
            Phase::WaitingForLogin => return vec![Action::Clear],
        };
        if !claims.may_see_addresses() {
            super::mask::mask_value(&mut doc);
        }
        self.show(origin, claims, doc)
    }

    /// An import or fetch failed (`what`: see [`code_for_failure`]):
    /// `error.v1` with `fetch_failed`, `not_a_dump` or `too_large`.
    pub fn failed(&mut self, what: &str, message: &str) -> Vec<Action> {
        let code = code_for_failure(what);
        match self.verified_origin() {
            Some(o) => vec![
                Action::Clear,
                Action::Post {
                    origin: o.to_string(),
                    message: error_message(code, message),
                },
            ],
            None => vec![Action::Clear],
        }
    }

    /// `resize.v1` to the verified origin (nothing before a login).
    pub fn resized(&self, height_px: f64) -> Vec<Action> {
        match self.verified_origin() {
            Some(o) => vec![Action::Post {
                origin: o.to_string(),
                message: msg("resize.v1", Some(json!({"height": height_px}))),
            }],
            None => Vec::new(),
        }
    }

    /// Whether addresses must be masked for the current login.
    pub fn masking(&self) -> bool {
        match &self.phase {
            Phase::LoggedIn { claims, .. } | Phase::Showing { claims, .. } => {
                !claims.may_see_addresses()
            }
            Phase::WaitingForLogin => true,
        }
    }
}

/// The protocol's error code for a failed load, from what failed: an
/// import error's kind (`Kind::as_str`, the name of the JS `Error` the
/// importer throws) or `fetch_failed`. The one mapping: the page passes
/// what failed and never picks a code itself.
pub fn code_for_failure(what: &str) -> &'static str {
    match what {
        FETCH_FAILED => FETCH_FAILED,
        TOO_LARGE => TOO_LARGE,
        _ => NOT_A_DUMP,
    }
}

const FETCH_FAILED: &str = "fetch_failed";
/// Why the login's filter refuses a session (`key`: the metadata key).
pub fn forbidden_message(key: &str) -> String {
    format!("this session's {key} is not one the token allows")
}

const NOT_A_DUMP: &str = "not_a_dump";
const TOO_LARGE: &str = "too_large";

/// The `error.v1` codes of a failed load (the others are [`AuthCode`]s).
pub const LOAD_FAILURE_CODES: [&str; 3] = [FETCH_FAILED, NOT_A_DUMP, TOO_LARGE];
