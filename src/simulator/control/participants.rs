//! Meeting control of participants: invite, hang up, rename, roll-call, roles, hands,
//! microphones, broadcast, the waiting room and the views of terminals.

use super::{HOST, live_meeting, participant, participant_param, unknown_participant};
use crate::simulator::live::Role;
use crate::simulator::service::{Handler, Service};
use crate::simulator::wire::{Call, Outcome, bad_request, fail};
use crate::types::{
    RestAllowWaitingParticipantReqBody, RestBatchMoveToWaitingRoomReqBody, RestBulkHangUpReqBody,
    RestChairTokenReqBody, RestHandsUpReqBody, RestInviteReqBody, RestLockSiteViewReqBody,
    RestMoveToWaitingRoomReqBody, RestMuteParticipantReqBody, RestParticipantViewReqBody, RestRenamePartReqBody,
    RestSetCohostBody,
};

pub(in crate::simulator) const HANDLERS: &[(&str, Handler)] = &[
    ("invite_participant", invite_participant),
    ("hang_up", hang_up),
    ("rename_participant", rename_participant),
    ("rollcall_participant", rollcall_participant),
    ("set_role", set_role),
    ("set_cohost", set_cohost),
    ("hand", hand),
    ("mute_participant", mute_participant),
    ("broadcast_participant", broadcast_participant),
    ("cancel_broadcast", cancel_broadcast),
    ("move_to_waiting_room", move_to_waiting_room),
    ("batch_move_to_waiting_room", batch_move_to_waiting_room),
    ("allow_waiting_participant", allow_waiting_participant),
    ("lock_view", lock_view),
    ("set_participant_view", set_participant_view),
];

/// Co-hosts a meeting may have at most.
const MAX_COHOSTS: usize = 100;

/// Invited participants are called and join at once.
fn invite_participant(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestInviteReqBody = call.parse()?;
    let now = service.clock.now();
    let conference_id = call.param("conferenceID").unwrap_or_default();
    let (meeting, next) = service.meetings.in_progress_mut(&conference_id)?;
    for attendee in &request.attendees {
        let id = meeting.join(&attendee.phone, &attendee.name, now, next);
        meeting.log_control(now, HOST, "INVITE", &id);
    }
    Ok(None)
}

/// Ends the calls of participants; they stay invited. One already gone is hung up already.
fn hang_up(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestBulkHangUpReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    for id in &request.bulk_hang_up_participants {
        // One hung up already is hung up again: nothing changes.
        let known = meeting
            .participants
            .iter()
            .any(|p| p.participant_id.as_ref() == Some(id) || p.former_id.as_ref() == Some(id));
        if !known {
            return Err(unknown_participant(id));
        }
    }
    for id in &request.bulk_hang_up_participants {
        meeting.hang_up(id, now);
        meeting.log_control(now, HOST, "HANG_UP", id);
    }
    Ok(None)
}

fn rename_participant(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestRenamePartReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let renamed = match &request.participant_id {
        Some(id) => participant(meeting, id)?,
        None => meeting
            .participants
            .iter_mut()
            .find(|p| p.number == request.number && p.participant_id.is_some())
            .ok_or_else(|| unknown_participant(&request.number))?,
    };
    renamed.name.clone_from(&request.new_name);
    let id = renamed.participant_id.clone().unwrap_or_default();
    meeting.log_control(now, HOST, "RENAME", &id);
    Ok(None)
}

/// Roll-calls a participant: unmuted, and seen by everyone.
fn rollcall_participant(service: &mut Service, call: &Call<'_>) -> Outcome {
    let id = participant_param(call);
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    participant(meeting, &id)?.muted = false;
    let live = meeting.live.as_mut().expect("in progress");
    live.controls.roll_called = Some(id.clone());
    live.controls.broadcast = Some(id.clone());
    meeting.log_control(now, HOST, "ROLL_CALL", &id);
    Ok(None)
}

/// Hands the chair to a participant (`applyChair` 1) or takes it back (0).
fn set_role(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestChairTokenReqBody = call.parse()?;
    let id = participant_param(call);
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    if let Some(password) = &request.chairman_pwd
        && password.expose() != meeting.host_password
    {
        return Err(fail(
            400,
            "MMC.111072065",
            "CONF_NOT_FOUND_OR_AUTH_FAILED: wrong host password",
        ));
    }
    participant(meeting, &id)?;
    let chair = request.apply_chair == 1;
    for p in &mut meeting.participants {
        let is_target = p.participant_id.as_deref() == Some(id.as_str());
        if is_target {
            p.role = if chair { Role::Chair } else { Role::Normal };
        } else if chair && p.role == Role::Chair {
            // One chair at a time: the previous one becomes an ordinary participant.
            p.role = Role::Normal;
        }
    }
    meeting.log_control(now, HOST, if chair { "SET_CHAIR" } else { "RELEASE_CHAIR" }, &id);
    Ok(None)
}

