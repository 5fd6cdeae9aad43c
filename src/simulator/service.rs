//! The simulated service: the enterprises and their areas, the credential check, the routing
//! of each call to the area of its tag, and the events between areas, applied here and only
//! here.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::Response;

use super::SimulatorBuilder;
use super::api::{self, Caller, Context, Effects, FilePart, Ids, Tag, WireInput};
use super::auth::Auth;
use super::clock::Clock;
use super::delivery::Delivery;
use super::directory::Directory;
use super::events::{Event, Listener as _};
use super::meetings::Meetings;
use super::recordings::Recordings;
use super::rooms::Rooms;
use super::webinars::Webinars;
use super::wire::{Failure, bad_parameter, bad_request, error_format, error_with_id, fail, header, json_response};
use crate::ErrorCode;
use crate::operations::{ErrorFormat, OperationMeta, Scheme, scheme};

/// A request as it arrived, for the service to answer.
#[derive(Clone, Copy)]
pub(crate) struct Arrived<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    /// The parts of a `multipart/form-data` body.
    pub(crate) parts: &'a [FilePart],
}

/// The operation a method and path belong to.
pub(crate) fn route(method: &Method, path: &str) -> Option<&'static OperationMeta> {
    crate::operations::route(method.as_str(), path)
}

/// One enterprise's areas: each owns its state and hears the others' events.
pub(super) struct Enterprise {
    meetings: Meetings,
    recordings: Recordings,
    rooms: Rooms,
    directory: Directory,
    webinars: Webinars,
    info_window: super::info_window::InfoWindow,
}

impl Enterprise {
    fn new(config: &SimulatorBuilder, corp_id: &str) -> Self {
        Enterprise {
            meetings: Meetings::new(config),
            recordings: Recordings::default(),
            rooms: Rooms::new(config),
            directory: Directory::new(config, corp_id),
            webinars: Webinars::default(),
            info_window: super::info_window::InfoWindow::default(),
        }
    }

    fn on(&mut self, event: &Event) {
        self.meetings.on(event);
        self.recordings.on(event);
        self.rooms.on(event);
        self.directory.on(event);
        self.webinars.on(event);
    }
}

pub(crate) struct Service {
    pub(super) clock: Clock,
    /// `http(s)://127.0.0.1:PORT`: where the simulator's own URLs (recording files) point.
    base_url: String,
    /// Tokens, App IDs and accounts of every enterprise.
    auth: Auth,
    enterprises: BTreeMap<String, Enterprise>,
    /// Every access, meeting-control and download token, in the order issued.
    pub(crate) issued: Vec<String>,
    /// POSTs to make outside the simulator, once the lock is released.
    outgoing: Vec<Delivery>,
    /// Messages "sent" to people, in the order sent.
    pub(crate) outbox: Vec<super::outbox::SentMessage>,
    ids: Ids,
    /// SP administration: the enterprises and their resources.
    sp: super::sp::Sp,
    /// How new enterprises are made (add_corp).
    config: SimulatorBuilder,
}

