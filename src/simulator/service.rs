//! The simulated enterprise: its areas' state, the router and the table of handlers.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::Response;

use super::SimulatorBuilder;
use super::auth::{ADMIN, Auth};
use super::control::Control;
use super::meetings::Meetings;
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
const HANDLERS_BY_AREA: [&[(&str, Handler)]; 4] = [
    super::auth::HANDLERS,
    super::meetings::HANDLERS,
    super::control::HANDLERS,
    super::rooms::HANDLERS,
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
    pub(super) auth: Auth,
    pub(super) meetings: Meetings,
    pub(super) control: Control,
    pub(super) rooms: Rooms,
    /// Every access and meeting-control token, in the order issued.
    pub(crate) issued: Vec<String>,
}

impl Service {
    pub(crate) fn new(config: &SimulatorBuilder) -> Self {
        let mut service = Service {
            auth: Auth::new(config),
            meetings: Meetings::new(),
            control: Control::new(config),
            rooms: Rooms::new(config),
            issued: Vec::new(),
        };
        if let Some(in_progress) = config.spec_examples {
            let examples = super::examples::SpecExamples::load();
            service.auth.seed_examples(&examples);
            service.meetings.seed_examples(&examples, in_progress);
            service.rooms.seed_examples(&examples);
        }
        service
    }

    pub(crate) fn expire_access_tokens(&mut self) {
        self.auth.expire_all();
    }

    pub(crate) fn expire_conference_tokens(&mut self) {
        self.control.expire_all();
    }

    /// Expires the token a request presents.
    pub(crate) fn expire_presented(&mut self, headers: &HeaderMap) {
        if let Some(token) = header(headers, "x-access-token") {
            self.auth.expire(&token);
        }
        if let Some(token) = header(headers, "x-conference-authorization") {
            self.control.expire(&token);
        }
    }

    pub(crate) fn set_access_token_validity(&mut self, validity: Duration) {
        self.auth.validity = validity;
    }

    pub(crate) fn set_conference_token_validity(&mut self, validity: Duration) {
        self.control.validity = validity;
    }

    pub(crate) fn live_tokens(&self, user_id: Option<&str>) -> usize {
        self.auth.live_tokens(user_id)
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
        match op.security.first().copied() {
            Some(Scheme::AccessToken) => self.auth.user_of(header(headers, "x-access-token")),
            Some(Scheme::ConferenceToken) => {
                let parameter = scheme(Scheme::ConferenceToken).conference_parameter.unwrap_or_default();
                let conference_id = param(query, parameter).unwrap_or_default();
                self.control
                    .authorize(header(headers, "x-conference-authorization"), &conference_id)?;
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
