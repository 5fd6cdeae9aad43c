//! The simulated enterprise: its areas' state, the router and the table of handlers.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::Response;

use chrono::{DateTime, Utc};

use super::SimulatorBuilder;
use super::auth::{ADMIN, Auth};
use super::clock::Clock;
use super::control::Control;
use super::directory::Directory;
use super::history::{HeldMeeting, History};
use super::meetings::Meetings;
use super::recordings::Recordings;
use super::rooms::Rooms;
use super::wire::{
    Call, Failure, Outcome, error_format, error_with_id, fail, header, json_response, param, request_id,
};
use crate::operations::{ErrorFormat, OperationMeta, Scheme, scheme};

/// Handles one operation once the call is routed, authenticated and validated.
pub(super) type Handler = fn(&mut Service, &Call<'_>) -> Outcome;

/// Every simulated operation, by area. Each operation of the spec has exactly one handler
/// (checked by a unit test), so a new operation of the spec shows up as a failing test rather
/// than as a 501 at run time.
const HANDLERS_BY_AREA: [&[(&str, Handler)]; 10] = [
    super::auth::HANDLERS,
    super::meetings::HANDLERS,
    super::meetings::ONLINE_HANDLERS,
    super::control::HANDLERS,
    super::control::PARTICIPANT_HANDLERS,
    super::control::SETTINGS_HANDLERS,
    super::history::HANDLERS,
    super::recordings::HANDLERS,
    super::rooms::HANDLERS,
    super::directory::HANDLERS,
];

fn handler(operation_id: &str) -> Option<Handler> {
    HANDLERS_BY_AREA
        .iter()
        .flat_map(|area| area.iter())
        .find(|(id, _)| *id == operation_id)
        .map(|(_, handler)| *handler)
}

/// The operation a method and path belong to.
pub(crate) fn route(method: &Method, path: &str) -> Option<&'static OperationMeta> {
    crate::operations::route(method.as_str(), path)
}

pub(crate) struct Service {
    pub(super) clock: Clock,
    /// `http(s)://127.0.0.1:PORT`: where the simulator's own URLs (recording files) point.
    pub(super) base_url: String,
    pub(super) auth: Auth,
    pub(super) meetings: Meetings,
    pub(super) control: Control,
    pub(super) history: History,
    pub(super) recordings: Recordings,
    pub(super) rooms: Rooms,
    pub(super) directory: Directory,
    /// Every access, meeting-control and download token, in the order issued.
    pub(crate) issued: Vec<String>,
}

impl Service {
    pub(crate) fn new(config: &SimulatorBuilder, base_url: String) -> Self {
        let mut service = Service {
            clock: Clock::default(),
            base_url,
            auth: Auth::new(config),
            meetings: Meetings::new(),
            control: Control::new(config),
            history: History::default(),
            recordings: Recordings::default(),
            rooms: Rooms::new(config),
            directory: Directory::new(config.rooms),
            issued: Vec::new(),
        };
        if let Some(in_progress) = config.spec_examples {
            let examples = super::examples::SpecExamples::load();
            let now = service.clock.now();
            service.auth.seed_examples(&examples, &service.clock);
            service.meetings.seed_examples(&examples, in_progress, now);
            service.history.seed_examples(&examples);
            service.recordings.seed_examples(&examples);
            service.rooms.seed_examples(&examples);
            service.directory.seed_examples(&examples, now);
        }
        service
    }

