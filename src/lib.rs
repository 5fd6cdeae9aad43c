//! Rust client for the [Huawei Cloud Meeting](https://www.huaweicloud.com/product/meeting.html)
//! REST API.
//!
//! The operations are generated at build time by [progenitor] from the hand-written OpenAPI
//! document in `spec/openapi.yaml`; this crate adds what makes them safe to use:
//! authentication (App ID signature or account/password, tokens fetched lazily, shared and
//! renewed), meeting-control tokens, request validation against the spec, retries that never
//! repeat an unsafe call, typed errors, tracing, and a local simulator of the service to test
//! against.
//!
//! # Schedule a meeting
//!
//! ```no_run
//! # async fn run() -> Result<(), huaweicloud_meeting::Error> {
//! use huaweicloud_meeting::Client;
//! use huaweicloud_meeting::types::{RestAttendeeDto, RestScheduleConfDto};
//!
//! // HUAWEICLOUD_MEETING_APP_ID / _APP_KEY (or _ACCOUNT / _PASSWORD) must be set.
//! let client = Client::from_env()?;
//! let meeting = RestScheduleConfDto::builder()
//!     .subject("Design review")
//!     .media_types("HDVideo")
//!     .start_time("2030-01-01 08:00")
//!     .length(60)
//!     .attendees(vec![
//!         RestAttendeeDto::builder().name("Ann").phone("+8613800000001"),
//!         RestAttendeeDto::builder().name("Ben").email("ben@example.com"),
//!     ]);
//! let created = client.create_meeting().body(meeting).send().await?;
//! println!("{:?}", created[0].conference_id);
//! # Ok(()) }
//! ```
//!
//! # Run a meeting in progress
//!
//! Meeting-control operations are on the handle of one meeting ([`Conference`]); it obtains
//! the meeting-control token with the host password and fills the meeting's ID:
//!
//! ```no_run
//! # async fn run(client: huaweicloud_meeting::Client, created: huaweicloud_meeting::types::ConferenceInfo) -> Result<(), huaweicloud_meeting::Error> {
//! use huaweicloud_meeting::types::RestMuteReqBody;
//! let meeting = client.conference_of(&created)?;
//! meeting.mute_meeting().body(RestMuteReqBody::builder().is_mute(1)).send().await?;
//! # Ok(()) }
//! ```
//!
//! What a guest does with a meeting's ID and password (checking the meeting, obtaining the
//! random a client joins with) is on the [`Guest`] handle, `client.guest(id)`, which sends
//! the password given with [`Guest::with_password`] as `X-Password`.
//!
//! # Test against the simulator
//!
//! With the `simulator` feature, `simulator::Simulator` serves the API on 127.0.0.1 over
//! HTTPS, with state, faults to inject and a clock to move:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use huaweicloud_meeting::simulator::Simulator;
//! let sim = Simulator::start().await.unwrap();
//! let client = sim.client_builder().build().unwrap();
//! let page = client.search_meetings().send().await.unwrap();
//! assert_eq!(page.count, Some(0));
//! # }
//! ```
//!
//! Every operation's `send()` returns [`Error`] on failure: the phase it failed in, what it
//! means ([`Error::kind`]), the service's code, message and request id, or the transport
//! error as its `source()`, or the field at fault.
//!
//! # Features
//!
//! | feature | what |
//! | --- | --- |
//! | `rustls` (default) | TLS with rustls and ring |
//! | `rustls-aws-lc-rs` | rustls with aws-lc-rs instead of ring |
//! | `native-tls` | the platform's TLS instead of rustls |
//! | `all-operations` (default) | every operation group below |
//! | `meetings` | scheduling, meetings in progress, history |
//! | `control` | meeting control, on [`Conference`]; joining checks, on [`Guest`] |
//! | `recordings` | recordings of held meetings, [`Client::download_recording_file`]; meeting minutes |
//! | `vmr` | cloud meeting rooms |
//! | `enterprise` | enterprise administration: users, departments, administrators, terminals, App IDs, SSO; a member's own account ([`PasswordReset`] for a forgotten password) |
//! | `webinars` | webinars and their rooms' settings |
//! | `sp` | SP administration: enterprises and their resources |
//! | `metrics` | QoS of meetings and the dashboard's statistics |
//! | `info-window` | the info window: materials, programs, publications |
//! | `simulator` | the local simulator of the service (module `simulator`) |
//! | `cli` | the `meeting` command |
//!
//! Authentication is always there. A program that needs a few groups builds faster with
//! `default-features = false, features = ["rustls", ...]`.
//!
//! # Tracing
//!
//! Every HTTP call runs in a [`tracing`](https://docs.rs/tracing) span named
//! `huaweicloud_meeting.call` with the fields `operation`, `method`, `url`, `status`,
//! `duration_ms` and `request_id`; a call that needs a token shows the token call nested in
//! it, and retries and token renewals are `debug` events. No secret is ever in them (the spec
//! may not put one in a URL: the build refuses a secret query or path parameter). The `meeting`
//! command's `--verbose` prints them.
//!
//! # Layers
//!
//! Each module uses only modules of lower layers (checked by `scripts/module-layers.py`):
//!
//! 1. values: `secret`, `lenient`, `optional`, `operations` (the operation table generated from the spec),
//!    `spec_model` (the spec read one way, shared with build.rs), `error`;
//! 2. mechanisms: `clock` (the time everything reads and waits on), `checks` (typed values
//!    against the spec's constraints), `auth` (credentials, App ID signature), `token` (single-flight token cache), `retry` (attempts, backoff and
//!    attempt timeouts), `upload` (files sent as `multipart/form-data`, attached anew per
//!    attempt), `validate` (requests against the spec), `dispatch`
//!    (JSON values for `Client::call`), `tls`;
//! 3. `state`: what every client handle carries;
//! 4. `pipeline`: one call, phase by phase (build and validate, origin, scope, authorize, send
//!    with retries, renew once, classify, decode), over any handle that implements its
//!    `Caller` trait;
//! 5. `generated`: the progenitor client and its `Conference` and `Guest` handles (never
//!    edited by hand; each `send()` calls the pipeline);
//! 6. `client`: authentication, the `Conference` and `Guest` handles (their methods are
//!    generated), sign-out and the token fetches (the `Caller` of the generated client); `download`: files the service hands out URLs for;
//!    `edit`: the read-modify-write edits (`Client::edit_meeting`...), reading the spec's
//!    pairing;
//!    `config`: the builder; `simulator` (feature `simulator`).
//!
//! [progenitor]: https://github.com/oxidecomputer/progenitor