impl Service {
    pub(crate) fn new(config: &SimulatorBuilder, base_url: String) -> Self {
        let clock = Clock::default();
        let mut auth = Auth::new(config);
        let mut enterprises = BTreeMap::new();
        let mut announced = Vec::new();
        let mut sp = super::sp::Sp::new(config);
        for corp in std::iter::once(&config.corp_id).chain(&config.other_corps) {
            let enterprise = Enterprise::new(config, corp);
            let mut events = enterprise.directory.accounts();
            events.extend(enterprise.rooms.announce());
            announced.push((corp.clone(), events));
            enterprises.insert(corp.clone(), enterprise);
        }
        // The spec's examples are the default enterprise's world.
        if let Some(in_progress) = config.spec_examples
            && let Some(enterprise) = enterprises.get_mut(&config.corp_id)
        {
            let examples = super::examples::SpecExamples::load();
            let now = clock.now();
            auth.seed_examples(&examples, &clock);
            let mut events = enterprise.meetings.seed_examples(&examples, in_progress, now);
            enterprise.recordings.seed_examples(&examples);
            events.extend(enterprise.rooms.seed_examples(&examples));
            events.extend(enterprise.directory.seed_examples(&examples, now));
            // After the rooms are announced: the example webinar is held in one of them.
            enterprise.webinars.seed_examples(&examples, now);
            enterprise.info_window.seed_examples(&examples);
            // The resource items the examples list.
            if let Some(items) = examples
                .response("search_corp_resources")
                .and_then(|r| r.get("data"))
                .and_then(|d| serde_json::from_value::<Vec<crate::types::QueryResourceResultDto>>(d.clone()).ok())
            {
                sp.seed_resources(&config.corp_id, items.clone());
                events.push(Event::ResourcesChanged {
                    corp: config.corp_id.clone(),
                    items,
                });
            }
            announced.push((config.corp_id.clone(), events));
        }
        let mut service = Service {
            clock,
            base_url,
            auth,
            enterprises,
            issued: Vec::new(),
            outgoing: Vec::new(),
            outbox: Vec::new(),
            ids: Ids::default(),
            sp,
            config: config.clone(),
        };
        for (corp, events) in announced {
            service.publish(&corp, events);
        }
        service
    }

    /// Applies `events` of enterprise `corp` to every area that listens (an event an area
    /// emits while applying one is applied in turn).
    fn publish(&mut self, corp: &str, events: Vec<Event>) {
        let Some(enterprise) = self.enterprises.get_mut(corp) else {
            return;
        };
        for event in events {
            self.auth.on(corp, &event);
            self.sp.on(corp, &event);
            enterprise.on(&event);
        }
    }

    /// What a call (or time passing) left to do in enterprise `corp` (none: the SP's): the
    /// SP's events change the set of enterprises or go to the enterprise they name.
    fn apply(&mut self, corp: Option<&str>, effects: Effects) {
        self.issued.extend(effects.issued);
        self.outbox.extend(effects.messages);
        self.outgoing.extend(effects.deliveries);
        let mut inside = Vec::new();
        for event in effects.events {
            match event {
                Event::EnterpriseAdded {
                    corp,
                    admin_account,
                    admin_name,
                    admin_password,
                    admin_phone,
                    admin_email,
                } => {
                    let mut enterprise = Enterprise::new(&self.config, &corp);
                    enterprise.directory.set_default_admin(
                        admin_account,
                        admin_name,
                        admin_password,
                        admin_phone,
                        admin_email,
                    );
                    let mut events = enterprise.directory.accounts();
                    events.extend(enterprise.rooms.announce());
                    self.enterprises.insert(corp.clone(), enterprise);
                    self.auth.add_enterprise(&corp);
                    self.publish(&corp, events);
                }
                Event::EnterpriseRemoved { corp } => {
                    self.enterprises.remove(&corp);
                    self.auth.remove_enterprise(&corp);
                }
                Event::ResourcesChanged { ref corp, .. } => {
                    let corp = corp.clone();
                    self.publish(&corp, vec![event]);
                }
                event => inside.push(event),
            }
        }
        if let Some(corp) = corp {
            self.publish(corp, inside);
        }
    }

    /// The POSTs to make outside the simulator, queued since the last call.
    pub(crate) fn take_outgoing(&mut self) -> Vec<Delivery> {
        std::mem::take(&mut self.outgoing)
    }

