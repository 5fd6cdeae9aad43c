//! Meetings and recurring series: scheduling, editing, search, detail, start and cancel, and
//! the holding of a meeting from its start until it ends (its record then goes to history).

mod online;
mod series;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use rand::Rng as _;

use super::history::{HeldMeeting, control_record};
use super::service::{Handler, Service};
use super::wire::{Call, Failure, Outcome, bad_request, fail, hex_id, int32, page, paged, random_token, reply};
use crate::Secret;
use crate::types::{
    ConfAttendeeRecordInfo, ConfConfigInfo, ConfCtlRecordInfo, ConfDetail, ConferenceInfo, CycleParamsInfo,
    CycleSubConf, CycleSubConfConfigDto, PageParticipant, PartAttendee, ParticipantInfo, PasswordEntry,
    RestCancelSingleRecordCycleConfListReqBody, RestListConfResponse, RestScheduleConfDto, RestScheduleCycleConfDto,
    StartMeetingResponse, StartRequest,
};

pub(super) use online::HANDLERS as ONLINE_HANDLERS;

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("create_meeting", |service, call| create(service, call, false)),
    ("create_recurring_meeting", |service, call| create(service, call, true)),
    ("update_meeting", update_meeting),
    ("update_recurring_meeting", update_recurring_meeting),
    ("update_recurring_sub_meeting", update_recurring_sub_meeting),
    ("cancel_recurring_sub_meeting", cancel_recurring_sub_meeting),
    ("search_meetings", search_meetings),
    ("show_meeting_detail", show_meeting_detail),
    ("start_meeting", start_meeting),
    ("cancel_meeting", cancel),
    ("cancel_recurring_meeting", cancel),
];

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
    next_conference: u64,
    next_participant: u64,
}

fn not_found(conference_id: &str) -> Failure {
    fail(
        400,
        "MMC.111070005",
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
        "MMC.111072006",
        format!("CONF_ENDED: meeting {conference_id} has ended"),
    )
}

const MINUTE: &str = "%Y-%m-%d %H:%M";

