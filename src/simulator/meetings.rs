//! Meetings and recurring series: scheduling, search, detail, start and cancel.

mod series;

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use rand::Rng as _;

use super::service::{Handler, Service};
use super::wire::{Call, Failure, Outcome, bad_request, fail, int32, random_token, reply};
use crate::Secret;
use crate::types::{
    ConfConfigInfo, ConfDetail, ConferenceInfo, CycleParamsInfo, CycleSubConf, CycleSubConfConfigDto, PageParticipant,
    PartAttendee, ParticipantInfo, PasswordEntry, RestListConfResponse, RestScheduleConfDto, StartMeetingResponse,
    StartRequest,
};

pub(super) const HANDLERS: &[(&str, Handler)] = &[
    ("create_meeting", |service, call| create(service, call, false)),
    ("create_recurring_meeting", |service, call| create(service, call, true)),
    ("update_recurring_meeting", update_recurring_meeting),
    ("search_meetings", search_meetings),
    ("show_meeting_detail", show_meeting_detail),
    ("start_meeting", start_meeting),
    ("cancel_meeting", cancel_meeting),
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum MeetingState {
    Scheduled,
    InProgress,
}

pub(super) struct Participant {
    pub(super) number: String,
    name: String,
    participant_id: Option<String>,
}

pub(super) struct Meeting {
    pub(super) conference_id: String,
    definition: RestScheduleConfDto,
    pub(super) host_password: String,
    guest_password: String,
    pub(super) state: MeetingState,
    /// The days of a series; empty for a single meeting.
    sub_meetings: Vec<NaiveDate>,
    pub(super) participants: Vec<Participant>,
    /// The user who scheduled it ("" for the default administrator).
    pub(super) owner: String,
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

impl Meetings {
    pub(super) fn new() -> Self {
        Meetings {
            meetings: BTreeMap::new(),
            next_conference: 914_000_001,
            next_participant: 1,
        }
    }

    /// The meeting the call's `conferenceID` names.
    pub(super) fn find(&self, call: &Call<'_>) -> Result<&Meeting, Failure> {
        let id = call.param("conferenceID").unwrap_or_default();
        self.meetings.get(&id).ok_or_else(|| not_found(&id))
    }

    pub(super) fn find_mut(&mut self, call: &Call<'_>) -> Result<&mut Meeting, Failure> {
        let id = call.param("conferenceID").unwrap_or_default();
        self.meetings.get_mut(&id).ok_or_else(|| not_found(&id))
    }
}

impl Meetings {
    /// The example meeting: the examples' `conferenceID`, the host password of start_meeting's
    /// example, create_recurring_meeting's example series with its attendees and the one
    /// delete_attendees' example removes.
    pub(super) fn seed_examples(&mut self, examples: &super::examples::SpecExamples, in_progress: bool) {
        let text = |v: Option<&serde_json::Value>| v.and_then(serde_json::Value::as_str).map(str::to_owned);
        let (Some(conference_id), Some(definition)) = (
            text(examples.parameter("conferenceID")),
            examples
                .body("create_recurring_meeting")
                .and_then(|b| serde_json::from_value::<RestScheduleConfDto>(b.clone()).ok()),
        ) else {
            return;
        };
        let host_password = text(examples.body("start_meeting").and_then(|b| b.get("password"))).unwrap_or_default();
        let sub_meetings = definition
            .cycle_params
            .as_ref()
            .and_then(|cycle| series::sub_meeting_dates(cycle).ok())
            .unwrap_or_default();
        let mut numbers: Vec<String> = definition.attendees.iter().filter_map(|a| a.phone.clone()).collect();
        let removed = examples
            .body("delete_attendees")
            .and_then(|b| b.get("bulkDelAttendInfo"));
        numbers.extend(
            removed
                .and_then(serde_json::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| text(r.get("number"))),
        );
        numbers.dedup();
        let mut meeting = Meeting {
            conference_id: conference_id.clone(),
            host_password,
            guest_password: format!("{:06}", rand::rng().random_range(0..1_000_000)),
            definition,
            state: MeetingState::Scheduled,
            sub_meetings,
            participants: numbers
                .into_iter()
                .map(|number| Participant {
                    name: number.clone(),
                    number,
                    participant_id: None,
                })
                .collect(),
            owner: String::new(),
        };
        if in_progress {
            activate(&mut meeting, &mut self.next_participant);
        }
        self.meetings.insert(conference_id, meeting);
    }
}

impl Meeting {
    /// Ends the meeting: it goes back to its schedule (participants may join again until its
    /// scheduled end, as the service does when it keeps the record).
    pub(super) fn end(&mut self) {
        self.state = MeetingState::Scheduled;
        for participant in &mut self.participants {
            participant.participant_id = None;
        }
    }
}

/// Starts a meeting; its participants get the ids a meeting in progress gives them.
fn activate(meeting: &mut Meeting, next_participant: &mut u64) {
    meeting.state = MeetingState::InProgress;
    for participant in &mut meeting.participants {
        participant.participant_id.get_or_insert_with(|| {
            *next_participant += 1;
            format!("{:032x}", 0xba9a_cb1e_u128 << 64 | u128::from(*next_participant))
        });
    }
}

/// create_meeting, or create_recurring_meeting (`recurring`).
fn create(service: &mut Service, call: &Call<'_>, recurring: bool) -> Outcome {
    let definition: RestScheduleConfDto = call.parse()?;
    let sub_meetings = if recurring {
        let cycle = definition
            .cycle_params
            .as_ref()
            .ok_or_else(|| bad_request("cycleParams is mandatory for a recurring meeting"))?;
        series::sub_meeting_dates(cycle)?
    } else {
        Vec::new()
    };
    // A single meeting without a start time is an instant meeting: it starts now.
    let starts_now = definition.start_time.as_deref().is_none_or(str::is_empty) && !recurring;
    let state = &mut service.meetings;
    let conference_id = state.next_conference.to_string();
    state.next_conference += 1;
    let participants = definition
        .attendees
        .iter()
        .enumerate()
        .map(|(i, a)| Participant {
            number: a
                .phone
                .clone()
                .or_else(|| a.account_id.clone())
                .unwrap_or_else(|| format!("+99111600{i:04}")),
            name: a.name.clone().unwrap_or_default(),
            participant_id: None,
        })
        .collect();
    let mut meeting = Meeting {
        conference_id: conference_id.clone(),
        host_password: format!("{:06}", rand::rng().random_range(0..1_000_000)),
        guest_password: format!("{:06}", rand::rng().random_range(0..1_000_000)),
        definition,
        state: MeetingState::Scheduled,
        sub_meetings,
        participants,
        owner: call.user.to_owned(),
    };
    if starts_now {
        activate(&mut meeting, &mut state.next_participant);
    }
    let info = conference_info(&meeting);
    state.meetings.insert(conference_id, meeting);
    reply(&[info])
}

fn update_recurring_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let definition: RestScheduleConfDto = call.parse()?;
    let meeting = service.meetings.find_mut(call)?;
    if meeting.sub_meetings.is_empty() {
        return Err(bad_request("the meeting is not a recurring series"));
    }
    if meeting.state == MeetingState::InProgress {
        return Err(bad_request("a meeting that has started cannot be modified"));
    }
    let cycle = definition
        .cycle_params
        .as_ref()
        .ok_or_else(|| bad_request("cycleParams is mandatory for a recurring meeting"))?;
    meeting.sub_meetings = series::sub_meeting_dates(cycle)?;
    // Full replacement: what the body omits returns to its default.
    meeting.definition = definition;
    reply(&[conference_info(meeting)])
}

/// `offset` and `limit` of a paged read, with the service's defaults.
fn page(call: &Call<'_>, default_limit: i64) -> (i64, i64) {
    let offset = call.int_param("offset").unwrap_or(0).max(0);
    let limit = call.int_param("limit").unwrap_or(default_limit).max(0);
    (offset, limit)
}

fn paged<T>(items: impl Iterator<Item = T>, offset: i64, limit: i64) -> impl Iterator<Item = T> {
    items
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
}

fn search_meetings(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 20);
    let key = call.param("searchKey").unwrap_or_default();
    let mut matching: Vec<&Meeting> = service
        .meetings
        .meetings
        .values()
        .filter(|m| {
            key.is_empty()
                || m.conference_id.contains(&key)
                || m.definition.subject.as_deref().unwrap_or("").contains(&key)
        })
        .collect();
    if call.param("sortType").as_deref() == Some("DSC_StartTIME") {
        matching.reverse();
    }
    reply(&RestListConfResponse {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(matching.len())),
        data: Some(
            paged(matching.iter(), offset, limit)
                .map(|m| conference_info(m))
                .collect(),
        ),
    })
}

