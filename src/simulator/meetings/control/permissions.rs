//! Meeting control of what participants may do (the audience's admission, recording on one's
//! own client, hands of several participants at once, camera and screen-share invitations)
//! and of the media server's recording and live stream.

use super::{HOST, Meetings, not_paused, participant, unknown_participant};
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::live::MmrRecording;
use crate::simulator::wire::bad_request;

impl Handle<input::AllowAudienceJoin> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::AllowAudienceJoin) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let allowed = input.body.allow_audience == 1;
        meeting.live.as_mut().expect("in progress").controls.audience_closed = !allowed;
        let code = if allowed { "ALLOW_AUDIENCE" } else { "FORBID_AUDIENCE" };
        meeting.log_control(cx.now, HOST, code, "");
        Ok(())
    }
}

impl Handle<input::AllowClientRecord> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::AllowClientRecord) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        participant(meeting, &input.participant_id)?.may_record = input.body.allow_client_record == 1;
        Ok(())
    }
}

/// Every participant named must be in the meeting: an unknown one refuses the whole call.
impl Handle<input::BatchHand> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::BatchHand) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let request = input.body;
        if let Some(unknown) = request.pids.iter().find(|id| {
            !meeting
                .participants
                .iter()
                .any(|p| p.participant_id.as_ref() == Some(*id))
        }) {
            return Err(unknown_participant(unknown));
        }
        for id in &request.pids {
            participant(meeting, id)?.hand_raised = request.hands_state == 1;
        }
        Ok(())
    }
}

/// `status` 0 asks to turn the camera on, 1 to turn it off.
impl Handle<input::InviteOperateVideo> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::InviteOperateVideo) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let on = input.body.status == 0;
        if on {
            not_paused(meeting, "asking a camera on")?;
        }
        participant(meeting, &input.participant_id)?.camera_asked_on = Some(on);
        Ok(())
    }
}

/// One participant is invited to share at a time; cancelling names the one invited.
impl Handle<input::InviteShare> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::InviteShare) -> Answer<()> {
        let id = input.participant_id;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        participant(meeting, &id)?;
        if input.body.share == 1 {
            not_paused(meeting, "inviting someone to share")?;
        }
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        if input.body.share == 1 {
            controls.share_invited = Some(id.clone());
            meeting.log_control(cx.now, HOST, "INVITE_SHARE", &id);
        } else if controls.share_invited.as_deref() == Some(id.as_str()) {
            controls.share_invited = None;
        }
        Ok(())
    }
}

/// 1 starts (or starts again), 0 pauses a running recording, 2 stops. A meeting recorded at
/// some point has its recording once it ends.
impl Handle<input::SetMmrRecord> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SetMmrRecord) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        let (state, code) = match (input.body.record_type, controls.mmr_recording) {
            (1, _) => (MmrRecording::Running, "START_MMR_RECORD"),
            (0, MmrRecording::Stopped) => {
                return Err(bad_request("the MMR recording is not running: nothing to pause"));
            }
            (0, _) => (MmrRecording::Paused, "PAUSE_MMR_RECORD"),
            _ => (MmrRecording::Stopped, "STOP_MMR_RECORD"),
        };
        controls.mmr_recording = state;
        controls.recorded |= state == MmrRecording::Running;
        meeting.log_control(cx.now, HOST, code, "");
        Ok(())
    }
}

impl Handle<input::SetMmrLive> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::SetMmrLive) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let on = input.body.live_state == 1;
        meeting.live.as_mut().expect("in progress").controls.mmr_live = on;
        meeting.log_control(cx.now, HOST, if on { "START_MMR_LIVE" } else { "STOP_MMR_LIVE" }, "");
        Ok(())
    }
}