/// A `yyyy-MM-dd HH:mm` UTC time, as the service writes times.
pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, MINUTE).ok().map(utc)
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
    pub(super) fn new() -> Self {
        Meetings {
            meetings: BTreeMap::new(),
            next_conference: 914_000_001,
            next_participant: 1,
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

    /// The meeting the call's `conferenceID` names.
    pub(super) fn find(&self, call: &Call<'_>) -> Result<&Meeting, Failure> {
        self.get(&call.param("conferenceID").unwrap_or_default())
    }

    pub(super) fn find_mut(&mut self, call: &Call<'_>) -> Result<&mut Meeting, Failure> {
        self.get_mut(&call.param("conferenceID").unwrap_or_default())
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

    /// The public view of the meeting in progress `conference_id`.
    pub(super) fn live_view(&self, conference_id: &str) -> Option<super::live::LiveMeeting> {
        let meeting = self.meetings.get(conference_id)?;
        let live = meeting.live.as_ref()?;
        let c = &live.controls;
        Some(super::live::LiveMeeting {
            conference_id: meeting.conference_id.clone(),
            conf_uuid: live.conf_uuid.clone(),
            ends_at: live.ends,
            participants: meeting
                .participants
                .iter()
                .map(|p| super::live::LiveParticipant {
                    participant_id: p.participant_id.clone(),
                    name: p.name.clone(),
                    number: p.number.clone(),
                    role: p.role,
                    muted: p.muted,
                    hand_raised: p.hand_raised,
                    in_waiting_room: p.in_waiting_room,
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
        })
    }

    /// Meetings in progress, in the order they were scheduled.
    pub(super) fn in_progress(&self) -> impl Iterator<Item = &Meeting> {
        self.meetings.values().filter(|m| m.live.is_some())
    }

    /// Ends the meetings whose end time has passed, and forgets those whose schedule is over.
    /// Returns the records of the holdings that ended.
    pub(super) fn tick(&mut self, now: DateTime<Utc>) -> Vec<HeldMeeting> {
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
        self.meetings
            .retain(|_, m| m.live.is_some() || utc(m.scheduled_end()) > now);
        held
    }

    /// Ends the meeting in progress `conference_id` at `now`, `operator` ending it.
    pub(super) fn end(
        &mut self,
        conference_id: &str,
        now: DateTime<Utc>,
        operator: &str,
    ) -> Result<HeldMeeting, Failure> {
        let meeting = self.get_mut(conference_id)?;
        if meeting.live.is_none() {
            return Err(not_in_progress());
        }
        Ok(meeting.end(now, operator))
    }
}

/// The service's answer to a control of a meeting that is not in progress.
pub(super) fn not_in_progress() -> Failure {
    fail(400, "MMC.111072005", "The meeting is not in progress")
}

impl Meetings {
    /// The examples' world: create_recurring_meeting's example series under the examples'
    /// `conferenceID` (its occurrences with the ids of search_meetings' example), the host
    /// password of start_meeting's example, its attendees and the one delete_attendees'
    /// example removes; and create_meeting's example meeting under update_meeting's example
    /// `conferenceID` (update_meeting edits single meetings only).
    pub(super) fn seed_examples(
        &mut self,
        examples: &super::examples::SpecExamples,
        in_progress: bool,
        now: DateTime<Utc>,
    ) {
        use serde_json::Value;
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let host_password = text(examples.body("start_meeting").and_then(|b| b.get("password"))).unwrap_or_default();
        let single = (
            text(examples.operation_parameter("update_meeting", "conferenceID")),
            examples
                .body("create_meeting")
                .and_then(|b| serde_json::from_value::<RestScheduleConfDto>(b.clone()).ok()),
        );
        if let (Some(id), Some(definition)) = single
            && let Ok(mut meeting) = Meeting::new(id.clone(), definition, String::new(), now)
        {
            meeting.host_password.clone_from(&host_password);
            self.meetings.insert(id, meeting);
        }
        let (Some(conference_id), Some(definition)) = (
            text(examples.parameter("conferenceID")),
            examples
                .body("create_recurring_meeting")
                .and_then(|b| serde_json::from_value::<RestScheduleConfDto>(b.clone()).ok()),
        ) else {
            return;
        };
        let Ok(mut meeting) = Meeting::new(conference_id.clone(), definition, String::new(), now) else {
            return;
        };
        meeting.host_password = host_password;
        // Occurrence ids as search_meetings' example lists them.
        let listed = examples
            .response("search_meetings")
            .and_then(|r| r.pointer("/data/0/subConfs"))
            .and_then(Value::as_array);
        for sub in listed.into_iter().flatten() {
            let (Some(id), Some(start)) = (text(sub.get("cycleSubConfID")), text(sub.get("startTime"))) else {
                continue;
            };
            if let Some(occurrence) = meeting
                .sub_meetings
                .iter_mut()
                .find(|s| s.start.format(MINUTE).to_string() == start)
            {
                occurrence.id = id;
            }
        }
        // The participants the examples name, with their participant IDs and roles: the one
        // delete_attendees' example removes, the one list_online_conf_attendee's lists.
        let removed = examples
            .body("delete_attendees")
            .and_then(|b| b.get("bulkDelAttendInfo"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| Some((text(r.get("number"))?, None, text(r.get("participantID")), 0)));
        let online = examples
            .response("list_online_conf_attendee")
            .and_then(|r| r.get("data"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some((
                    text(r.get("call_number"))?,
                    text(r.get("name")),
                    text(r.get("participant_id")),
                    r.get("role").and_then(Value::as_i64).unwrap_or(0),
                ))
            });
        for (number, name, id, role) in removed.chain(online) {
            let index = match meeting.participants.iter().position(|p| p.number == number) {
                Some(index) => index,
                None => {
                    let name = name.clone().unwrap_or_else(|| number.clone());
                    meeting.participants.push(Participant::new(number, name));
                    meeting.participants.len() - 1
                }
            };
            let participant = &mut meeting.participants[index];
            if let Some(name) = name {
                participant.name = name;
            }
            if role == 1 {
                participant.role = Role::Chair;
            }
            if in_progress {
                participant.participant_id = id;
            }
        }
        if in_progress {
            meeting.activate(now, &mut self.next_participant, "");
        }
        self.meetings.insert(conference_id, meeting);
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
                participant
            })
            .collect();
        let mut meeting = Meeting {
            conference_id,
            host_password: format!("{:06}", rand::rng().random_range(0..1_000_000)),
            guest_password: format!("{:06}", rand::rng().random_range(0..1_000_000)),
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
    fn activate(&mut self, now: DateTime<Utc>, next_participant: &mut u64, operator: &str) {
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

fn definition_length(definition: &RestScheduleConfDto) -> i64 {
    i64::from(definition.length.unwrap_or(30))
}

/// create_meeting, or create_recurring_meeting (`recurring`).
fn create(service: &mut Service, call: &Call<'_>, recurring: bool) -> Outcome {
    let definition: RestScheduleConfDto = call.parse()?;
    if recurring && definition.cycle_params.is_none() {
        return Err(bad_request("cycleParams is mandatory for a recurring meeting"));
    }
    if !recurring && definition.cycle_params.is_some() {
        return Err(bad_request(
            "cycleParams is for create_recurring_meeting: a single meeting has none",
        ));
    }
    let now = service.clock.now();
    // A single meeting without a start time is an instant meeting: it starts now.
    let starts_now = definition.start_time.as_deref().is_none_or(str::is_empty) && !recurring;
    let state = &mut service.meetings;
    let conference_id = state.next_conference.to_string();
    let mut meeting = Meeting::new(conference_id.clone(), definition, call.user.to_owned(), now)?;
    if utc(meeting.scheduled_end()) <= now {
        return Err(bad_request(
            "the meeting would end before now: startTime is in the past",
        ));
    }
    state.next_conference += 1;
    if starts_now {
        meeting.activate(now, &mut state.next_participant, call.user);
    }
    let info = conference_info(&meeting);
    state.meetings.insert(conference_id, meeting);
    reply(&[info])
}

/// Replaces the definition of a single meeting that has not started.
fn update_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let definition: RestScheduleConfDto = call.parse()?;
    let now = service.clock.now();
    let meeting = service.meetings.find_mut(call)?;
    meeting.check_editable()?;
    if meeting.is_series() || definition.cycle_params.is_some() {
        return Err(bad_request(
            "a recurring series is modified with update_recurring_meeting or update_recurring_sub_meeting",
        ));
    }
    let mut replaced = Meeting::new(meeting.conference_id.clone(), definition, meeting.owner.clone(), now)?;
    if utc(replaced.scheduled_end()) <= now {
        return Err(bad_request(
            "the meeting would end before now: startTime is in the past",
        ));
    }
    // The meeting keeps its passwords; the new definition replaces everything else.
    replaced.host_password = std::mem::take(&mut meeting.host_password);
    replaced.guest_password = std::mem::take(&mut meeting.guest_password);
    *meeting = replaced;
    reply(&[conference_info(meeting)])
}

fn update_recurring_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let definition: RestScheduleConfDto = call.parse()?;
    let now = service.clock.now();
    let meeting = service.meetings.find_mut(call)?;
    if !meeting.is_series() {
        return Err(bad_request("the meeting is not a recurring series"));
    }
    if meeting.live.is_some() {
        return Err(started(&meeting.conference_id));
    }
    if definition.cycle_params.is_none() {
        return Err(bad_request("cycleParams is mandatory for a recurring meeting"));
    }
    let mut replaced = Meeting::new(meeting.conference_id.clone(), definition, meeting.owner.clone(), now)?;
    // Occurrences on the same day keep their ids and whether they were held.
    for sub in &mut replaced.sub_meetings {
        if let Some(old) = meeting
            .sub_meetings
            .iter()
            .find(|old| old.start.date() == sub.start.date())
        {
            sub.id.clone_from(&old.id);
            sub.held = old.held;
        }
    }
    replaced.host_password = std::mem::take(&mut meeting.host_password);
    replaced.guest_password = std::mem::take(&mut meeting.guest_password);
    replaced.participants = std::mem::take(&mut meeting.participants);
    // Full replacement: what the body omits returns to its default.
    *meeting = replaced;
    reply(&[conference_info(meeting)])
}

/// The occurrence `id` of a series that may still change.
fn editable_sub_meeting<'a>(meeting: &'a mut Meeting, id: &str) -> Result<&'a mut SubMeeting, Failure> {
    let conference_id = meeting.conference_id.clone();
    let live = meeting.live.as_ref().and_then(|l| l.sub_meeting.clone());
    let sub = meeting
        .sub_meetings
        .iter_mut()
        .find(|s| s.id == id)
        .ok_or_else(|| not_found(&format!("{conference_id} (sub-meeting {id})")))?;
    if live.as_deref() == Some(id) {
        return Err(started(&format!("{conference_id} (sub-meeting {id})")));
    }
    if sub.held {
        return Err(ended(&format!("{conference_id} (sub-meeting {id})")));
    }
    Ok(sub)
}

fn series_of<'a>(service: &'a mut Service, call: &Call<'_>) -> Result<&'a mut Meeting, Failure> {
    let meeting = service.meetings.find_mut(call)?;
    if !meeting.is_series() {
        return Err(bad_request(format!(
            "meeting {} is not a recurring series",
            meeting.conference_id
        )));
    }
    Ok(meeting)
}

/// Changes one occurrence of a series; the others keep their schedule.
fn update_recurring_sub_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let change: RestScheduleCycleConfDto = call.parse()?;
    let now = service.clock.now();
    let meeting = series_of(service, call)?;
    let start = start_time(Some(&change.start_time), now)?;
    let length = i64::from(change.length);
    if utc(minutes(start, length)) <= now {
        return Err(bad_request(
            "the sub-meeting would end before now: startTime is in the past",
        ));
    }
    let sub = editable_sub_meeting(meeting, &change.cycle_sub_conf_id)?;
    sub.start = start;
    sub.length = length;
    sub.media_types = Some(change.media_types.to_string());
    meeting.sub_meetings.sort_by_key(|s| s.start);
    if let Some(first) = meeting.sub_meetings.first() {
        meeting.start = first.start;
    }
    Ok(None)
}

/// Cancels occurrences of a series; the others stay scheduled.
fn cancel_recurring_sub_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestCancelSingleRecordCycleConfListReqBody = call.parse()?;
    let meeting = series_of(service, call)?;
    for id in &request.cycle_sub_conf_ids {
        editable_sub_meeting(meeting, id)?;
    }
    let remaining = meeting
        .sub_meetings
        .iter()
        .filter(|s| !request.cycle_sub_conf_ids.contains(&s.id))
        .count();
    if remaining == 0 {
        return Err(bad_request(
            "cancelling every sub-meeting cancels the series: use cancel_recurring_meeting",
        ));
    }
    meeting
        .sub_meetings
        .retain(|s| !request.cycle_sub_conf_ids.contains(&s.id));
    if let Some(first) = meeting.sub_meetings.first() {
        meeting.start = first.start;
    }
    Ok(None)
}

/// Whether `key` (a search) matches a meeting's ID, subject or scheduler.
pub(super) fn matches(meeting: &Meeting, key: &str) -> bool {
    key.is_empty()
        || meeting.conference_id.contains(key)
        || meeting.definition.subject.as_deref().unwrap_or("").contains(key)
        || meeting.owner.contains(key)
}

/// A page of meetings, in start order (`DSC_StartTIME` reverses it).
pub(super) fn list_response(call: &Call<'_>, mut meetings: Vec<&Meeting>) -> Outcome {
    let (offset, limit) = page(call, 20);
    meetings.sort_by_key(|m| m.live.as_ref().map_or(utc(m.start), |l| l.started));
    if call.param("sortType").as_deref() == Some("DSC_StartTIME") {
        meetings.reverse();
    }
    reply(&RestListConfResponse {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(meetings.len())),
        data: Some(
            paged(meetings.iter(), offset, limit)
                .map(|m| conference_info(m))
                .collect(),
        ),
    })
}

