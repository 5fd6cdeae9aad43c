//! Meeting control of participants: invite, hang up, rename, roll-call, roles, hands,
//! microphones, broadcast, the waiting room and the views of terminals.

use super::{HOST, Meetings, not_paused, participant, unknown_participant};
use crate::ErrorCode;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::live::Role;
use crate::simulator::wire::{bad_request, fail};

/// Co-hosts a meeting may have at most.
const MAX_COHOSTS: usize = 100;

/// Invited participants are called and join at once.
impl Handle<input::InviteParticipant> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::InviteParticipant) -> Answer<()> {
        let (meeting, next) = self.in_progress_mut(&input.conference_id)?;
        for attendee in &input.body.attendees {
            let id = meeting.join(&attendee.phone, &attendee.name, cx.now, next);
            meeting.log_control(cx.now, HOST, "INVITE", &id);
        }
        Ok(())
    }
}

/// Ends the calls of participants; they stay invited. One already gone is hung up already.
impl Handle<input::HangUp> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::HangUp) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let ids = &input.body.bulk_hang_up_participants;
        for id in ids {
            // One hung up already is hung up again: nothing changes.
            let known = meeting
                .participants
                .iter()
                .any(|p| p.participant_id.as_ref() == Some(id) || p.former_id.as_ref() == Some(id));
            if !known {
                return Err(unknown_participant(id));
            }
        }
        for id in ids {
            meeting.hang_up(id, cx.now);
            meeting.log_control(cx.now, HOST, "HANG_UP", id);
        }
        Ok(())
    }
}

impl Handle<input::RenameParticipant> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::RenameParticipant) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let renamed = match &request.participant_id {
            Some(id) => participant(meeting, id)?,
            None => meeting
                .participants
                .iter_mut()
                .find(|p| p.number == request.number && p.participant_id.is_some())
                .ok_or_else(|| unknown_participant(&request.number))?,
        };
        renamed.name = request.new_name;
        let id = renamed.participant_id.clone().unwrap_or_default();
        meeting.log_control(cx.now, HOST, "RENAME", &id);
        Ok(())
    }
}

/// Roll-calls a participant: unmuted, and seen by everyone.
impl Handle<input::RollcallParticipant> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::RollcallParticipant) -> Answer<()> {
        let id = input.participant_id;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        participant(meeting, &id)?.muted = false;
        let live = meeting.live.as_mut().expect("in progress");
        live.controls.roll_called = Some(id.clone());
        live.controls.broadcast = Some(id.clone());
        meeting.log_control(cx.now, HOST, "ROLL_CALL", &id);
        Ok(())
    }
}

/// Hands the chair to a participant (`applyChair` 1) or takes it back (0).
impl Handle<input::SetRole> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SetRole) -> Answer<()> {
        let (request, id) = (input.body, input.participant_id);
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        if let Some(password) = &request.chairman_pwd
            && password.expose() != meeting.host_password
        {
            return Err(fail(
                400,
                ErrorCode::MeetingNotFoundOrAuthFailed,
                "CONF_NOT_FOUND_OR_AUTH_FAILED: wrong host password",
            ));
        }
        participant(meeting, &id)?;
        let chair = request.apply_chair == 1;
        for p in &mut meeting.participants {
            if p.participant_id.as_deref() == Some(id.as_str()) {
                p.role = if chair { Role::Chair } else { Role::Normal };
            } else if chair && p.role == Role::Chair {
                // One chair at a time: the previous one becomes an ordinary participant.
                p.role = Role::Normal;
            }
        }
        meeting.log_control(cx.now, HOST, if chair { "SET_CHAIR" } else { "RELEASE_CHAIR" }, &id);
        Ok(())
    }
}

impl Handle<input::SetCohost> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SetCohost) -> Answer<()> {
        let id = input.participant_id;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let cohosts = meeting.participants.iter().filter(|p| p.role == Role::Cohost).count();
        let target = participant(meeting, &id)?;
        match (input.body.is_cohost == 1, target.role) {
            (true, Role::Chair) => return Err(bad_request(format!("participant {id} is the host"))),
            (true, Role::Normal) if cohosts >= MAX_COHOSTS => {
                return Err(bad_request(format!("a meeting has at most {MAX_COHOSTS} co-hosts")));
            }
            (true, _) => target.role = Role::Cohost,
            (false, Role::Cohost) => target.role = Role::Normal,
            (false, _) => {}
        }
        meeting.log_control(cx.now, HOST, "SET_COHOST", &id);
        Ok(())
    }
}

