//! Meetings and recurring series: scheduling, editing, search, detail, start and cancel, the
//! holding of a meeting from its start until it ends, and the history of the holdings that
//! ended.

pub(super) mod control;
mod handlers;
pub(super) mod history;
mod joining;
mod metrics;
mod online;
mod seed;
mod series;
mod statistics;
mod view;
mod wire;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::api::{Answer, Context, Handle, input};
use super::events::{Event, Listener};
use super::wire::{Failure, bad_request, fail, hex_id, int32, page, page_of, random_token, six_digits};
pub(super) use super::wire::{MINUTE, not_in_progress, parse_time};
use crate::types::{
    ConfAttendeeRecordInfo, ConfConfigInfo, ConfCtlRecordInfo, ConfDetail, ConferenceInfo, CycleParamsInfo,
    CycleSubConf, CycleSubConfConfigDto, PageParticipant, PartAttendee, ParticipantInfo, PasswordEntry,
    RestAttendeeDto, RestListConfResponse, RestScheduleConfDto, StartMeetingResponse,
};
use crate::{ErrorCode, Secret};
use history::{HeldMeeting, History, control_record};

use handlers::*;
use wire::*;

/// A participant's role in a meeting in progress.
pub(super) use super::live::Role;

pub(super) struct Participant {
    pub(super) number: String,
    pub(super) name: String,
    /// The id the participant has in the meeting in progress; `None` while not in it (not
    /// started, hung up, or not joined yet).
    pub(super) participant_id: Option<String>,
    /// The id it had before its call ended (a repeated hang-up names it).
    pub(super) former_id: Option<String>,
    pub(super) role: Role,
    pub(super) muted: bool,
    pub(super) hand_raised: bool,
    pub(super) in_waiting_room: bool,
    /// How the definition invited it (its addresses, department...), when it did.
    invited: Option<RestAttendeeDto>,
    /// May record the meeting on its own client (allow_client_record).
    pub(super) may_record: bool,
    /// What the host last asked of its camera: on (`true`) or off (invite_operate_video).
    pub(super) camera_asked_on: Option<bool>,
    /// The language channel it listens and speaks in (set_attendee_lan_channel).
    pub(super) language_channel: Option<String>,
}

impl Participant {
    pub(super) fn new(number: String, name: String) -> Self {
        Participant {
            number,
            name,
            participant_id: None,
            former_id: None,
            role: Role::Normal,
            muted: false,
            hand_raised: false,
            in_waiting_room: false,
            invited: None,
            may_record: false,
            camera_asked_on: None,
            language_channel: None,
        }
    }

    /// In the meeting (not in its waiting room).
    pub(super) fn is_present(&self) -> bool {
        self.participant_id.is_some() && !self.in_waiting_room
    }
}

/// One occurrence of a series.
struct SubMeeting {
    id: String,
    start: NaiveDateTime,
    length: i64,
    media_types: Option<String>,
    /// Held and ended: it can no longer be edited.
    held: bool,
}

impl SubMeeting {
    fn end(&self) -> NaiveDateTime {
        self.start + chrono::Duration::minutes(self.length)
    }
}

fn new_participant_id(next_participant: &mut u64) -> String {
    *next_participant += 1;
    format!("{:032x}", 0xba9a_cb1e_u128 << 64 | u128::from(*next_participant))
}

impl Live {
    /// Closes the attendance record of `number`.
    fn left(&mut self, number: &str, now: DateTime<Utc>) {
        for record in self
            .attendance
            .iter_mut()
            .filter(|r| r.call_number.as_deref() == Some(number) && r.left_time.is_none())
        {
            record.left_time = Some(now.timestamp_millis());
        }
    }
}

/// One holding of a meeting, from its start to its end: what history keeps of it.
pub(super) struct Live {
    pub(super) conf_uuid: String,
    started: DateTime<Utc>,
    /// When it ends by itself (its scheduled end, or its length after an early start).
    pub(super) ends: DateTime<Utc>,
    /// The occurrence of a series being held.
    sub_meeting: Option<String>,
    /// What meeting control changed (recording, lock, layout...).
    pub(super) controls: super::live::Controls,
    attendance: Vec<ConfAttendeeRecordInfo>,
    control: Vec<ConfCtlRecordInfo>,
}

pub(super) struct Meeting {
    pub(super) conference_id: String,
    definition: RestScheduleConfDto,
    pub(super) host_password: String,
    guest_password: String,
    /// Scheduled start (UTC); a series' first occurrence.
    start: NaiveDateTime,
    /// The occurrences of a series; empty for a single meeting.
    sub_meetings: Vec<SubMeeting>,
    pub(super) participants: Vec<Participant>,
    /// The user who scheduled it ("" for the default administrator).
    pub(super) owner: String,
    pub(super) live: Option<Live>,
    /// A single meeting that was held and ended: it can no longer be edited or started.
    ended: bool,
}