fn search_meetings(service: &mut Service, call: &Call<'_>) -> Outcome {
    let key = call.param("searchKey").unwrap_or_default();
    let matching = service
        .meetings
        .meetings
        .values()
        .filter(|m| matches(m, &key))
        .collect();
    list_response(call, matching)
}

pub(super) fn participant_info(p: &Participant) -> ParticipantInfo {
    ParticipantInfo {
        participant_id: Some(p.number.clone()),
        name: Some(p.name.clone()),
        role: Some(0),
        state: Some("MEETTING".into()),
        attendee_type: Some("normal".into()),
        subscriber_id: p.participant_id.clone(),
        ..ParticipantInfo::default()
    }
}

/// The detail of a meeting: its description and a page of its participants.
pub(super) fn detail(call: &Call<'_>, meeting: &Meeting) -> Outcome {
    let (offset, limit) = page(call, 20);
    let key = call.param("searchKey").unwrap_or_default();
    let participants: Vec<&Participant> = meeting
        .participants
        .iter()
        .filter(|p| key.is_empty() || p.name.contains(&key) || p.number.contains(&key))
        .collect();
    reply(&ConfDetail {
        conference_data: Some(conference_info(meeting)),
        data: Some(PageParticipant {
            offset: Some(int32(offset)),
            limit: Some(int32(limit)),
            count: Some(int32(participants.len())),
            data: Some(
                paged(participants.into_iter(), offset, limit)
                    .map(participant_info)
                    .collect(),
            ),
        }),
    })
}

