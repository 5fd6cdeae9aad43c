//! A local, stateful simulator of the Meeting service (cargo feature `simulator`).
//!
//! It serves every operation of the spec over real HTTP (or HTTPS with a certificate made
//! at start) on loopback, with the service's wire format: JSON bodies, `X-Request-Id` and
//! rate-limit headers on every response, errors as `{"error_code", "error_msg"}` (plus
//! `request_id` for USG errors). It verifies App ID signatures and Basic credentials,
//! issues, renews, checks and revokes tokens, keeps meetings, recurring series and their
//! occurrences, the meetings in progress, the history of held meetings (attendance and control
//! records), recordings and cloud meeting rooms, and lets tests inject faults and read a log
//! of what arrived.
//!
//! Time passes as in the service, and faster when a test says so ([`Simulator::advance`]):
//! a meeting in progress ends at its scheduled end (started early, after its length), or when
//! stopped or cancelled with `type` 1; it then leaves the online lists and enters history
//! under a new `confUUID`, and a recorded one (`isAutoRecord` 1) gets recording files whose
//! download URLs serve a small file (see [`Simulator::recording_file_content`]) over this
//! server, for a one-use token. A single meeting that was held can no longer be edited
//! (`MMC.111072006`), and leaves the scheduled list when its scheduled end passes; a series
//! holds its occurrences one by one.
//!
//! Meeting control acts on the live state of a meeting in progress as the service does:
//! invited people join at once, hang-up ends a call, roles, microphones, hands, the waiting
//! room, lock, recording, live streaming, broadcast, layout and end time change, and
//! [`Simulator::live_meeting`] shows all of it. Controls of a meeting not in progress, of an
//! unknown participant, or with the token of another meeting are refused with the service's
//! codes; what the spec calls idempotent can be repeated.
//!
//! It holds one enterprise, or several ([`SimulatorBuilder::enterprise`]), each with its own
//! directory, cloud meeting rooms, meetings, history and recordings, and optionally an SP
//! administrator ([`SimulatorBuilder::sp_account`]) whose App ID, signed with an enterprise's
//! corp ID, acts in that enterprise. No credential of one enterprise reads or changes
//! another's data.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use huaweicloud_meeting::simulator::Simulator;
//!
//! let sim = Simulator::builder().tls(true).start().await?;
//! let client = sim.client_builder().build()?;
//! let rooms = client.search_corp_vmr().send().await?;
//! assert_eq!(rooms.count, Some(3));
//! assert_eq!(sim.count("create_app_id_token"), 1);
//! # Ok(()) }
//! ```
//!
//! Error codes the service documents are used as documented (`MMC.111070005` meeting not
//! found, `USG.000000004` bad token, `USG.206010000` wrong credentials...). Where Huawei
//! documents no code for a rule, the simulator answers `MMC.111070001` (bad request) or
//! `USG.000000001` (bad parameter) with a message that names the rule.

// One module per area of the service (auth, meetings with their control and history,
// recordings, rooms, directory), each owning its state and implementing the generated
// `Handle<Input>` of its tags' operations (`api`); `events` are what areas tell each other;
// `service` holds the enterprises, checks credentials, routes calls to areas and applies
// events; `http` is the front (faults, the request log, the lock); `delivery` sends POSTs
// outwards on the simulator's clock; `wire` writes the gateway's headers and bodies.
mod api;
mod auth;
mod certificates;
mod clock;
mod delivery;
mod directory;
mod events;
mod examples;
mod http;
mod info_window;
mod live;
mod log;
mod meetings;
mod outbox;
mod recordings;
mod rooms;
mod service;
mod sp;
mod webinars;
mod wire;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::auth::Credentials;
use crate::config::ClientBuilder;

pub use live::{LiveMeeting, LiveParticipant, MmrRecording, Role};
pub use log::LoggedRequest;
pub use outbox::{Channel, Purpose, SentMessage};
pub use rooms::{DEFAULT_ROOMS, DEFAULT_WEBINAR_ROOMS};