    /// Moves the clock: meetings whose end time passes end, tokens whose lifetime passes
    /// expire.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        self.tick();
    }

    /// Ends the meetings whose end time has passed (as time passes between calls too).
    fn tick(&mut self) {
        let corps: Vec<String> = self.enterprises.keys().cloned().collect();
        for corp in corps {
            let mut cx = Context::new(
                self.clock.now(),
                self.clock.instant(),
                Caller::admin(&corp),
                &self.base_url,
                &mut self.ids,
            );
            if let Some(enterprise) = self.enterprises.get_mut(&corp) {
                enterprise.meetings.tick(&mut cx);
                enterprise.webinars.tick(&mut cx);
            }
            let effects = cx.finish();
            self.apply(Some(&corp), effects);
        }
    }

    pub(crate) fn live_meeting(&mut self, conference_id: &str) -> Option<super::live::LiveMeeting> {
        self.tick();
        self.enterprises
            .values()
            .find_map(|enterprise| enterprise.meetings.live_view(conference_id))
    }

    /// A user's profile picture (set_profile_image, set_user_profile_image).
    pub(crate) fn profile_image(&self, user_id: &str) -> Response {
        self.picture(
            self.enterprises.values().find_map(|e| e.directory.picture(user_id)),
            user_id,
        )
    }

    /// A material of an info window (its `filePath`).
    pub(crate) fn material(&self, id: &str) -> Response {
        self.picture(self.enterprises.values().find_map(|e| e.info_window.picture(id)), id)
    }

    fn picture(&self, found: Option<(String, bytes::Bytes)>, id: &str) -> Response {
        match found {
            Some((kind, bytes)) => {
                let kind = if kind == "image/png" { "image/png" } else { "image/jpeg" };
                super::wire::file_response(bytes.to_vec(), kind)
            }
            None => error_with_id(
                404,
                ErrorCode::UserNotFound.as_str(),
                &format!("{id} has no picture"),
                ErrorFormat::Usg,
                &super::wire::request_id(),
            ),
        }
    }

    /// A recording file, for its one-use download token.
    pub(crate) fn download(&mut self, conf_uuid: &str, file: &str, token: Option<&str>) -> Response {
        self.tick();
        let now = self.clock.now();
        let result = self
            .enterprises
            .values_mut()
            .find(|enterprise| enterprise.recordings.has(conf_uuid))
            .map_or_else(
                || Err(super::recordings::not_found(conf_uuid)),
                |enterprise| enterprise.recordings.download(conf_uuid, file, token, now),
            );
        match result {
            Ok(content) => super::wire::file_response(content, "video/mp4"),
            Err(f) => error_with_id(
                f.status,
                f.code.as_str(),
                &f.message,
                ErrorFormat::Mmc,
                &super::wire::request_id(),
            ),
        }
    }

    /// An IdeaHub of the default enterprise shows a QR code (see `Recordings::ideahub_qr`).
    pub(crate) fn ideahub_qr(&mut self, topic: Option<&str>) -> String {
        let corp = self.auth.default_corp().to_owned();
        self.enterprises
            .get_mut(&corp)
            .map(|enterprise| enterprise.recordings.ideahub_qr(topic))
            .unwrap_or_default()
    }

    /// A picture uploaded in any enterprise (`upload_file`), by its file ID.
    pub(crate) fn uploaded(&self, file_id: &str) -> Option<super::UploadedFile> {
        self.enterprises
            .values()
            .find_map(|enterprise| enterprise.webinars.file(file_id))
            .map(|part| super::UploadedFile {
                file_name: part.file_name.clone(),
                content_type: part.content_type.clone(),
                bytes: part.bytes.to_vec(),
            })
    }

    /// The user whose files the IdeaHub that showed QR code `uuid` shows.
    pub(crate) fn ideahub_shows(&self, uuid: &str) -> Option<String> {
        self.enterprises
            .values()
            .find_map(|enterprise| enterprise.recordings.ideahub_shows(uuid))
    }

    pub(crate) fn expire_access_tokens(&mut self) {
        self.auth.expire_all(self.clock.instant());
    }

    pub(crate) fn expire_conference_tokens(&mut self) {
        self.auth.expire_all_conference(self.clock.instant());
    }

    /// Expires the token a request presents.
    pub(crate) fn expire_presented(&mut self, headers: &HeaderMap) {
        let now = self.clock.instant();
        for name in ["x-access-token", "x-conference-authorization"] {
            if let Some(token) = header(headers, name) {
                self.auth.expire(&token, now);
            }
        }
    }

    pub(crate) fn set_access_token_validity(&mut self, validity: Duration) {
        self.auth.validity = validity;
    }

    pub(crate) fn set_conference_token_validity(&mut self, validity: Duration) {
        self.auth.conference_validity = validity;
    }

    pub(crate) fn live_tokens(&self, user_id: Option<&str>) -> usize {
        self.auth.live_tokens(user_id, self.clock.instant())
    }

    pub(crate) fn handle(&mut self, op: Option<&'static OperationMeta>, request: &Arrived<'_>) -> Response {
        self.tick();
        let request_id = header(request.headers, "x-request-id")
            .filter(|id| HeaderValue::from_str(id).is_ok())
            .unwrap_or_else(super::wire::request_id);
        let outcome = match op {
            None => Err(fail(
                404,
                ErrorCode::Other("APIGW.0101".into()),
                format!("The API does not exist: {} {}", request.method, request.path),
            )),
            Some(op) => self.serve(op, request),
        };
        match outcome {
            Ok(body) => json_response(200, body, &request_id),
            Err(f) => error_with_id(f.status, f.code.as_str(), &f.message, error_format(op), &request_id),
        }
    }

    /// Checks the call's credential and parameters, and has the area of its tag answer it.
    fn serve(&mut self, op: &'static OperationMeta, request: &Arrived<'_>) -> api::Outcome {
        let Arrived {
            path,
            query,
            headers,
            body,
            parts,
            ..
        } = *request;
        let caller = self.authorized(op, query, headers, body)?;
        // Headers a credential comes with (`X-Login-Type: 1` with a host password).
        for (name, value) in op.security.iter().flat_map(|s| scheme(*s).fixed_headers) {
            if header(headers, name).as_deref() != Some(value) {
                return Err(bad_request(format!("{} must be {value}", http_case(name))));
            }
        }
        crate::validate::check_parts(op, path, query, headers, Some(body)).map_err(|v| match op.error_format {
            ErrorFormat::Usg => bad_parameter(format!("{} {}", v.field, v.reason)),
            _ => bad_request(format!("{} {}", v.field, v.reason)),
        })?;
        let wire = WireInput {
            path: path_parameters(op.path, path),
            query,
            headers,
            body,
            parts,
        };
        let corp = caller.corp.clone();
        let mut cx = Context::new(
            self.clock.now(),
            self.clock.instant(),
            caller,
            &self.base_url,
            &mut self.ids,
        );
        cx.credential = op
            .security
            .first()
            .and_then(|s| header(headers, scheme(*s).header.as_str()));
        if op
            .security
            .iter()
            .chain(op.optional_security)
            .any(|s| *s == Scheme::GuestPassword)
        {
            cx.meeting_password = header(headers, scheme(Scheme::GuestPassword).header.as_str());
        }
        let tag = api::tag(op.id).ok_or_else(|| bad_request(format!("{} has no tag", op.id)))?;
        let outcome = match tag {
            Tag::Auth => api::serve_auth(&mut self.auth, &mut cx, op.id, &wire),
            // The SP administrator's only: an enterprise's token acts inside its enterprise.
            Tag::Sp if corp.is_some() => Err(fail(
                403,
                ErrorCode::InsufficientPermission,
                format!(
                    "{} is the SP administrator's: an enterprise's token cannot call it",
                    op.id
                ),
            )),
            Tag::Sp => api::serve_sp(&mut self.sp, &mut cx, op.id, &wire),
            tag => {
                // The SP administrator's token is for the SP administration operations.
                let enterprise = corp.as_deref().and_then(|corp| self.enterprises.get_mut(corp));
                let enterprise = enterprise.ok_or_else(|| {
                    fail(
                        403,
                        ErrorCode::InsufficientPermission,
                        format!("{} acts in an enterprise, and the SP administrator in none", op.id),
                    )
                })?;
                match tag {
                    Tag::Auth | Tag::Sp => unreachable!("served above"),
                    Tag::Meetings => api::serve_meetings(&mut enterprise.meetings, &mut cx, op.id, &wire),
                    Tag::Control => api::serve_control(&mut enterprise.meetings, &mut cx, op.id, &wire),
                    Tag::Recordings => api::serve_recordings(&mut enterprise.recordings, &mut cx, op.id, &wire),
                    Tag::Vmr => api::serve_vmr(&mut enterprise.rooms, &mut cx, op.id, &wire),
                    Tag::Enterprise => api::serve_enterprise(&mut enterprise.directory, &mut cx, op.id, &wire),
                    Tag::Webinars => api::serve_webinars(&mut enterprise.webinars, &mut cx, op.id, &wire),
                    Tag::Metrics => api::serve_metrics(&mut enterprise.meetings, &mut cx, op.id, &wire),
                    Tag::InfoWindow => api::serve_info_window(&mut enterprise.info_window, &mut cx, op.id, &wire),
                }
            }
        };
        let corp = cx.caller.corp.clone();
        let effects = cx.finish();
        self.apply(corp.as_deref(), effects);
        outcome
    }

    /// Checks the credential the operation needs: who calls, in which enterprise.
    fn authorized(
        &self,
        op: &OperationMeta,
        query: &[(String, String)],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Caller, Failure> {
        let now = self.clock.instant();
        let meeting = op
            .meeting_parameter
            .and_then(|parameter| super::wire::param(query, parameter))
            .unwrap_or_default();
        let caller = match op.security.first().copied() {
            Some(Scheme::AccessToken) => self.auth.caller_of(header(headers, "x-access-token"), now)?,
            Some(Scheme::ConferenceToken) => {
                return self
                    .auth
                    .conference_caller(header(headers, "x-conference-authorization"), &meeting, now);
            }
            Some(Scheme::QosConferenceToken) => {
                return self.auth.conference_caller(header(headers, "conftoken"), &meeting, now);
            }
            Some(Scheme::PasswordResetToken) => {
                return self.auth.reset_caller(header(headers, "x-access-token"), now);
            }
            // A forgotten password's steps name the account they are for: the caller is that
            // account, in its enterprise.
            None if meeting.is_empty() => {
                let account = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|b| b.get("user").and_then(serde_json::Value::as_str).map(str::to_owned));
                return Ok(match account {
                    Some(account) => Caller {
                        corp: Some(
                            self.auth
                                .corp_of_account(&account)
                                .unwrap_or(self.auth.default_corp())
                                .to_owned(),
                        ),
                        user: account,
                    },
                    None => Caller::admin(self.auth.default_corp()),
                });
            }
            // The authentication operations, and those a guest calls with a meeting's
            // password, check their own credential.
            _ => Caller::admin(self.auth.default_corp()),
        };
        // A guest's operation is served in the enterprise of the meeting it names.
        let for_a_guest = op
            .security
            .iter()
            .chain(op.optional_security)
            .any(|s| *s == Scheme::GuestPassword)
            || (op.security.is_empty() && !meeting.is_empty());
        Ok(match self.auth.corp_of_meeting(&meeting) {
            Some(corp) if for_a_guest => Caller {
                corp: Some(corp.to_owned()),
                ..caller
            },
            _ => caller,
        })
    }
}