fn show_meeting_detail(service: &mut Service, call: &Call<'_>) -> Outcome {
    let meeting = service.meetings.find(call)?;
    detail(call, meeting)
}

fn start_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: StartRequest = call.parse()?;
    let now = service.clock.now();
    let state = &mut service.meetings;
    let id = &request.conference_id;
    let meeting = state.meetings.get_mut(id).ok_or_else(|| not_found(id))?;
    let guest_allowed = meeting
        .definition
        .conf_config_info
        .as_ref()
        .and_then(|c| c.allow_guest_start_conf)
        .unwrap_or(false);
    let password = request.password.expose();
    if password != meeting.host_password && !(guest_allowed && password == meeting.guest_password) {
        return Err(fail(
            400,
            "MMC.111072065",
            "CONF_NOT_FOUND_OR_AUTH_FAILED: wrong meeting password",
        ));
    }
    if meeting.ended {
        return Err(ended(id));
    }
    // Starting a meeting in progress joins it: nothing changes.
    if meeting.live.is_none() {
        meeting.activate(now, &mut state.next_participant, call.user);
    }
    reply(&StartMeetingResponse {
        uuid: Some(random_token("stb")),
        region_ip: Some("127.0.0.1".into()),
    })
}

/// cancel_meeting or cancel_recurring_meeting (the whole series): a meeting in progress only
/// with `type` 1, which ends it first (it goes to history).
fn cancel(service: &mut Service, call: &Call<'_>) -> Outcome {
    let end_if_started = call.int_param("type") == Some(1);
    let now = service.clock.now();
    let meeting = service.meetings.find(call)?;
    let id = meeting.conference_id.clone();
    if meeting.live.is_some() {
        if !end_if_started {
            return Err(bad_request(
                "the meeting is in progress: cancel it with type=1 to end it",
            ));
        }
        service.end_meeting(&id, now, call.user)?;
    }
    service.meetings.meetings.remove(&id);
    service.control.forget(&id);
    Ok(None)
}