/// A fault to inject into the next call of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer this status with a JSON error body, without handling the call.
    Status(u16),
    /// Answer 429 with `Retry-After` (seconds), without handling the call.
    RateLimited {
        /// Value of `Retry-After`.
        retry_after_secs: u64,
    },
    /// Wait this long, then handle the call.
    Delay(Duration),
    /// Handle the call, then drop the connection in the middle of the response body.
    DropConnection,
    /// Handle the call, then answer 200 with a body that is not JSON.
    MalformedBody,
    /// Answer this status with an HTML page (as a gateway does), without handling the call.
    HtmlError(u16),
    /// Answer this status with an empty body, without handling the call.
    EmptyError(u16),
    /// Expire the token the call presents (access or meeting-control) before checking it.
    ExpireToken,
    /// Answer a redirect (status 301, 302, 303, 307 or 308) to `location`, without handling
    /// the call (as a hostile or misconfigured endpoint would).
    Redirect {
        /// The redirect status.
        status: u16,
        /// The `Location` header.
        location: String,
    },
}

/// A file uploaded to the simulator, as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadedFile {
    /// The file name of its part.
    pub file_name: Option<String>,
    /// The content type of its part.
    pub content_type: Option<String>,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// The ID of the simulator's default enterprise.
pub const DEFAULT_CORP: &str = "40454";

/// The largest request body the simulator reads; a larger one is answered 413 after reading
/// at most this much.
pub const MAX_REQUEST_BODY: usize = 2 * 1024 * 1024;

/// Configures a [`Simulator`].
#[derive(Clone, Debug)]
#[must_use]
pub struct SimulatorBuilder {
    listen: SocketAddr,
    tls: bool,
    pub(crate) app_id: String,
    pub(crate) app_key: String,
    pub(crate) accounts: Vec<(String, String)>,
    pub(crate) members: Vec<String>,
    pub(crate) rooms: usize,
    pub(crate) webinar_rooms: usize,
    pub(crate) access_token_validity: Duration,
    pub(crate) conference_token_validity: Duration,
    /// Seed the world of the spec's examples; `Some(true)`: its meeting is in progress.
    pub(crate) spec_examples: Option<bool>,
    /// The default enterprise's ID (the one single-enterprise credentials act in).
    pub(crate) corp_id: String,
    /// More enterprises, each with its own directory, rooms, meetings and recordings.
    pub(crate) other_corps: Vec<String>,
    /// The SP administrator's account and password.
    pub(crate) sp_account: Option<(String, crate::Secret)>,
    /// The enterprises' setting "guests may invite any hardware terminal by scanning"
    /// (invite_with_pwd with the guest password).
    pub(crate) guests_invite_terminals: bool,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        SimulatorBuilder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: false,
            app_id: "simulator-app-id".into(),
            app_key: "simulator-app-key".into(),
            accounts: Vec::new(),
            members: vec!["alice".into(), "bob".into()],
            rooms: DEFAULT_ROOMS,
            webinar_rooms: DEFAULT_WEBINAR_ROOMS,
            access_token_validity: Duration::from_secs(24 * 3600),
            conference_token_validity: Duration::from_secs(1800),
            spec_examples: None,
            corp_id: DEFAULT_CORP.into(),
            other_corps: Vec::new(),
            sp_account: None,
            guests_invite_terminals: true,
        }
    }
}

impl SimulatorBuilder {
    /// Seeds the world the spec's example requests assume, so that each one can succeed: the
    /// example meeting (its `conferenceID`, host password, attendees and occurrences) as a
    /// recurring series, already in progress when `meeting_in_progress` (the operations marked
    /// `x-meeting-in-progress` need that), update_meeting's example single meeting, the held
    /// occurrence of the history examples with its records and recording, the example member
    /// with the example cloud meeting room, and check_token's example token.
    pub fn spec_examples(mut self, meeting_in_progress: bool) -> Self {
        self.spec_examples = Some(meeting_in_progress);
        self
    }

