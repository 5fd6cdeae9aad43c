//! Pausing a meeting in progress, and simultaneous interpretation: on and off, the interpreter
//! groups (each opens the channels of its two languages) and the channel each participant
//! listens and speaks in.

use super::{HOST, Meetings, participant, unknown_participant};
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::bad_request;

impl Handle<input::PauseConference> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::PauseConference) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let pause = input.body.pause == 1;
        meeting.live.as_mut().expect("in progress").controls.paused = pause;
        meeting.log_control(cx.now, HOST, if pause { "PAUSE_CONF" } else { "RESUME_CONF" }, "");
        Ok(())
    }
}

impl Handle<input::ResumeSimultaneousInterpretation> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ResumeSimultaneousInterpretation) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let on = input.body.simultaneous_interpretation == 1;
        meeting.live.as_mut().expect("in progress").controls.interpreting = on;
        let code = if on {
            "START_INTERPRETATION"
        } else {
            "STOP_INTERPRETATION"
        };
        meeting.log_control(cx.now, HOST, code, "");
        Ok(())
    }
}

/// The groups replace the meeting's groups. A group interprets between two different
/// languages; group IDs are unique. A participant whose channel no longer exists goes back to
/// the original sound.
impl Handle<input::SetInterpreterGroup> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SetInterpreterGroup) -> Answer<()> {
        let groups = input.body.interpreter_groups;
        for (index, group) in groups.iter().enumerate() {
            if group.first_language == group.second_language {
                return Err(bad_request(format!(
                    "interpreterGroups.{index}: firstLanguage and secondLanguage are both {:?}: a group interprets between two languages",
                    group.first_language
                )));
            }
            if groups[..index].iter().any(|g| g.group_id == group.group_id) {
                return Err(bad_request(format!(
                    "interpreterGroups.{index}: groupID {:?} is given twice",
                    group.group_id
                )));
            }
        }
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        controls.interpreter_groups = groups;
        let channels = controls.language_channels();
        for p in &mut meeting.participants {
            if p.language_channel.as_ref().is_some_and(|c| !channels.contains(c)) {
                p.language_channel = None;
            }
        }
        Ok(())
    }
}

/// Ordinary participants listen and speak in the same channel, which must be one of the
/// interpreter groups' languages. No participant named: everyone in the meeting.
impl Handle<input::SetAttendeeLanChannel> for Meetings {
    fn handle(&mut self, _: &mut Context<'_>, input: input::SetAttendeeLanChannel) -> Answer<()> {
        let request = input.body;
        if request.listen_lan_channel != request.speak_lan_channel {
            return Err(bad_request(format!(
                "listenLanChannel {:?} and speakLanChannel {:?} differ: an ordinary participant listens and speaks in one channel",
                request.listen_lan_channel, request.speak_lan_channel
            )));
        }
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let channels = meeting.live.as_ref().expect("in progress").controls.language_channels();
        let channel = request.listen_lan_channel;
        if !channels.contains(&channel) {
            return Err(bad_request(format!(
                "language channel {channel:?} does not exist in this meeting (its channels: {channels:?})"
            )));
        }
        if let Some(unknown) = request.participant_ids.iter().find(|id| {
            !meeting
                .participants
                .iter()
                .any(|p| p.participant_id.as_ref() == Some(*id))
        }) {
            return Err(unknown_participant(unknown));
        }
        if request.participant_ids.is_empty() {
            for p in meeting.participants.iter_mut().filter(|p| p.is_present()) {
                p.language_channel = Some(channel.clone());
            }
        }
        for id in &request.participant_ids {
            participant(meeting, id)?.language_channel = Some(channel.clone());
        }
        Ok(())
    }
}
