//! Embedding: the iframe side of the login protocol (`ready.v1`,
//! `login.v1`, `load.v1`, `statsReady.v1`, `error.v1`, …), JWT verification,
//! the session filter and address masking. Pure: the page executes the
//! actions (see `docs/embedding.md`).

pub mod auth;
pub mod config;
pub mod filter;
pub mod mask;
pub mod pem;
pub mod protocol;
pub mod provider;

pub use auth::{AuthCode, AuthError, Claims, TokenVerifier};
pub use config::EmbedConfig;
pub use protocol::{Action, Bearer, Embed};
