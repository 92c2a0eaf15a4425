//! Case bundles (全程留痕 for courts and regulators): one zip file with the
//! case's facts, every trail entry with everything its hash covers, the
//! evidence files and a signed manifest, which anyone can check offline.
//!
//! This crate is the one definition of the trail's hash rule
//! ([`chain`]) — the server appends and verifies trails with it — and of the
//! bundle's format ([`write`], [`manifest`], [`verify`]). It depends on no
//! database, web framework or runtime, so the standalone verifier
//! (`gongdao-verify-bundle`, `src/main.rs`) is this crate alone and builds
//! from a bare checkout in seconds. It lives apart from `domain` because
//! the browser's WebAssembly needs none of it (no zip, no Ed25519), and
//! `domain` pulls in Leptos's server functions, which a verifier does not.

pub mod chain;
pub mod keys;
pub mod manifest;
pub mod verify;
pub mod write;

pub use ed25519_dalek::{SigningKey, VerifyingKey};