    /// Address to listen on (default 127.0.0.1, port 0).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Serve HTTPS with a certificate generated at start.
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }

    /// The App ID and key the enterprise accepts.
    pub fn app(mut self, app_id: impl Into<String>, app_key: impl Into<String>) -> Self {
        self.app_id = app_id.into();
        self.app_key = app_key.into();
        self
    }

    /// An account for account/password authentication.
    pub fn account(mut self, account: impl Into<String>, password: impl Into<String>) -> Self {
        self.accounts.push((account.into(), password.into()));
        self
    }

    /// Replaces the enterprise's members (third-party user IDs, `accountType` 1).
    pub fn members(mut self, members: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.members = members.into_iter().map(Into::into).collect();
        self
    }

    /// Number of cloud meeting rooms of the enterprise (default 3).
    pub fn rooms(mut self, rooms: usize) -> Self {
        self.rooms = rooms;
        self
    }

    /// Number of webinar rooms (`vmrMode` 2) of the enterprise (default 1), where webinars
    /// are held.
    pub fn webinar_rooms(mut self, rooms: usize) -> Self {
        self.webinar_rooms = rooms;
        self
    }

    /// Whether the enterprises let a guest invite any hardware terminal into a meeting with
    /// the guest password (invite_with_pwd; default on, as Huawei's setting "guests may invite
    /// any hardware terminal by scanning" turned on). Off, such an invitation is refused
    /// (`MMC.111070002`, 403); one with the host password is not.
    pub fn guests_invite_terminals(mut self, allowed: bool) -> Self {
        self.guests_invite_terminals = allowed;
        self
    }

    /// Validity of access tokens (default 24 hours).
    pub fn access_token_validity(mut self, validity: Duration) -> Self {
        self.access_token_validity = validity;
        self
    }

    /// Validity of meeting-control tokens (default 30 minutes).
    pub fn conference_token_validity(mut self, validity: Duration) -> Self {
        self.conference_token_validity = validity;
        self
    }

    /// The default enterprise's ID (default [`DEFAULT_CORP`]): where App ID credentials
    /// without a corp ID, the accounts of [`account`](Self::account) and the members act.
    pub fn corp_id(mut self, corp_id: impl Into<String>) -> Self {
        self.corp_id = corp_id.into();
        self
    }

    /// Another enterprise, with its own directory, cloud meeting rooms, meetings and
    /// recordings (set up as the default one: [`rooms`](Self::rooms) rooms, the
    /// [`members`](Self::members)). Its users act in it only; an SP's App ID acts in it when
    /// signed with its ID ([`sp_account`](Self::sp_account)).
    pub fn enterprise(mut self, corp_id: impl Into<String>) -> Self {
        self.other_corps.push(corp_id.into());
        self
    }

    /// The SP (service provider) administrator, who manages the enterprises: signs in with
    /// this account and password (`create_token`), or with the App ID and no corp or user
    /// ID. With an SP the App ID is multi-tenant: signed with a corp ID (and a user ID) it
    /// acts in that enterprise, as Huawei's SDKs do in their multi-tenant mode.
    pub fn sp_account(mut self, account: impl Into<String>, password: impl Into<crate::Secret>) -> Self {
        self.sp_account = Some((account.into(), password.into()));
        self
    }

    /// Starts serving in the background of the current tokio runtime.
    pub async fn start(mut self) -> std::io::Result<Simulator> {
        // The examples' world is the enterprise the examples name.
        if self.spec_examples.is_some()
            && self.corp_id == DEFAULT_CORP
            && let Some(id) = examples::SpecExamples::load()
                .response("show_corp_basic_info")
                .and_then(|r| r.get("id"))
                .and_then(serde_json::Value::as_str)
        {
            self.corp_id = id.to_owned();
        }
        let listener = std::net::TcpListener::bind(self.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let scheme = if self.tls { "https" } else { "http" };
        let base_url = format!("{scheme}://{addr}");
        let service = service::Service::new(&self, base_url.clone());
        let shared = Arc::new(http::Shared {
            clock: service.clock.shared(),
            outbound: delivery::Outbound::start(service.clock.shared()),
            service: Mutex::new(service),
            faults: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .route(
                &format!("{}/{{conf_uuid}}/{{file}}", recordings::FILES_PATH),
                axum::routing::get(http::download),
            )
            .route(
                &format!("{}/{{user_id}}", directory::PROFILE_IMAGES_PATH),
                axum::routing::get(http::profile_image),
            )
            .route(
                &format!("{}/{{id}}", info_window::MATERIALS_PATH),
                axum::routing::get(http::material),
            )
            .fallback(http::dispatch)
            .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_BODY))
            .with_state(shared.clone());
        let handle = axum_server::Handle::new();
        let ca_pem = if self.tls {
            let (ca_pem, cert_pem, key_pem) = certificates::generate_certificates().map_err(std::io::Error::other)?;
            let config = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(
                certificates::server_tls_config(&cert_pem, &key_pem).map_err(std::io::Error::other)?,
            ));
            let server = axum_server::from_tcp_rustls(listener, config)?.handle(handle.clone());
            tokio::spawn(server.serve(app.into_make_service()));
            Some(ca_pem)
        } else {
            let server = axum_server::from_tcp(listener)?.handle(handle.clone());
            tokio::spawn(server.serve(app.into_make_service()));
            None
        };
        Ok(Simulator {
            base_url,
            addr,
            ca_pem,
            app_id: self.app_id,
            app_key: self.app_key,
            shared,
            handle,
        })
    }
}