fn show_meeting_detail(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 20);
    let meeting = service.meetings.find(call)?;
    let participants = paged(meeting.participants.iter(), offset, limit)
        .map(|p| ParticipantInfo {
            participant_id: Some(p.number.clone()),
            name: Some(p.name.clone()),
            role: Some(0),
            state: Some("MEETTING".into()),
            attendee_type: Some("normal".into()),
            subscriber_id: p.participant_id.clone(),
            ..ParticipantInfo::default()
        })
        .collect();
    reply(&ConfDetail {
        conference_data: Some(conference_info(meeting)),
        data: Some(PageParticipant {
            offset: Some(int32(offset)),
            limit: Some(int32(limit)),
            count: Some(int32(meeting.participants.len())),
            data: Some(participants),
        }),
    })
}

fn start_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: StartRequest = call.parse()?;
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
    activate(meeting, &mut state.next_participant);
    reply(&StartMeetingResponse {
        uuid: Some(random_token("stb")),
        region_ip: Some("127.0.0.1".into()),
    })
}

fn cancel_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let end_if_started = call.int_param("type") == Some(1);
    let meeting = service.meetings.find(call)?;
    if meeting.state == MeetingState::InProgress && !end_if_started {
        return Err(bad_request(
            "the meeting is in progress: cancel it with type=1 to end it",
        ));
    }
    let id = meeting.conference_id.clone();
    service.meetings.meetings.remove(&id);
    service.control.forget(&id);
    Ok(None)
}