impl Handle<input::Hand> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::Hand) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        participant(meeting, &input.participant_id)?.hand_raised = input.body.hands_state == 1;
        Ok(())
    }
}

impl Handle<input::MuteParticipant> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::MuteParticipant) -> Answer<()> {
        let id = input.participant_id;
        let mute = input.body.is_mute == 1;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        if !mute {
            not_paused(meeting, "unmuting a participant")?;
        }
        participant(meeting, &id)?.muted = mute;
        let code = if mute { "MUTE_PARTICIPANT" } else { "UNMUTE_PARTICIPANT" };
        meeting.log_control(cx.now, HOST, code, &id);
        Ok(())
    }
}

impl Handle<input::BroadcastParticipant> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::BroadcastParticipant) -> Answer<()> {
        let id = input.participant_id;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        if !participant(meeting, &id)?.is_present() {
            return Err(bad_request(format!("participant {id} is in the waiting room")));
        }
        meeting.live.as_mut().expect("in progress").controls.broadcast = Some(id.clone());
        meeting.log_control(cx.now, HOST, "BROADCAST", &id);
        Ok(())
    }
}

impl Handle<input::CancelBroadcast> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CancelBroadcast) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        controls.broadcast = None;
        controls.roll_called = None;
        meeting.log_control(cx.now, HOST, "CANCEL_BROADCAST", "");
        Ok(())
    }
}

/// Sends participants to the waiting room (the chair stays).
fn to_waiting_room(meetings: &mut Meetings, cx: &Context<'_>, conference_id: &str, ids: &[String]) -> Answer<()> {
    let meeting = meetings.in_progress_mut(conference_id)?.0;
    for id in ids {
        if participant(meeting, id)?.role == Role::Chair {
            return Err(bad_request(format!("participant {id} is the host")));
        }
    }
    for id in ids {
        participant(meeting, id)?.in_waiting_room = true;
        meeting.live.as_mut().expect("in progress").controls.forget(id);
        meeting.log_control(cx.now, HOST, "MOVE_TO_WAITING_ROOM", id);
    }
    Ok(())
}

impl Handle<input::MoveToWaitingRoom> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::MoveToWaitingRoom) -> Answer<()> {
        let ids = std::slice::from_ref(&input.body.participant_id);
        to_waiting_room(self, cx, &input.conference_id, ids)
    }
}

impl Handle<input::BatchMoveToWaitingRoom> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::BatchMoveToWaitingRoom) -> Answer<()> {
        to_waiting_room(self, cx, &input.conference_id, &input.body.batch_participants)
    }
}

/// Admits one participant, or everyone (`allowAll`), from the waiting room.
impl Handle<input::AllowWaitingParticipant> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AllowWaitingParticipant) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        if request.allow_all == Some(true) {
            meeting.participants.iter_mut().for_each(|p| p.in_waiting_room = false);
            meeting.log_control(cx.now, HOST, "ALLOW_WAITING_PARTICIPANT", "all");
            return Ok(());
        }
        let id = request
            .participant_id
            .ok_or_else(|| bad_request("participantID or allowAll is mandatory"))?;
        // Admitting someone already in (a repeat) changes nothing: the operation is idempotent.
        participant(meeting, &id)?.in_waiting_room = false;
        meeting.log_control(cx.now, HOST, "ALLOW_WAITING_PARTICIPANT", &id);
        Ok(())
    }
}

/// Locks (status 1) or unlocks a terminal's view on a participant.
impl Handle<input::LockView> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::LockView) -> Answer<()> {
        let (terminal, request) = (input.participant_id, input.body);
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        participant(meeting, &terminal)?;
        participant(meeting, &request.participant_id)?;
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        controls.view_locked.retain(|t| *t != terminal);
        if request.status == 1 {
            controls.view_locked.push(terminal.clone());
            controls.views.insert(terminal, request.participant_id);
        }
        Ok(())
    }
}

impl Handle<input::SetParticipantView> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SetParticipantView) -> Answer<()> {
        let (terminal, watched) = (input.participant_id, input.body.participant_id);
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        participant(meeting, &terminal)?;
        participant(meeting, &watched)?;
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        if controls.view_locked.contains(&terminal) {
            return Err(bad_request(format!("the view of {terminal} is locked")));
        }
        controls.views.insert(terminal, watched);
        Ok(())
    }
}