pub(super) struct Meetings {
    meetings: BTreeMap<String, Meeting>,
    next_participant: u64,
    /// The holdings that ended.
    history: History,
    /// The enterprise's setting: guests may invite hardware terminals with the guest
    /// password (invite_with_pwd).
    guests_invite_terminals: bool,
    /// Join randoms issued (create_auth_random): each is unique.
    randoms_issued: u64,
    /// The QoS thresholds (set_qos_threshold).
    thresholds: metrics::Thresholds,
}

/// Meetings react to no other area's event.
impl Listener for Meetings {}

fn not_found(conference_id: &str) -> Failure {
    fail(
        400,
        ErrorCode::MeetingNotFound,
        format!("CONF_DATA_NOT_FOUND: meeting {conference_id} does not exist"),
    )
}

/// The service's answer to a change of a meeting that has started.
fn started(conference_id: &str) -> Failure {
    bad_request(format!(
        "meeting {conference_id} has started: it can no longer be modified"
    ))
}

/// The service's answer to a change of a meeting that has ended.
fn ended(conference_id: &str) -> Failure {
    fail(
        400,
        ErrorCode::MeetingEnded,
        format!("CONF_ENDED: meeting {conference_id} has ended"),
    )
}

fn minutes(start: NaiveDateTime, length: i64) -> NaiveDateTime {
    start + chrono::Duration::minutes(length)
}

fn utc(time: NaiveDateTime) -> DateTime<Utc> {
    time.and_utc()
}

/// A `yyyy-MM-dd HH:mm` start time; absent or empty means now.
fn start_time(value: Option<&str>, now: DateTime<Utc>) -> Result<NaiveDateTime, Failure> {
    match value.filter(|t| !t.is_empty()) {
        None => Ok(now.naive_utc()),
        Some(text) => NaiveDateTime::parse_from_str(text, MINUTE)
            .map_err(|_| bad_request(format!("startTime {text:?} is not yyyy-MM-dd HH:mm"))),
    }
}

impl Meetings {
    pub(super) fn new(config: &super::SimulatorBuilder) -> Self {
        Meetings {
            meetings: BTreeMap::new(),
            next_participant: 1,
            history: History::default(),
            guests_invite_terminals: config.guests_invite_terminals,
            randoms_issued: 0,
            thresholds: metrics::Thresholds::default(),
        }
    }

    pub(super) fn get(&self, conference_id: &str) -> Result<&Meeting, Failure> {
        self.meetings.get(conference_id).ok_or_else(|| not_found(conference_id))
    }

    pub(super) fn get_mut(&mut self, conference_id: &str) -> Result<&mut Meeting, Failure> {
        self.meetings
            .get_mut(conference_id)
            .ok_or_else(|| not_found(conference_id))
    }

    /// The meeting in progress `conference_id`, with the counter of participant ids.
    pub(super) fn in_progress_mut(&mut self, conference_id: &str) -> Result<(&mut Meeting, &mut u64), Failure> {
        let meeting = self
            .meetings
            .get_mut(conference_id)
            .ok_or_else(|| not_found(conference_id))?;
        if meeting.live.is_none() {
            return Err(not_in_progress());
        }
        Ok((meeting, &mut self.next_participant))
    }

    /// Meetings in progress, in the order they were scheduled.
    pub(super) fn in_progress(&self) -> impl Iterator<Item = &Meeting> {
        self.meetings.values().filter(|m| m.live.is_some())
    }

    /// Ends the meetings whose end time has passed (at their end time), and forgets those
    /// whose schedule is over.
    pub(super) fn tick(&mut self, cx: &mut Context<'_>) {
        let now = cx.now;
        let mut held = Vec::new();
        for meeting in self.meetings.values_mut() {
            let someone_in = meeting.participants.iter().any(Participant::is_present);
            let Some(live) = meeting.live.as_mut() else { continue };
            // Automatic prolonging: while someone is in, the end moves on by its step.
            if let (Some(step), true) = (live.controls.auto_prolong, someone_in) {
                while live.ends <= now {
                    live.ends += chrono::Duration::minutes(step.max(1));
                }
            }
            if live.ends <= now {
                let ends = live.ends;
                held.push(meeting.end(ends, ""));
            }
        }
        let over: Vec<String> = self
            .meetings
            .values()
            .filter(|m| m.live.is_none() && utc(m.scheduled_end()) <= now)
            .map(|m| m.conference_id.clone())
            .collect();
        for conference_id in over {
            self.meetings.remove(&conference_id);
            cx.emit(Event::MeetingRemoved { conference_id });
        }
        for held in held {
            self.record(cx, held);
        }
    }