/// `start` plus `length` minutes, as `yyyy-MM-dd HH:mm`.
fn plus_minutes(start: NaiveDateTime, length: i64) -> String {
    minutes(start, length).format(MINUTE).to_string()
}

fn password_entry(role: &str, password: &str) -> PasswordEntry {
    PasswordEntry {
        conference_role: Some(role.into()),
        password: Some(Secret::new(password)),
    }
}

/// A meeting as the service describes it (`ConferenceInfo`).
pub(super) fn conference_info(meeting: &Meeting) -> ConferenceInfo {
    let d = &meeting.definition;
    let length = meeting.length();
    let media_of = |types: &str| {
        if types.contains("HDVideo") || types.contains("Video") {
            "HDVideo,Data,Voice"
        } else {
            "Voice,Data"
        }
    };
    let media = media_of(&d.media_types);
    let recurring = meeting.is_series();
    let live = meeting.live.as_ref();
    let config = d.conf_config_info.clone().unwrap_or_default();
    let allow_guest_start = config.allow_guest_start_conf.unwrap_or(false);
    let participants = &meeting.participants;
    let size = int32(participants.len());
    let id = &meeting.conference_id;
    let sub_confs = || {
        meeting
            .sub_meetings
            .iter()
            .map(|sub| CycleSubConf {
                cycle_sub_conf_id: Some(sub.id.clone()),
                conference_id: Some(id.clone()),
                start_time: Some(sub.start.format(MINUTE).to_string()),
                end_time: Some(plus_minutes(sub.start, sub.length)),
                media_type: Some(media_of(sub.media_types.as_deref().unwrap_or(&d.media_types)).into()),
                is_auto_record: Some(d.is_auto_record.unwrap_or(0)),
                record_auth_type: Some(d.record_auth_type.unwrap_or(2)),
                conf_config_info: Some(CycleSubConfConfigDto {
                    call_in_restriction: Some(0),
                    audience_call_in_restriction: Some(0),
                    allow_guest_start_conf: Some(allow_guest_start.into()),
                    enable_waiting_room: Some(false.into()),
                    ..CycleSubConfConfigDto::default()
                }),
                ..CycleSubConf::default()
            })
            .collect()
    };
    ConferenceInfo {
        conference_id: Some(id.clone()),
        subject: Some(d.subject.clone().unwrap_or_default()),
        size: Some(size),
        time_zone_id: Some(d.time_zone_id.clone().unwrap_or_else(|| "56".into())),
        start_time: Some(meeting.start.format(MINUTE).to_string()),
        end_time: Some(plus_minutes(meeting.start, length)),
        media_types: Some(media.into()),
        conference_state: Some(if live.is_some() { "Created" } else { "Schedule" }.into()),
        language: Some(d.language.map_or_else(|| "zh-CN".to_owned(), |l| l.to_string())),
        access_number: Some("+991117".into()),
        password_entry: Some(vec![
            password_entry("chair", &meeting.host_password),
            password_entry("general", &meeting.guest_password),
        ]),
        user_uuid: Some(meeting.owner.clone()),
        scheduser_name: Some(
            if meeting.owner.is_empty() {
                "admin"
            } else {
                &meeting.owner
            }
            .into(),
        ),
        conference_type: Some(if recurring { 2 } else { 0 }),
        conf_type: Some(
            if recurring {
                "CYCLE"
            } else if d.start_time.as_deref().is_none_or(str::is_empty) {
                "IMMEDIATELY"
            } else {
                "FUTURE"
            }
            .into(),
        ),
        conf_uuid: live.map(|l| l.conf_uuid.clone()),
        cycle_sub_conf_id: live.and_then(|l| l.sub_meeting.clone()),
        online_attendee_amount: live.map(|_| size),
        is_auto_record: Some(d.is_auto_record.unwrap_or(0)),
        chair_join_uri: Some(format!("https://127.0.0.1/#/j/{id}/chair")),
        guest_join_uri: Some(format!("https://127.0.0.1/#/j/{id}/guest")),
        record_type: Some(d.record_type.unwrap_or(0)),
        record_aux_stream: Some(d.record_aux_stream.unwrap_or(0)),
        record_auth_type: Some(d.record_auth_type.unwrap_or(2)),
        conf_config_info: Some(ConfConfigInfo {
            is_send_notify: Some(config.is_send_notify.unwrap_or(true).into()),
            is_send_sms: Some(config.is_send_sms.unwrap_or(true).into()),
            is_send_calendar: Some(config.is_send_calendar.unwrap_or(true).into()),
            is_auto_mute: Some(config.is_auto_mute.unwrap_or(false).into()),
            is_guest_free_pwd: Some(config.is_guest_free_pwd.unwrap_or(false).into()),
            call_in_restriction: Some(config.call_in_restriction.unwrap_or(0).into()),
            audience_call_in_restriction: Some(0.into()),
            allow_guest_start_conf: Some(allow_guest_start.into()),
            enable_waiting_room: Some(config.enable_waiting_room.unwrap_or(false).into()),
            prolong_length: Some(config.prolong_length.unwrap_or(0).into()),
            invite_mode: Some("AUTO_INVITE".into()),
            ..ConfConfigInfo::default()
        }),
        vmr_flag: Some(d.vmr_flag.unwrap_or(0)),
        schedule_vmr: Some(false),
        is_has_record_file: Some(false.into()),
        // The service lists at most 20 participants here.
        part_attendee_info: Some(
            participants
                .iter()
                .take(20)
                .map(|p| PartAttendee {
                    name: Some(p.name.clone()),
                    phone: Some(p.number.clone()),
                    role: Some(0),
                    is_mute: Some(0),
                    type_: Some("normal".into()),
                    ..PartAttendee::default()
                })
                .collect(),
        ),
        terminl_count: Some(0),
        normal_count: Some(size),
        dept_name: Some("simulated enterprise".into()),
        conf_mode: Some("RTC".into()),
        webinar: Some(false.into()),
        multi_stream_flag: Some(1),
        concurrent_participants: Some(d.concurrent_participants.unwrap_or(0)),
        support_simultaneous_interpretation: Some(d.support_simultaneous_interpretation.unwrap_or(false).into()),
        cycle_params: d.cycle_params.as_ref().map(|cycle| CycleParamsInfo {
            start_date: Some(cycle.start_date.clone()),
            end_date: Some(cycle.end_date.clone()),
            cycle: Some(cycle.cycle.to_string()),
            interval: Some(cycle.interval.unwrap_or(1)),
            point: (!cycle.point.is_empty()).then(|| cycle.point.clone()),
            pre_remind_days: Some(cycle.pre_remind_days),
            cycle_count: Some(int32(meeting.sub_meetings.len())),
        }),
        sub_confs: d.cycle_params.as_ref().map(|_| sub_confs()),
        ..ConferenceInfo::default()
    }
}
