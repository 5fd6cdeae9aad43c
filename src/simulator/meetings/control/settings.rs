//! Meeting control of the meeting as a whole: microphones, lock, duration, settings,
//! recording, live streaming, layout, the host's view; its real-time state; web-socket tokens.

use super::{HOST, Meetings, participant};
use crate::Secret;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::live::Role;
use crate::types::{
    CreateWebSocketTokenResponse, RealTimeAttendee, RealTimeConfInfo, RealTimeParticipant,
    ShowRealTimeInfoOfMeetingResponse,
};

/// Minutes automatic prolonging adds when the request does not say.
const DEFAULT_PROLONG_MINUTES: i64 = 15;

impl Handle<input::ShowRealTimeInfoOfMeeting> for Meetings {
    fn handle(
        &mut self,
        _cx: &mut Context<'_>,
        input: input::ShowRealTimeInfoOfMeeting,
    ) -> Answer<ShowRealTimeInfoOfMeetingResponse> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let present = || meeting.participants.iter().filter(|p| p.is_present());
        let with_role = |role: Role| {
            present()
                .filter(move |p| p.role == role)
                .filter_map(|p| p.participant_id.clone())
        };
        Ok(ShowRealTimeInfoOfMeetingResponse {
            attendees: Some(
                meeting
                    .participants
                    .iter()
                    .map(|p| RealTimeAttendee {
                        name: Some(p.name.clone()),
                        phone: Some(p.number.clone()),
                        ..RealTimeAttendee::default()
                    })
                    .collect(),
            ),
            participants: Some(
                present()
                    .map(|p| RealTimeParticipant {
                        pid: p.participant_id.clone(),
                        name: Some(p.name.clone()),
                        phone: Some(p.number.clone()),
                        state: Some(0),
                        video: Some(1),
                        mute: Some(i32::from(p.muted)),
                        hand: Some(i32::from(p.hand_raised)),
                    })
                    .collect(),
            ),
            conf_info: Some(RealTimeConfInfo {
                chair_id: with_role(Role::Chair).next(),
                co_hosts: Some(with_role(Role::Cohost).collect()),
            }),
        })
    }
}

/// A one-minute, one-use token for the meeting's event web socket.
impl Handle<input::CreateWebSocketToken> for Meetings {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::CreateWebSocketToken,
    ) -> Answer<CreateWebSocketTokenResponse> {
        self.in_progress_mut(&input.conference_id)?;
        Ok(CreateWebSocketTokenResponse {
            web_socket_token: Some(Secret::new(cx.issue_token("ws"))),
        })
    }
}

/// Mutes (or unmutes) everyone but the chair; who joins later joins muted.
impl Handle<input::MuteMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::MuteMeeting) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let mute = request.is_mute == 1;
        for p in meeting.participants.iter_mut().filter(|p| p.role != Role::Chair) {
            p.muted = mute;
        }
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        controls.all_muted = mute;
        // The spec: when muting, participants may unmute themselves unless told otherwise
        // (`allowUnmuteByOneself` defaults to 1).
        match request.allow_unmute_by_oneself {
            Some(allow) => controls.guests_may_unmute = allow == 1,
            None if mute => controls.guests_may_unmute = true,
            None => {}
        }
        meeting.log_control(cx.now, HOST, if mute { "MUTE_ALL" } else { "UNMUTE_ALL" }, "");
        Ok(())
    }
}

impl Handle<input::AllowGuestUnmute> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::AllowGuestUnmute) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        meeting.live.as_mut().expect("in progress").controls.guests_may_unmute =
            input.body.allow_unmute_by_oneself == 1;
        Ok(())
    }
}

impl Handle<input::LockMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::LockMeeting) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let lock = input.body.is_lock == 1;
        meeting.live.as_mut().expect("in progress").controls.locked = lock;
        meeting.log_control(cx.now, HOST, if lock { "LOCK" } else { "UNLOCK" }, "");
        Ok(())
    }
}

/// `auto` 0 moves the end by `duration` minutes now; 1 turns on automatic prolonging by
/// `duration` minutes (15 by default) whenever the end comes with someone in.
impl Handle<input::ProlongMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::ProlongMeeting) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let minutes = request.duration.map_or(DEFAULT_PROLONG_MINUTES, i64::from);
        let live = meeting.live.as_mut().expect("in progress");
        if request.auto == 1 {
            live.controls.auto_prolong = Some(minutes);
        } else {
            live.ends += chrono::Duration::minutes(minutes);
        }
        meeting.log_control(cx.now, HOST, "PROLONG", &minutes.to_string());
        Ok(())
    }
}

/// Settings of the meeting in progress; `isLock` and `allowUnmuteByOneself` are the same
/// state as lock_meeting and allow_guest_unmute change.
impl Handle<input::UpdateStartedConfConfig> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::UpdateStartedConfConfig) -> Answer<()> {
        let request = input.body;
        let settings = serde_json::to_value(&request).unwrap_or_default();
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        if let Some(lock) = request.is_lock {
            controls.locked = lock == 1;
        }
        if let Some(allow) = request.allow_unmute_by_oneself {
            controls.guests_may_unmute = allow == 1;
        }
        for (name, value) in settings.as_object().into_iter().flatten() {
            if !value.is_null() {
                controls.settings.insert(name.clone(), value.clone());
            }
        }
        Ok(())
    }
}

/// Starts or stops recording; a holding recorded at any point has recording files once it
/// ends.
impl Handle<input::Record> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::Record) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let on = input.body.is_record == 1;
        let controls = &mut meeting.live.as_mut().expect("in progress").controls;
        let changed = controls.recording != on;
        controls.recording = on;
        controls.recorded |= on;
        if changed {
            meeting.log_control(cx.now, HOST, if on { "START_RECORD" } else { "STOP_RECORD" }, "");
        }
        Ok(())
    }
}

impl Handle<input::Live> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::Live) -> Answer<()> {
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        let on = input.body.is_live == 1;
        meeting.live.as_mut().expect("in progress").controls.live_streaming = on;
        meeting.log_control(cx.now, HOST, if on { "START_LIVE" } else { "STOP_LIVE" }, "");
        Ok(())
    }
}

impl Handle<input::SwitchMode> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SwitchMode) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        meeting.live.as_mut().expect("in progress").controls.layout =
            Some(format!("{} {}", request.switch_mode, request.image_type));
        Ok(())
    }
}

impl Handle<input::SetHostView> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SetHostView) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        if let Some(id) = &request.participant_id {
            participant(meeting, id)?;
        }
        meeting.live.as_mut().expect("in progress").controls.host_view = Some(match &request.participant_id {
            Some(id) => format!("{} {id}", request.view_type),
            None => request.view_type.to_string(),
        });
        Ok(())
    }
}

/// The layout of everyone's picture: each sub-picture's participants must be in the meeting.
impl Handle<input::SetMultiPicture> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SetMultiPicture) -> Answer<()> {
        let request = input.body;
        let meeting = self.in_progress_mut(&input.conference_id)?.0;
        for id in request.subscriber_in_pics.iter().flat_map(|p| &p.subscriber) {
            participant(meeting, id)?;
        }
        let image = request
            .image_type
            .map_or_else(|| "automatic".to_owned(), |t| t.to_string());
        meeting.live.as_mut().expect("in progress").controls.layout = Some(format!("multi-picture {image}"));
        Ok(())
    }
}