const MINUTE: &str = "%Y-%m-%d %H:%M";

/// `start` (`yyyy-MM-dd HH:mm`) plus `minutes`, or "" when `start` is not such a time.
fn plus_minutes(start: &str, minutes: i64) -> String {
    NaiveDateTime::parse_from_str(start, MINUTE)
        .map(|s| (s + chrono::Duration::minutes(minutes)).format(MINUTE).to_string())
        .unwrap_or_default()
}

fn password_entry(role: &str, password: &str) -> PasswordEntry {
    PasswordEntry {
        conference_role: Some(role.into()),
        password: Some(Secret::new(password)),
    }
}

/// A meeting as the service describes it (`ConferenceInfo`).
fn conference_info(meeting: &Meeting) -> ConferenceInfo {
    let d = &meeting.definition;
    let length = i64::from(d.length.unwrap_or(30));
    let time_of_day = d
        .start_time
        .as_deref()
        .filter(|t| t.len() >= 16)
        .map_or("00:00", |t| &t[11..16])
        .to_owned();
    // A series starts on its first day; an instant meeting without a start time, now.
    let start = match (
        meeting.sub_meetings.first(),
        d.start_time.as_deref().filter(|t| !t.is_empty()),
    ) {
        (Some(first), _) => format!("{} {time_of_day}", first.format("%Y-%m-%d")),
        (None, Some(t)) => t.to_owned(),
        (None, None) => chrono::Utc::now().format(MINUTE).to_string(),
    };
    let end = plus_minutes(&start, length);
    let media = if d.media_types.contains("HDVideo") || d.media_types.contains("Video") {
        "HDVideo,Data,Voice"
    } else {
        "Voice,Data"
    };
    let recurring = !meeting.sub_meetings.is_empty();
    let in_progress = meeting.state == MeetingState::InProgress;
    let config = d.conf_config_info.clone().unwrap_or_default();
    let allow_guest_start = config.allow_guest_start_conf.unwrap_or(false);
    let size = int32(meeting.participants.len());
    let id = &meeting.conference_id;
    let sub_confs = || {
        let sub_conf = |(i, day): (usize, &NaiveDate)| {
            let sub_start = format!("{} {time_of_day}", day.format("%Y-%m-%d"));
            CycleSubConf {
                cycle_sub_conf_id: Some(format!("{:024x}{i:08x}", id.parse::<u128>().unwrap_or(0))),
                conference_id: Some(id.clone()),
                end_time: Some(plus_minutes(&sub_start, length)),
                start_time: Some(sub_start),
                media_type: Some(media.into()),
                is_auto_record: Some(0),
                record_auth_type: Some(2),
                conf_config_info: Some(CycleSubConfConfigDto {
                    call_in_restriction: Some(0),
                    audience_call_in_restriction: Some(0),
                    allow_guest_start_conf: Some(allow_guest_start.into()),
                    enable_waiting_room: Some(false.into()),
                }),
                ..CycleSubConf::default()
            }
        };
        meeting.sub_meetings.iter().enumerate().map(sub_conf).collect()
    };
    ConferenceInfo {
        conference_id: Some(id.clone()),
        subject: Some(d.subject.clone().unwrap_or_default()),
        size: Some(size),
        time_zone_id: Some(d.time_zone_id.clone().unwrap_or_else(|| "56".into())),
        start_time: Some(start),
        end_time: Some(end),
        media_types: Some(media.into()),
        conference_state: Some(if in_progress { "Created" } else { "Schedule" }.into()),
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
            } else if in_progress {
                "IMMEDIATELY"
            } else {
                "FUTURE"
            }
            .into(),
        ),
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
            call_in_restriction: Some(config.call_in_restriction.map_or(0, |c| *c).into()),
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
            meeting
                .participants
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
