//! The token's `data.filter`: a session is shown only if its metadata (the
//! rtcstats header object, jitsi `connectionInfo`, `identity` events) carries
//! one of the allowed values for every filter key.

use super::auth::value_text;
use crate::model::Session;
use serde_json::Value;
use std::collections::BTreeMap;

/// Every value the session's metadata has for `key`.
fn values_for(session: &Session, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut take = |v: Option<&Value>| match v {
        Some(Value::Array(items)) => out.extend(items.iter().filter_map(value_text)),
        Some(v) => out.extend(value_text(v)),
        None => {}
    };
    take(session.metadata.get(key));
    for nested in ["connectionInfo", "identity", "client"] {
        take(session.metadata.get(nested).and_then(|m| m.get(key)));
    }
    for e in session
        .client_events
        .iter()
        .filter(|e| e.name == "identity")
    {
        take(e.value.get(key));
    }
    out
}

/// `Ok` when every filter key matches; `Err(key)` names the first that does not.
pub fn check(filter: &BTreeMap<String, Vec<String>>, session: &Session) -> Result<(), String> {
    for (key, allowed) in filter {
        let have = values_for(session, key);
        if !have.iter().any(|v| allowed.contains(v)) {
            return Err(key.clone());
        }
    }
    Ok(())
}