/// `x-login-type` as the API writes it: `X-Login-Type`.
fn http_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The path parameters of `path` by the names of `template`'s `{name}` segments,
/// percent-decoded.
fn path_parameters(template: &str, path: &str) -> Vec<(String, String)> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(t, segment)| {
            let name = t.strip_prefix('{')?.strip_suffix('}')?;
            let value = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            Some((name.to_owned(), value.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_templates() {
        assert_eq!(
            route(&Method::POST, "/v1/usg/dcs/corp/vmr/assign-to-member/alice").map(|o| o.id),
            Some("associate_vmr")
        );
        assert_eq!(
            route(&Method::DELETE, "/v1/mmc/management/conferences").map(|o| o.id),
            Some("cancel_meeting")
        );
        assert!(route(&Method::PATCH, "/v1/mmc/management/conferences").is_none());
    }

    #[test]
    fn path_parameters_are_named_by_the_template_and_decoded() {
        assert_eq!(
            path_parameters(
                "/v1/usg/dcs/corp/vmr/assign-to-member/{account}",
                "/v1/usg/dcs/corp/vmr/assign-to-member/al%20ice"
            ),
            [("account".to_owned(), "al ice".to_owned())]
        );
        assert!(path_parameters("/v1/mmc/management/conferences", "/v1/mmc/management/conferences").is_empty());
    }
}
