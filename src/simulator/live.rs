//! What meeting control changes in a meeting in progress, and the public view of it
//! ([`Simulator::live_meeting`](super::Simulator::live_meeting)) for tests that check what a
//! program did to a meeting.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// A participant's role in a meeting in progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Role {
    /// The host (one at most).
    Chair,
    /// A co-host.
    Cohost,
    /// Everyone else.
    #[default]
    Normal,
}

/// The state of a meeting's recording on the media server (set_mmr_record).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MmrRecording {
    /// Not recording.
    #[default]
    Stopped,
    /// Recording.
    Running,
    /// Paused: it starts again where it was.
    Paused,
}

/// The meeting-wide state meeting control changes.
#[derive(Debug, Default)]
pub(super) struct Controls {
    pub(super) locked: bool,
    /// Everyone but the chair was muted (new participants join muted).
    pub(super) all_muted: bool,
    pub(super) guests_may_unmute: bool,
    pub(super) recording: bool,
    /// Recorded at some point of the holding: it has recording files once it ends.
    pub(super) recorded: bool,
    pub(super) live_streaming: bool,
    /// The participant everyone sees.
    pub(super) broadcast: Option<String>,
    /// The participant being roll-called.
    pub(super) roll_called: Option<String>,
    /// Minutes the end moves on by while someone is in (automatic prolonging).
    pub(super) auto_prolong: Option<i64>,
    /// `switchMode` and `imageType` of switch_mode; `imageType` of set_multi_picture.
    pub(super) layout: Option<String>,
    /// Terminal -> the participant its view is locked on (lock_view) or watches
    /// (set_participant_view).
    pub(super) views: BTreeMap<String, String>,
    /// Terminals whose view is locked.
    pub(super) view_locked: Vec<String>,
    /// What the host watches (set_host_view).
    pub(super) host_view: Option<String>,
    /// Settings changed in progress (update_started_conf_config), by their JSON name.
    pub(super) settings: BTreeMap<String, serde_json::Value>,
    /// The audience may no longer join (allow_audience_join 0).
    pub(super) audience_closed: bool,
    /// The participant invited to share their screen (invite_share).
    pub(super) share_invited: Option<String>,
    pub(super) mmr_recording: MmrRecording,
    pub(super) mmr_live: bool,
    /// Layouts saved for this holding (save_layout).
    pub(super) layouts: Vec<crate::types::RestPicLayout>,
    /// Paused by the host (pause_conference).
    pub(super) paused: bool,
    /// Simultaneous interpretation is on (resume_simultaneous_interpretation).
    pub(super) interpreting: bool,
    /// The interpreter groups (set_interpreter_group): each opens its two languages' channels.
    pub(super) interpreter_groups: Vec<crate::types::InterpreterGroupInfo>,
    /// The custom multi-picture last set (set_custom_multi_picture): its `imageType`, or
    /// `automatic`.
    pub(super) custom_picture: Option<String>,
}

impl Controls {
    /// The language channels that exist: the languages of the interpreter groups.
    pub(super) fn language_channels(&self) -> Vec<String> {
        let mut channels: Vec<String> = self
            .interpreter_groups
            .iter()
            .flat_map(|g| [g.first_language.clone(), g.second_language.clone()])
            .collect();
        channels.sort();
        channels.dedup();
        channels
    }

    /// A participant who left is no longer broadcast, roll-called or watched.
    pub(super) fn forget(&mut self, participant_id: &str) {
        if self.broadcast.as_deref() == Some(participant_id) {
            self.broadcast = None;
        }
        if self.roll_called.as_deref() == Some(participant_id) {
            self.roll_called = None;
        }
        if self.share_invited.as_deref() == Some(participant_id) {
            self.share_invited = None;
        }
        self.views.remove(participant_id);
        self.view_locked.retain(|p| p != participant_id);
    }
}

/// A meeting in progress as the simulator keeps it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LiveMeeting {
    /// Its `conferenceID`.
    pub conference_id: String,
    /// The `confUUID` of this holding.
    pub conf_uuid: String,
    /// When it ends by itself (prolonging moves it).
    pub ends_at: DateTime<Utc>,
    /// Everyone invited: those in the meeting have a `participant_id`.
    pub participants: Vec<LiveParticipant>,
    /// Nobody may join by themselves.
    pub locked: bool,
    /// Everyone but the host was muted.
    pub all_muted: bool,
    /// Muted participants may unmute themselves.
    pub guests_may_unmute: bool,
    /// Being recorded now.
    pub recording: bool,
    /// Being streamed live now.
    pub live_streaming: bool,
    /// The participant broadcast to everyone.
    pub broadcast: Option<String>,
    /// The participant being roll-called.
    pub roll_called: Option<String>,
    /// Terminals whose view is locked.
    pub view_locked: Vec<String>,
    /// The layout chosen (switch_mode, set_multi_picture).
    pub layout: Option<String>,
    /// Minutes of automatic prolonging, when on.
    pub auto_prolong_minutes: Option<i64>,
    /// What each terminal watches (lock_view, set_participant_view): terminal -> participant.
    pub views: BTreeMap<String, String>,
    /// What the host watches (set_host_view): `viewType`, and the participant if one.
    pub host_view: Option<String>,
    /// Settings changed in progress (update_started_conf_config), by their JSON name.
    pub settings: BTreeMap<String, serde_json::Value>,
    /// The audience may join (allow_audience_join).
    pub audience_allowed: bool,
    /// The participant invited to share their screen (invite_share).
    pub share_invited: Option<String>,
    /// The recording on the media server (set_mmr_record).
    pub mmr_recording: MmrRecording,
    /// Streamed live from the media server (set_mmr_live).
    pub mmr_live: bool,
    /// The names of the layouts saved for this holding (save_layout), in the order saved.
    pub saved_layouts: Vec<String>,
    /// Paused by the host (pause_conference): the simulator then refuses to unmute a
    /// participant, to invite one to share or to turn a camera on.
    pub paused: bool,
    /// Simultaneous interpretation is on (resume_simultaneous_interpretation).
    pub interpreting: bool,
    /// The interpreter groups' language pairs (set_interpreter_group), by group ID.
    pub interpreter_groups: Vec<(String, [String; 2])>,
    /// The language channels that exist (the groups' languages), sorted.
    pub language_channels: Vec<String>,
    /// The custom multi-picture last set (set_custom_multi_picture): its `imageType`, or
    /// `automatic`; applied to `layout` unless only saved.
    pub custom_multi_picture: Option<String>,
}

/// A participant of a [`LiveMeeting`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LiveParticipant {
    /// Its `participantID` while in the meeting (or its waiting room).
    pub participant_id: Option<String>,
    /// Display name.
    pub name: String,
    /// Number.
    pub number: String,
    /// Role.
    pub role: Role,
    /// Microphone off.
    pub muted: bool,
    /// Hand raised.
    pub hand_raised: bool,
    /// In the waiting room.
    pub in_waiting_room: bool,
    /// May record the meeting on its own client (allow_client_record).
    pub may_record_locally: bool,
    /// What the host last asked of its camera: on (`Some(true)`) or off (invite_operate_video).
    pub camera_asked_on: Option<bool>,
    /// The language channel it listens and speaks in (set_attendee_lan_channel).
    pub language_channel: Option<String>,
}
