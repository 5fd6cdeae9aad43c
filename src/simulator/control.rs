//! Meeting control: meeting-control tokens (obtained with the host password of a meeting in
//! progress) and the operations they allow, on participants (`participants`) and on the
//! meeting (`settings`).

mod participants;
mod settings;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::SimulatorBuilder;
use super::meetings::{Meeting, Participant, not_in_progress};
use super::service::{Handler, Service};
use super::wire::{Call, Failure, Outcome, bad_request, fail, int32, random_token, reply};
use crate::Secret;
use crate::types::{RestBulkDelAttendReqBody, RestLoginResponse, TokenInfo};

pub(super) use participants::HANDLERS as PARTICIPANT_HANDLERS;
pub(super) use settings::HANDLERS as SETTINGS_HANDLERS;

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("create_conf_token", create_conf_token),
    ("delete_attendees", delete_attendees),
    ("stop_meeting", stop_meeting),
];

pub(super) struct Control {
    /// Token -> (meeting it controls, expiry).
    tokens: HashMap<String, (String, Instant)>,
    pub(super) validity: Duration,
}

impl Control {
    pub(super) fn new(config: &SimulatorBuilder) -> Self {
        Control {
            tokens: HashMap::new(),
            validity: config.conference_token_validity,
        }
    }

    /// Checks a presented `X-Conference-Authorization` against the meeting the call names.
    pub(super) fn authorize(&self, token: Option<String>, conference_id: &str, now: Instant) -> Result<(), Failure> {
        let token = token.ok_or_else(|| fail(401, "MMC.118000001", "X-Conference-Authorization is missing"))?;
        match self.tokens.get(&token) {
            Some((id, expires)) if *expires > now && id == conference_id => Ok(()),
            _ => Err(fail(
                401,
                "MMC.118000001",
                "USER_TOKEN_AUTH_FAILED: the meeting-control token is invalid or has expired",
            )),
        }
    }

    pub(super) fn expire_all(&mut self, now: Instant) {
        self.tokens.values_mut().for_each(|(_, expires)| *expires = now);
    }

    pub(super) fn expire(&mut self, token: &str, now: Instant) {
        if let Some((_, expires)) = self.tokens.get_mut(token) {
            *expires = now;
        }
    }

    /// Drops the tokens of a meeting that no longer exists.
    pub(super) fn forget(&mut self, conference_id: &str) {
        self.tokens.retain(|_, (conference, _)| conference != conference_id);
    }
}

fn create_conf_token(service: &mut Service, call: &Call<'_>) -> Outcome {
    if call.header("x-login-type").as_deref() != Some("1") {
        return Err(bad_request("X-Login-Type must be 1"));
    }
    let password = call.header("x-password").unwrap_or_default();
    // An unknown meeting and a wrong password are the same answer, as at the service.
    let refused = || fail(400, "MMC.111072065", "CONF_NOT_FOUND_OR_AUTH_FAILED");
    let meeting = service.meetings.find(call).map_err(|_| refused())?;
    if meeting.host_password != password {
        return Err(refused());
    }
    if meeting.live.is_none() {
        return Err(not_in_progress());
    }
    let conference_id = meeting.conference_id.clone();
    let owner = meeting.owner.clone();
    let validity = service.control.validity;
    let token = random_token("stb");
    service.issued.push(token.clone());
    service.control.tokens.insert(
        token.clone(),
        (conference_id.clone(), service.clock.instant() + validity),
    );
    let expire_ms = service.clock.now().timestamp_millis() + validity.as_millis() as i64;
    reply(&RestLoginResponse {
        address_token: Some(Secret::new(random_token("cnr"))),
        gloabl_public_ip: Some("meeting.huaweicloud.com".into()),
        data: Some(TokenInfo {
            token: Some(Secret::new(token)),
            tmp_ws_token: Some(Secret::new(random_token(""))),
            ws_url: Some("wss://127.0.0.1".into()),
            role: Some(1),
            expire_time: Some(expire_ms),
            conf_token_expire_time: Some(int32(validity.as_secs())),
            user_id: Some(owner),
            org_id: Some("40454".into()),
            vmr_current_conf_id: Some(conference_id),
            support_notify_type: Some(vec!["INCREMENT".into()]),
            ..TokenInfo::default()
        }),
    })
}

/// Who performs meeting control: the host, holding the meeting-control token.
const HOST: &str = "chair";

/// The meeting in progress the call's `conferenceID` names (its token was checked already).
fn live_meeting<'a>(service: &'a mut Service, call: &Call<'_>) -> Result<&'a mut Meeting, Failure> {
    let conference_id = call.param("conferenceID").unwrap_or_default();
    service
        .meetings
        .in_progress_mut(&conference_id)
        .map(|(meeting, _)| meeting)
}

/// The participant `participant_id` of a meeting in progress (in it or its waiting room).
fn participant<'a>(meeting: &'a mut Meeting, participant_id: &str) -> Result<&'a mut Participant, Failure> {
    meeting
        .participants
        .iter_mut()
        .find(|p| p.participant_id.as_deref() == Some(participant_id))
        .ok_or_else(|| unknown_participant(participant_id))
}

fn unknown_participant(participant_id: &str) -> Failure {
    bad_request(format!("participant {participant_id} is not in the meeting"))
}

/// The `participantID` query parameter of the call.
fn participant_param(call: &Call<'_>) -> String {
    call.param("participantID").unwrap_or_default()
}

fn delete_attendees(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestBulkDelAttendReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = service.meetings.find_mut(call)?;
    if meeting.live.is_none() {
        return Err(not_in_progress());
    }
    for removal in &request.bulk_del_attend_info {
        if !meeting.participants.iter().any(|p| p.number == removal.number) {
            return Err(bad_request(format!(
                "participant {} is not in the meeting",
                removal.number
            )));
        }
    }
    for removal in &request.bulk_del_attend_info {
        meeting.leave(&removal.number, now);
        meeting.log_control(now, HOST, "DEL_ATTENDEE", &removal.number);
    }
    Ok(None)
}

/// Ends a meeting in progress: it goes to history; its meeting-control tokens end with it.
fn stop_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let now = service.clock.now();
    let id = call.param("conferenceID").unwrap_or_default();
    service.end_meeting(&id, now, HOST)?;
    Ok(None)
}