    /// Ends the meeting in progress `conference_id` at `cx.now`, `operator` ending it: it goes
    /// to history, and the other areas hear that it ended (its meeting-control tokens end with
    /// it; a recorded one gets its recording).
    pub(super) fn end(&mut self, cx: &mut Context<'_>, conference_id: &str, operator: &str) -> Result<(), Failure> {
        let meeting = self.get_mut(conference_id)?;
        if meeting.live.is_none() {
            return Err(not_in_progress());
        }
        let held = meeting.end(cx.now, operator);
        self.record(cx, held);
        Ok(())
    }

    /// A holding that ended goes to history; the other areas hear of it.
    fn record(&mut self, cx: &mut Context<'_>, held: HeldMeeting) {
        cx.emit(Event::MeetingEnded(held.event()));
        self.history.add(held);
    }
}

impl Meeting {
    fn new(
        conference_id: String,
        definition: RestScheduleConfDto,
        owner: String,
        now: DateTime<Utc>,
    ) -> Result<Meeting, Failure> {
        let start = start_time(definition.start_time.as_deref(), now)?;
        let sub_meetings = match &definition.cycle_params {
            Some(cycle) => series::sub_meeting_dates(cycle)?
                .into_iter()
                .map(|day| SubMeeting {
                    id: hex_id(),
                    start: day.and_time(start.time()),
                    length: definition_length(&definition),
                    media_types: None,
                    held: false,
                })
                .collect(),
            None => Vec::new(),
        };
        let participants = definition
            .attendees
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let number = a
                    .phone
                    .clone()
                    .or_else(|| a.account_id.clone())
                    .unwrap_or_else(|| format!("+99111600{i:04}"));
                let mut participant = Participant::new(number, a.name.clone().unwrap_or_default());
                // Role 1 in the definition: the meeting's chair.
                if a.role == Some(1) {
                    participant.role = Role::Chair;
                }
                participant.muted = a.is_mute == Some(1);
                participant.invited = Some(a.clone());
                participant
            })
            .collect();
        let mut meeting = Meeting {
            conference_id,
            host_password: six_digits(),
            guest_password: six_digits(),
            definition,
            start,
            sub_meetings,
            participants,
            owner,
            live: None,
            ended: false,
        };
        if let Some(first) = meeting.sub_meetings.first() {
            meeting.start = first.start;
        }
        Ok(meeting)
    }

    fn is_series(&self) -> bool {
        self.definition.cycle_params.is_some()
    }

    fn length(&self) -> i64 {
        definition_length(&self.definition)
    }

    /// When its schedule is over: a single meeting's end, a series' last occurrence's end.
    fn scheduled_end(&self) -> NaiveDateTime {
        self.sub_meetings
            .iter()
            .map(SubMeeting::end)
            .max()
            .unwrap_or_else(|| minutes(self.start, self.length()))
    }

    /// Whether it may still be changed (not in progress, not ended).
    fn check_editable(&self) -> Result<(), Failure> {
        if self.live.is_some() {
            return Err(started(&self.conference_id));
        }
        if self.ended {
            return Err(ended(&self.conference_id));
        }
        Ok(())
    }

    /// Starts a holding at `now`: the participants join, auto record starts recording.
    /// Returns what the other areas hear of it (its host password now opens meeting control).
    #[must_use]
    /// What auth needs to hear of a meeting scheduled: its host password.
    fn scheduled(&self) -> Event {
        Event::MeetingScheduled {
            conference_id: self.conference_id.clone(),
            host_password: Secret::new(self.host_password.clone()),
        }
    }

    fn activate(&mut self, now: DateTime<Utc>, next_participant: &mut u64, operator: &str) -> Event {
        // A series holds its next occurrence that is not over.
        let occurrence = self
            .sub_meetings
            .iter()
            .find(|s| !s.held && utc(s.end()) > now)
            .map(|s| (Some(s.id.clone()), s.start, s.length));
        let (sub_meeting, start, length) = occurrence.unwrap_or((None, self.start, self.length()));
        // On time it ends as scheduled; started early it lasts its length.
        let ends = if utc(start) <= now {
            utc(minutes(start, length))
        } else {
            now + chrono::Duration::minutes(length)
        };
        let joined = now.timestamp_millis();
        let attendance = self
            .participants
            .iter()
            .map(|p| ConfAttendeeRecordInfo {
                display_name: Some(p.name.clone()),
                call_number: Some(p.number.clone()),
                device_type: Some("PC".into()),
                join_time: Some(joined),
                media_type: Some("Video".into()),
                ..ConfAttendeeRecordInfo::default()
            })
            .collect();
        let recording = self.definition.is_auto_record == Some(1);
        let mut live = Live {
            conf_uuid: hex_id(),
            started: now,
            ends,
            sub_meeting,
            controls: super::live::Controls {
                recording,
                recorded: recording,
                ..Default::default()
            },
            attendance,
            control: Vec::new(),
        };
        live.control
            .push(control_record(now, operator, "START_CONF", &self.conference_id));
        if recording {
            live.control
                .push(control_record(now, operator, "START_RECORD", &self.conference_id));
        }
        self.live = Some(live);
        for participant in &mut self.participants {
            participant
                .participant_id
                .get_or_insert_with(|| new_participant_id(next_participant));
        }
        Event::MeetingStarted {
            conference_id: self.conference_id.clone(),
            host_password: Secret::new(self.host_password.clone()),
            room: self
                .definition
                .vmr_id
                .clone()
                .filter(|_| self.definition.vmr_flag == Some(1)),
        }
    }

    /// A participant joins the meeting in progress (invited): known by number or new.
    pub(super) fn join(&mut self, number: &str, name: &str, now: DateTime<Utc>, next_participant: &mut u64) -> String {
        let index = match self.participants.iter().position(|p| p.number == number) {
            Some(index) => index,
            None => {
                self.participants
                    .push(Participant::new(number.to_owned(), name.to_owned()));
                self.participants.len() - 1
            }
        };
        let participant = &mut self.participants[index];
        if !name.is_empty() {
            participant.name = name.to_owned();
        }
        if let Some(id) = &participant.participant_id {
            return id.clone();
        }
        let id = new_participant_id(next_participant);
        participant.participant_id = Some(id.clone());
        participant.in_waiting_room = false;
        if let Some(live) = &mut self.live {
            participant.muted |= live.controls.all_muted;
            live.attendance.push(ConfAttendeeRecordInfo {
                display_name: Some(participant.name.clone()),
                call_number: Some(participant.number.clone()),
                device_type: Some("PC".into()),
                join_time: Some(now.timestamp_millis()),
                media_type: Some("Video".into()),
                ..ConfAttendeeRecordInfo::default()
            });
        }
        id
    }

    /// A participant's call ends (hung up): they stay invited and may be called again.
    pub(super) fn hang_up(&mut self, participant_id: &str, now: DateTime<Utc>) {
        let Some(participant) = self
            .participants
            .iter_mut()
            .find(|p| p.participant_id.as_deref() == Some(participant_id))
        else {
            return;
        };
        participant.former_id = participant.participant_id.take();
        participant.hand_raised = false;
        participant.in_waiting_room = false;
        let number = participant.number.clone();
        if let Some(live) = &mut self.live {
            live.left(&number, now);
            live.controls.forget(participant_id);
        }
    }

    /// Records a control operation on the holding in progress.
    pub(super) fn log_control(&mut self, now: DateTime<Utc>, operator: &str, code: &str, object: &str) {
        if let Some(live) = &mut self.live {
            live.control.push(control_record(now, operator, code, object));
        }
    }

    /// A participant is removed from the meeting (no longer invited either).
    pub(super) fn leave(&mut self, number: &str, now: DateTime<Utc>) {
        if let Some(id) = self
            .participants
            .iter()
            .find(|p| p.number == number)
            .and_then(|p| p.participant_id.clone())
        {
            self.hang_up(&id, now);
        }
        self.participants.retain(|p| p.number != number);
    }

    /// Ends the holding in progress at `now`; returns what history keeps of it.
    fn end(&mut self, now: DateTime<Utc>, operator: &str) -> HeldMeeting {
        let mut live = self.live.take().expect("ends a meeting in progress");
        live.control
            .push(control_record(now, operator, "STOP_CONF", &self.conference_id));
        for record in &mut live.attendance {
            record.left_time.get_or_insert(now.timestamp_millis());
        }
        let mut info = conference_info(self);
        match &live.sub_meeting {
            Some(id) => {
                if let Some(sub) = self.sub_meetings.iter_mut().find(|s| &s.id == id) {
                    sub.held = true;
                }
            }
            None => self.ended = true,
        }
        for participant in &mut self.participants {
            participant.participant_id = None;
        }
        info.conf_uuid = Some(live.conf_uuid.clone());
        info.cycle_sub_conf_id.clone_from(&live.sub_meeting);
        info.conference_state = Some("Destroyed".into());
        info.start_time = Some(live.started.format(MINUTE).to_string());
        info.end_time = Some(now.format(MINUTE).to_string());
        info.is_has_record_file = Some(live.controls.recorded.into());
        info.sub_confs = None;
        HeldMeeting {
            conf_uuid: live.conf_uuid,
            owner: self.owner.clone(),
            info,
            participants: self.participants.iter().map(participant_info).collect(),
            attendance: live.attendance,
            control: live.control,
            recorded: live.controls.recorded,
            started: live.started,
            ended: now,
        }
    }
}
