//! Durable sync state.