/// A running simulator. Dropping it stops the server.
pub struct Simulator {
    base_url: String,
    addr: SocketAddr,
    ca_pem: Option<String>,
    app_id: String,
    app_key: String,
    shared: Arc<http::Shared>,
    handle: axum_server::Handle<SocketAddr>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// A builder.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// Starts a plain-HTTP simulator with the default enterprise on 127.0.0.1, port 0.
    pub async fn start() -> std::io::Result<Simulator> {
        Self::builder().start().await
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// PEM of the CA that signed the HTTPS certificate (with TLS on).
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The App ID the simulator accepts.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// A client builder pointed at this simulator, trusting its certificate, using its App ID
    /// credentials (as the enterprise's default administrator) and sharing its clock
    /// ([`advance`](Self::advance)).
    pub fn client_builder(&self) -> ClientBuilder {
        let mut builder = crate::generated::Client::builder()
            .clock(self.shared.clock.clone())
            .endpoint(self.base_url.clone())
            .credentials(Credentials::app_id(self.app_id.clone(), self.app_key.clone()));
        if let Some(pem) = &self.ca_pem {
            builder = builder.add_root_certificate_pem(pem.as_bytes().to_vec());
        }
        builder
    }

    /// Injects `fault` into the next call of `operation` (queued behind earlier faults).
    pub fn inject(&self, operation: &str, fault: Fault) {
        self.inject_times(operation, fault, 1);
    }

    /// Injects `fault` into the next `times` calls of `operation`.
    pub fn inject_times(&self, operation: &str, fault: Fault, times: usize) {
        let mut faults = self.shared.faults.lock().expect("faults lock");
        let queue = faults.entry(operation.to_owned()).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Every call received so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.lock().expect("log lock").clone()
    }

    /// How many calls of `operation` arrived.
    pub fn count(&self, operation: &str) -> usize {
        self.shared
            .log
            .lock()
            .expect("log lock")
            .iter()
            .filter(|r| r.operation == operation)
            .count()
    }

    /// Forgets the request log.
    pub fn clear_log(&self) {
        self.shared.log.lock().expect("log lock").clear();
    }

    /// Expires every access token now.
    pub fn expire_access_tokens(&self) {
        self.shared.service.lock().expect("service lock").expire_access_tokens();
    }

    /// Expires every meeting-control token now.
    pub fn expire_conference_tokens(&self) {
        self.shared
            .service
            .lock()
            .expect("service lock")
            .expire_conference_tokens();
    }

    /// Changes the validity of access tokens issued from now on.
    pub fn set_access_token_validity(&self, validity: Duration) {
        self.shared
            .service
            .lock()
            .expect("service lock")
            .set_access_token_validity(validity);
    }

    /// Changes the validity of meeting-control tokens issued from now on.
    pub fn set_conference_token_validity(&self, validity: Duration) {
        self.shared
            .service
            .lock()
            .expect("service lock")
            .set_conference_token_validity(validity);
    }

    /// Number of live access tokens of a user (`None` for the default administrator).
    pub fn live_tokens(&self, user_id: Option<&str>) -> usize {
        self.shared.service.lock().expect("service lock").live_tokens(user_id)
    }

    /// Every access and meeting-control token issued so far (for tests that check secrets
    /// never leak).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.service.lock().expect("service lock").issued.clone()
    }

