//! Meeting control: the operations a meeting-control token allows on a meeting in progress,
//! on participants (`participants`) and on the meeting (`settings`). The tokens themselves
//! belong to the auth area.

mod interpretation;
mod layouts;
mod participants;
mod permissions;
mod quality;
mod settings;

use super::{Meeting, Meetings, Participant};
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::{Failure, bad_request};

/// Who performs meeting control: the host, holding the meeting-control token.
pub(super) const HOST: &str = "chair";

/// The participant `participant_id` of a meeting in progress (in it or its waiting room).
fn participant<'a>(meeting: &'a mut Meeting, participant_id: &str) -> Result<&'a mut Participant, Failure> {
    meeting
        .participants
        .iter_mut()
        .find(|p| p.participant_id.as_deref() == Some(participant_id))
        .ok_or_else(|| unknown_participant(participant_id))
}

/// What a paused meeting refuses (the simulator's reading: Huawei documents no list): media
/// starting again, i.e. unmuting someone, inviting someone to share, asking a camera on.
fn not_paused(meeting: &Meeting, what: &str) -> Result<(), Failure> {
    match &meeting.live {
        Some(live) if live.controls.paused => Err(bad_request(format!(
            "meeting {} is paused: resume it (pause_conference 0) before {what}",
            meeting.conference_id
        ))),
        _ => Ok(()),
    }
}

fn unknown_participant(participant_id: &str) -> Failure {
    bad_request(format!("participant {participant_id} is not in the meeting"))
}

impl Handle<input::DeleteAttendees> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::DeleteAttendees) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let removals = &input.body.bulk_del_attend_info;
        if let Some(missing) = removals
            .iter()
            .find(|r| !meeting.participants.iter().any(|p| p.number == r.number))
        {
            return Err(unknown_participant(&missing.number));
        }
        for removal in removals {
            meeting.leave(&removal.number, cx.now);
            meeting.log_control(cx.now, HOST, "DEL_ATTENDEE", &removal.number);
        }
        Ok(())
    }
}

/// Ends a meeting in progress: it goes to history; its meeting-control tokens end with it.
impl Handle<input::StopMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::StopMeeting) -> Answer<()> {
        self.end(cx, &input.conference_id, HOST)
    }
}
