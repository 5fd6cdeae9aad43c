//! A meeting in progress as tests see it ([`Simulator::live_meeting`](crate::simulator::Simulator::live_meeting)).

use super::Meetings;

impl Meetings {
    /// The public view of the meeting in progress `conference_id`.
    pub(in crate::simulator) fn live_view(&self, conference_id: &str) -> Option<crate::simulator::live::LiveMeeting> {
        let meeting = self.meetings.get(conference_id)?;
        let live = meeting.live.as_ref()?;
        let c = &live.controls;
        Some(crate::simulator::live::LiveMeeting {
            conference_id: meeting.conference_id.clone(),
            conf_uuid: live.conf_uuid.clone(),
            ends_at: live.ends,
            participants: meeting
                .participants
                .iter()
                .map(|p| crate::simulator::live::LiveParticipant {
                    participant_id: p.participant_id.clone(),
                    name: p.name.clone(),
                    number: p.number.clone(),
                    role: p.role,
                    muted: p.muted,
                    hand_raised: p.hand_raised,
                    in_waiting_room: p.in_waiting_room,
                    may_record_locally: p.may_record,
                    camera_asked_on: p.camera_asked_on,
                    language_channel: p.language_channel.clone(),
                })
                .collect(),
            locked: c.locked,
            all_muted: c.all_muted,
            guests_may_unmute: c.guests_may_unmute,
            recording: c.recording,
            live_streaming: c.live_streaming,
            broadcast: c.broadcast.clone(),
            roll_called: c.roll_called.clone(),
            view_locked: c.view_locked.clone(),
            layout: c.layout.clone(),
            auto_prolong_minutes: c.auto_prolong,
            views: c.views.clone(),
            host_view: c.host_view.clone(),
            settings: c.settings.clone(),
            audience_allowed: !c.audience_closed,
            share_invited: c.share_invited.clone(),
            mmr_recording: c.mmr_recording,
            mmr_live: c.mmr_live,
            saved_layouts: c.layouts.iter().filter_map(|l| l.lay_out_name.clone()).collect(),
            paused: c.paused,
            interpreting: c.interpreting,
            interpreter_groups: c
                .interpreter_groups
                .iter()
                .map(|g| {
                    (
                        g.group_id.clone(),
                        [g.first_language.clone(), g.second_language.clone()],
                    )
                })
                .collect(),
            language_channels: c.language_channels(),
            custom_multi_picture: c.custom_picture.clone(),
        })
    }
}