    /// Moves the clock: meetings whose end time passes end, tokens whose lifetime passes
    /// expire.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.clock.advance(by);
        self.tick();
    }

    /// Ends the meetings whose end time has passed (as time passes between calls too).
    fn tick(&mut self) {
        let now = self.clock.now();
        for held in self.meetings.tick(now) {
            self.record(held);
        }
    }

    /// Ends the meeting in progress `conference_id`: it goes to history (with its recording
    /// when recorded) and its meeting-control tokens end with it.
    pub(super) fn end_meeting(
        &mut self,
        conference_id: &str,
        now: DateTime<Utc>,
        operator: &str,
    ) -> Result<(), super::wire::Failure> {
        let held = self.meetings.end(conference_id, now, operator)?;
        self.record(held);
        Ok(())
    }

    fn record(&mut self, held: HeldMeeting) {
        if let Some(id) = &held.info.conference_id {
            self.control.forget(id);
        }
        if held.recorded {
            self.recordings.add(&held);
        }
        self.history.add(held);
    }

    pub(crate) fn live_meeting(&mut self, conference_id: &str) -> Option<super::live::LiveMeeting> {
        self.tick();
        self.meetings.live_view(conference_id)
    }

    /// A recording file, for its one-use download token.
    pub(crate) fn download(&mut self, conf_uuid: &str, file: &str, token: Option<&str>) -> Response {
        self.tick();
        let now = self.clock.now();
        match self.recordings.download(conf_uuid, file, token, now) {
            Ok(content) => super::wire::file_response(content, "video/mp4"),
            Err(f) => error_with_id(f.status, f.code, &f.message, ErrorFormat::Mmc, &request_id()),
        }
    }

    pub(crate) fn expire_access_tokens(&mut self) {
        self.auth.expire_all(self.clock.instant());
    }

    pub(crate) fn expire_conference_tokens(&mut self) {
        self.control.expire_all(self.clock.instant());
    }

    /// Expires the token a request presents.
    pub(crate) fn expire_presented(&mut self, headers: &HeaderMap) {
        let now = self.clock.instant();
        if let Some(token) = header(headers, "x-access-token") {
            self.auth.expire(&token, now);
        }
        if let Some(token) = header(headers, "x-conference-authorization") {
            self.control.expire(&token, now);
        }
    }

    pub(crate) fn set_access_token_validity(&mut self, validity: Duration) {
        self.auth.validity = validity;
    }

    pub(crate) fn set_conference_token_validity(&mut self, validity: Duration) {
        self.control.validity = validity;
    }

    pub(crate) fn live_tokens(&self, user_id: Option<&str>) -> usize {
        self.auth.live_tokens(user_id, self.clock.instant())
    }

    pub(crate) fn handle(
        &mut self,
        op: Option<&'static OperationMeta>,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        self.tick();
        let request_id = header(headers, "x-request-id")
            .filter(|id| HeaderValue::from_str(id).is_ok())
            .unwrap_or_else(request_id);
        let outcome = match op {
            None => Err(fail(
                404,
                "APIGW.0101",
                format!("The API does not exist: {method} {path}"),
            )),
            Some(op) => self.authorized(op, query, headers).and_then(|user| {
                crate::validate::check_parts(op, path, query, headers, Some(body)).map_err(|v| {
                    let code = match op.error_format {
                        ErrorFormat::Usg => "USG.000000001",
                        _ => "MMC.111070001",
                    };
                    fail(400, code, format!("{} {}", v.field, v.reason))
                })?;
                let call = Call {
                    user: &user,
                    path,
                    query,
                    headers,
                    body,
                };
                match handler(op.id) {
                    Some(handler) => handler(self, &call),
                    None => Err(fail(501, "SIM.NOT_IMPLEMENTED", format!("{} is not simulated", op.id))),
                }
            }),
        };
        match outcome {
            Ok(body) => json_response(200, body, &request_id),
            Err(f) => error_with_id(f.status, f.code, &f.message, error_format(op), &request_id),
        }
    }

    /// Checks the credential the operation needs; returns the user (the admin is "").
    fn authorized(
        &self,
        op: &OperationMeta,
        query: &[(String, String)],
        headers: &HeaderMap,
    ) -> Result<String, Failure> {
        let now = self.clock.instant();
        match op.security.first().copied() {
            Some(Scheme::AccessToken) => self.auth.user_of(header(headers, "x-access-token"), now),
            Some(Scheme::ConferenceToken) => {
                let parameter = scheme(Scheme::ConferenceToken).conference_parameter.unwrap_or_default();
                let conference_id = param(query, parameter).unwrap_or_default();
                self.control
                    .authorize(header(headers, "x-conference-authorization"), &conference_id, now)?;
                Ok(ADMIN.into())
            }
            _ => Ok(ADMIN.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_spec_has_one_handler() {
        let handled: Vec<&str> = HANDLERS_BY_AREA
            .iter()
            .flat_map(|area| area.iter().map(|(id, _)| *id))
            .collect();
        let missing: Vec<&str> = crate::operations::operations()
            .iter()
            .map(|op| op.id)
            .filter(|id| !handled.contains(id))
            .collect();
        assert!(
            missing.is_empty(),
            "operations of the spec without a handler: {missing:?}"
        );
        let unknown: Vec<&str> = handled
            .iter()
            .copied()
            .filter(|id| crate::operations::operation(id).is_none())
            .collect();
        assert!(unknown.is_empty(), "handlers for no operation of the spec: {unknown:?}");
        let mut unique = handled.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            handled.len(),
            "an operation has two handlers: {handled:?}"
        );
    }

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
}