#![warn(missing_docs)]

mod auth;
mod checks;
mod client;
mod clock;
mod config;
mod dispatch;
#[cfg(feature = "recordings")]
mod download;
#[cfg(feature = "meetings")]
mod edit;
mod error;
mod generated;
mod lenient;
pub mod operations;
mod optional;
mod pipeline;
mod retry;
mod secret;
#[doc(hidden)]
pub mod spec_model;
mod state;
mod tls;
mod token;
mod upload;
mod validate;

pub use auth::{AppIdCredentials, Credentials};
pub use clock::{Clock, OffsetClock, SystemClock};
pub use config::{
    ClientBuilder, DEFAULT_DOWNLOAD_TIMEOUT, DEFAULT_ENDPOINT, DEFAULT_MAX_RESPONSE_BODY, Region, env_vars,
};
pub use error::{AttemptFailure, DispatchError, Error, ErrorCode, ErrorKind, ServiceError, TokenError};
pub use generated::{CALLABLE_OPERATIONS, Client, Conference, Guest, PasswordReset, ResponseValue, builder, types};
pub use lenient::{LenientBool, LenientI32, LenientI64};
pub use optional::IntoOptional;
pub use retry::RetryConfig;
pub use secret::Secret;
#[doc(hidden)]
pub use state::ClientState;
pub use upload::Upload;

/// The spec the client was generated from (JSON).
pub const OPENAPI_JSON: &str = validate::SPEC_JSON;

/// For the crate's own tests and benchmarks: not part of the API.
#[doc(hidden)]
pub mod testing {
    pub use crate::auth::{app_id_authorization, app_id_signature};
    pub use crate::generated::check_typed_body;
    pub use crate::validate::{check_json_body, check_request, spec_constraints};
}

#[cfg(feature = "simulator")]
pub mod simulator;

/// The README's examples compile.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
