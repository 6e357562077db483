//! Browser shell (wasm32 only). Placeholder until the viewer issue lands.
