//! Rust client for the [Huawei Cloud Meeting](https://www.huaweicloud.com/product/meeting.html)
//! REST API.
//!
//! The operations are generated at build time by [progenitor] from the hand-written OpenAPI
//! document in `spec/openapi.yaml`; this crate adds what makes them safe to use:
//! authentication (App ID signature or account/password, tokens fetched lazily, shared and
//! renewed), meeting-control tokens, request validation against the spec, retries that never
//! repeat an unsafe call, typed errors and tracing.
//!
//! ```no_run
//! # async fn run() -> Result<(), huaweicloud_meeting::Error> {
//! use huaweicloud_meeting::Client;
//!
//! // HUAWEICLOUD_MEETING_APP_ID / _APP_KEY (or _ACCOUNT / _PASSWORD) must be set.
//! let client = Client::from_env()?;
//! let page = client.search_meetings().limit(10).send().await?;
//! for meeting in page.data.iter().flatten() {
//!     println!("{:?} {:?}", meeting.conference_id, meeting.subject);
//! }
//! # Ok(()) }
//! ```
//!
//! Every operation returns progenitor's `Error<types::ErrorResponse>`; `?` converts it to
//! [`Error`], which has the service's code, message and request id.
//!
//! [progenitor]: https://github.com/oxidecomputer/progenitor

#![warn(missing_docs)]

mod auth;
mod client;
mod config;
mod error;
mod generated;
mod lenient;
pub mod operations;
mod retry;
mod secret;
mod token;
mod validate;

pub use auth::{AppIdCredentials, Credentials, app_id_authorization, app_id_signature};
pub use client::ClientState;
pub use config::{ClientBuilder, DEFAULT_ENDPOINT, Region, env_vars};
pub use error::{AuthError, Error, ErrorCode, ServiceError};
pub use generated::{Client, ClientInfo, ResponseValue, builder, prelude, types};
pub use lenient::{LenientBool, LenientI32};
pub use retry::{ATTEMPTS_HEADER, RetryConfig};
pub use secret::Secret;
pub use validate::{check_request, spec_constraints};

/// The spec the client was generated from (JSON).
pub const OPENAPI_JSON: &str = validate::SPEC_JSON;

#[cfg(feature = "simulator")]
pub mod simulator;

/// The README's examples compile.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