fn set_cohost(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestSetCohostBody = call.parse()?;
    let id = participant_param(call);
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let cohosts = meeting.participants.iter().filter(|p| p.role == Role::Cohost).count();
    let target = participant(meeting, &id)?;
    match (request.is_cohost == 1, target.role) {
        (true, Role::Chair) => return Err(bad_request(format!("participant {id} is the host"))),
        (true, Role::Normal) if cohosts >= MAX_COHOSTS => {
            return Err(bad_request(format!("a meeting has at most {MAX_COHOSTS} co-hosts")));
        }
        (true, _) => target.role = Role::Cohost,
        (false, Role::Cohost) => target.role = Role::Normal,
        (false, _) => {}
    }
    meeting.log_control(now, HOST, "SET_COHOST", &id);
    Ok(None)
}

fn hand(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestHandsUpReqBody = call.parse()?;
    let id = participant_param(call);
    let meeting = live_meeting(service, call)?;
    participant(meeting, &id)?.hand_raised = request.hands_state == 1;
    Ok(None)
}

fn mute_participant(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestMuteParticipantReqBody = call.parse()?;
    let id = participant_param(call);
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    participant(meeting, &id)?.muted = request.is_mute == 1;
    let code = if request.is_mute == 1 {
        "MUTE_PARTICIPANT"
    } else {
        "UNMUTE_PARTICIPANT"
    };
    meeting.log_control(now, HOST, code, &id);
    Ok(None)
}

fn broadcast_participant(service: &mut Service, call: &Call<'_>) -> Outcome {
    let id = participant_param(call);
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    if !participant(meeting, &id)?.is_present() {
        return Err(bad_request(format!("participant {id} is in the waiting room")));
    }
    meeting.live.as_mut().expect("in progress").controls.broadcast = Some(id.clone());
    meeting.log_control(now, HOST, "BROADCAST", &id);
    Ok(None)
}

fn cancel_broadcast(service: &mut Service, call: &Call<'_>) -> Outcome {
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let controls = &mut meeting.live.as_mut().expect("in progress").controls;
    controls.broadcast = None;
    controls.roll_called = None;
    meeting.log_control(now, HOST, "CANCEL_BROADCAST", "");
    Ok(None)
}

/// Sends participants to the waiting room (the chair stays).
fn to_waiting_room(service: &mut Service, call: &Call<'_>, ids: &[String]) -> Outcome {
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    for id in ids {
        if participant(meeting, id)?.role == Role::Chair {
            return Err(bad_request(format!("participant {id} is the host")));
        }
    }
    for id in ids {
        participant(meeting, id)?.in_waiting_room = true;
        let live = meeting.live.as_mut().expect("in progress");
        live.controls.forget(id);
        meeting.log_control(now, HOST, "MOVE_TO_WAITING_ROOM", id);
    }
    Ok(None)
}

fn move_to_waiting_room(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestMoveToWaitingRoomReqBody = call.parse()?;
    to_waiting_room(service, call, std::slice::from_ref(&request.participant_id))
}

fn batch_move_to_waiting_room(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestBatchMoveToWaitingRoomReqBody = call.parse()?;
    to_waiting_room(service, call, &request.batch_participants)
}

/// Admits one participant, or everyone (`allowAll`), from the waiting room.
fn allow_waiting_participant(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestAllowWaitingParticipantReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    if request.allow_all == Some(true) {
        meeting.participants.iter_mut().for_each(|p| p.in_waiting_room = false);
        meeting.log_control(now, HOST, "ALLOW_WAITING_PARTICIPANT", "all");
        return Ok(None);
    }
    let id = request
        .participant_id
        .ok_or_else(|| bad_request("participantID or allowAll is mandatory"))?;
    // Admitting someone already in (a repeat) changes nothing: the operation is idempotent.
    participant(meeting, &id)?.in_waiting_room = false;
    meeting.log_control(now, HOST, "ALLOW_WAITING_PARTICIPANT", &id);
    Ok(None)
}

/// Locks (status 1) or unlocks a terminal's view on a participant.
fn lock_view(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestLockSiteViewReqBody = call.parse()?;
    let terminal = participant_param(call);
    let meeting = live_meeting(service, call)?;
    participant(meeting, &terminal)?;
    participant(meeting, &request.participant_id)?;
    let controls = &mut meeting.live.as_mut().expect("in progress").controls;
    controls.view_locked.retain(|t| *t != terminal);
    if request.status == 1 {
        controls.view_locked.push(terminal.clone());
        controls.views.insert(terminal, request.participant_id);
    }
    Ok(None)
}

fn set_participant_view(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestParticipantViewReqBody = call.parse()?;
    let terminal = participant_param(call);
    let meeting = live_meeting(service, call)?;
    participant(meeting, &terminal)?;
    participant(meeting, &request.participant_id)?;
    let controls = &mut meeting.live.as_mut().expect("in progress").controls;
    if controls.view_locked.contains(&terminal) {
        return Err(bad_request(format!("the view of {terminal} is locked")));
    }
    controls.views.insert(terminal, request.participant_id);
    Ok(None)
}