    /// Moves the simulator's clock forward: meetings whose end time passes end (they go to
    /// history, with their recording when recorded), tokens whose lifetime passes expire, and
    /// injected delays whose end passes finish. The clients of
    /// [`client_builder`](Self::client_builder) share the clock: their cached tokens age,
    /// and their back-offs and attempt timeouts run out, by the same amount.
    pub fn advance(&self, by: Duration) {
        let outgoing = {
            let mut service = self.shared.service.lock().expect("service lock");
            service.advance(by);
            service.take_outgoing()
        };
        self.shared.outbound.send(outgoing);
    }

    /// The simulator's time now (the real time moved on by every [`advance`](Self::advance)).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.shared.service.lock().expect("service lock").clock.now()
    }

    /// Every message the simulator "sent" (verification codes, new passwords, invitations),
    /// oldest first: nothing leaves the simulator, a test reads them here.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        self.shared.service.lock().expect("service lock").outbox.clone()
    }

    /// The position (`pointX`) that solves the slide captcha send_slide_verify_code shows
    /// `user`: 40 + the sum of the account's bytes mod 200, so a test can pass it (and a
    /// wrong one, off by more than 5 pixels, is refused).
    pub fn slide_solution(user: &str) -> i32 {
        40 + user.bytes().map(i32::from).sum::<i32>() % 200
    }

    /// The state of the meeting in progress `conference_id` (participants, roles, microphones,
    /// lock, recording, layout...), or `None` when it is not in progress.
    pub fn live_meeting(&self, conference_id: &str) -> Option<LiveMeeting> {
        self.shared
            .service
            .lock()
            .expect("service lock")
            .live_meeting(conference_id)
    }

    /// An IdeaHub of the default enterprise shows a QR code to save its whiteboard, with
    /// `topic`, to the space of whoever scans it (`add_to_personal_space` with the code's
    /// pairs): the code's `uuid`.
    pub fn ideahub_save_qr(&self, topic: &str) -> String {
        self.shared
            .service
            .lock()
            .expect("service lock")
            .ideahub_qr(Some(topic))
    }

    /// An IdeaHub of the default enterprise shows a QR code to show the scanner's minutes
    /// files (`show_meeting_file_list`): the code's `uuid`.
    pub fn ideahub_list_qr(&self) -> String {
        self.shared.service.lock().expect("service lock").ideahub_qr(None)
    }

    /// Whose minutes files the IdeaHub that showed QR code `uuid` shows (the user ID; "" for
    /// the default administrator), once someone scanned it.
    pub fn ideahub_shows(&self, uuid: &str) -> Option<String> {
        self.shared.service.lock().expect("service lock").ideahub_shows(uuid)
    }

    /// The picture `upload_file` stored under `file_id` (in any enterprise).
    pub fn uploaded_file(&self, file_id: &str) -> Option<UploadedFile> {
        self.shared.service.lock().expect("service lock").uploaded(file_id)
    }

    /// The content of every recording file (what its download URL serves).
    pub fn recording_file_content(conf_uuid: &str, file_type: &str) -> Vec<u8> {
        recordings::file_content(conf_uuid, file_type)
    }

    /// Stops serving, letting calls in progress finish for up to a second.
    pub fn shutdown(&self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(1)));
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.handle.shutdown();
        self.shared.outbound.stop();
    }
}
