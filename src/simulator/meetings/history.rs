//! Meetings that were held: each holding (one `confUUID`) with its description, participants,
//! attendance and control records, as the history operations read them.

use chrono::{DateTime, Utc};

use super::{Meetings, parse_time};
use crate::ErrorCode;
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::events::Held;
use crate::simulator::examples::SpecExamples;
use crate::simulator::wire::{Failure, fail, page, page_of};
use crate::types::{
    ConfAttendeeRecordInfo, ConfCtlRecordInfo, ConfDetail, ConferenceInfo, PageParticipant, ParticipantInfo,
    RestListConfResponse, RestQueryAttendRecordResponse, RestQueryConfCtlLogResponse, SearchHisMeetingsSortType,
};

/// What history keeps of one holding of a meeting.
pub(in crate::simulator) struct HeldMeeting {
    pub(super) conf_uuid: String,
    /// The user who scheduled it ("" for the default administrator).
    pub(super) owner: String,
    pub(super) info: ConferenceInfo,
    pub(super) participants: Vec<ParticipantInfo>,
    pub(super) attendance: Vec<ConfAttendeeRecordInfo>,
    pub(super) control: Vec<ConfCtlRecordInfo>,
    pub(super) recorded: bool,
    pub(super) started: DateTime<Utc>,
    pub(super) ended: DateTime<Utc>,
}

impl HeldMeeting {
    /// What the other areas hear of the holding when it ends.
    pub(super) fn event(&self) -> Held {
        Held {
            conf_uuid: self.conf_uuid.clone(),
            conference_id: self.info.conference_id.clone().unwrap_or_default(),
            subject: self.info.subject.clone().unwrap_or_default(),
            owner: self.owner.clone(),
            started: self.started,
            ended: self.ended,
            recorded: self.recorded,
            record_auth_type: self.info.record_auth_type.unwrap_or(2),
        }
    }
}

/// A control record as the service writes it: `code` is what was done, `object` to what.
pub(super) fn control_record(now: DateTime<Utc>, operator: &str, code: &str, object: &str) -> ConfCtlRecordInfo {
    ConfCtlRecordInfo {
        operate_time: Some(now.timestamp_millis().into()),
        operate_source: Some(
            if operator.is_empty() {
                "Conference System"
            } else {
                "API"
            }
            .into(),
        ),
        operator: Some(if operator.is_empty() { "admin" } else { operator }.into()),
        operate_code: Some(code.into()),
        operation_object: Some(object.into()),
        operate_result: Some("Success".into()),
        detail: None,
    }
}

#[derive(Default)]
pub(super) struct History {
    held: Vec<HeldMeeting>,
}

fn not_found(conf_uuid: &str) -> Failure {
    fail(
        400,
        ErrorCode::MeetingNotFound,
        format!("CONF_DATA_NOT_FOUND: no held meeting has confUUID {conf_uuid}"),
    )
}

impl History {
    pub(super) fn add(&mut self, held: HeldMeeting) {
        self.held.push(held);
    }

    /// Every holding, oldest first.
    pub(super) fn all(&self) -> impl Iterator<Item = &HeldMeeting> {
        self.held.iter()
    }

    pub(super) fn get(&self, conf_uuid: &str) -> Result<&HeldMeeting, Failure> {
        self.held
            .iter()
            .find(|h| h.conf_uuid == conf_uuid)
            .ok_or_else(|| not_found(conf_uuid))
    }

    /// The examples' world: the held occurrence the history examples describe (the meeting of
    /// search_his_meetings' example, with the attendance and control records of theirs).
    /// Its recording is not heard of: the recordings area seeds its own from the examples.
    pub(super) fn seed_examples(&mut self, examples: &SpecExamples) {
        use serde_json::Value;
        fn decode<T: serde::de::DeserializeOwned>(value: Option<&Value>) -> Option<T> {
            value.and_then(|v| serde_json::from_value(v.clone()).ok())
        }
        let Some(info) = decode::<ConferenceInfo>(
            examples
                .response("search_his_meetings")
                .and_then(|r| r.pointer("/data/0")),
        ) else {
            return;
        };
        let Some(conf_uuid) = examples
            .parameter("confUUID")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return;
        };
        let detail: Option<ConfDetail> = decode(examples.response("show_his_meeting_detail"));
        let attendance: Option<RestQueryAttendRecordResponse> =
            decode(examples.response("search_attendance_records_of_his_meeting"));
        let control: Option<RestQueryConfCtlLogResponse> =
            decode(examples.response("search_ctl_records_of_his_meeting"));
        let time = |t: Option<&String>| t.and_then(|t| parse_time(t)).unwrap_or_else(Utc::now);
        self.held.push(HeldMeeting {
            conf_uuid,
            owner: String::new(),
            started: time(info.start_time.as_ref()),
            ended: time(info.end_time.as_ref()),
            recorded: info.is_has_record_file.is_some_and(|r| *r),
            participants: detail.and_then(|d| d.data).and_then(|p| p.data).unwrap_or_default(),
            attendance: attendance.and_then(|a| a.data).unwrap_or_default(),
            control: control.and_then(|c| c.data).unwrap_or_default(),
            info,
        });
    }
}

/// search_his_meetings: holdings that started in [startDate, endDate] (Unix milliseconds).
impl Handle<input::SearchHisMeetings> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SearchHisMeetings) -> Answer<RestListConfResponse> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let (from, to) = (input.start_date, input.end_date);
        let key = input.search_key.unwrap_or_default();
        let mut matching: Vec<&HeldMeeting> = self
            .history
            .held
            .iter()
            .filter(|h| (from..=to).contains(&h.started.timestamp_millis()))
            .filter(|h| {
                let info = &h.info;
                key.is_empty()
                    || info.conference_id.as_deref().is_some_and(|id| id.contains(&key))
                    || info.subject.as_deref().is_some_and(|s| s.contains(&key))
                    || h.owner.contains(&key)
            })
            .collect();
        match input.sort_type {
            Some(SearchHisMeetingsSortType::DscStartTime) => matching.sort_by_key(|h| std::cmp::Reverse(h.started)),
            Some(SearchHisMeetingsSortType::AscRecordType) => matching.sort_by_key(|h| (h.recorded, h.started)),
            Some(SearchHisMeetingsSortType::DscRecordType) => {
                matching.sort_by_key(|h| std::cmp::Reverse((h.recorded, h.started)));
            }
            _ => matching.sort_by_key(|h| h.started),
        }
        Ok(page_of!(
            RestListConfResponse,
            matching.into_iter().map(|h| h.info.clone()).collect(),
            offset,
            limit
        ))
    }
}

impl Handle<input::ShowHisMeetingDetail> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::ShowHisMeetingDetail) -> Answer<ConfDetail> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let held = self.history.get(&input.conf_uuid)?;
        let key = input.search_key.unwrap_or_default();
        let participants: Vec<&ParticipantInfo> = held
            .participants
            .iter()
            .filter(|p| {
                key.is_empty()
                    || p.name.as_deref().is_some_and(|n| n.contains(&key))
                    || p.participant_id.as_deref().is_some_and(|n| n.contains(&key))
            })
            .collect();
        Ok(ConfDetail {
            conference_data: Some(held.info.clone()),
            data: Some(page_of!(
                PageParticipant,
                participants.into_iter().cloned().collect(),
                offset,
                limit
            )),
        })
    }
}

impl Handle<input::SearchAttendanceRecordsOfHisMeeting> for Meetings {
    fn handle(
        &mut self,
        _cx: &mut Context<'_>,
        input: input::SearchAttendanceRecordsOfHisMeeting,
    ) -> Answer<RestQueryAttendRecordResponse> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let held = self.history.get(&input.conf_uuid)?;
        let key = input.search_key.unwrap_or_default();
        let records: Vec<&ConfAttendeeRecordInfo> = held
            .attendance
            .iter()
            .filter(|r| {
                key.is_empty()
                    || r.display_name.as_deref().is_some_and(|n| n.contains(&key))
                    || r.call_number.as_deref().is_some_and(|n| n.contains(&key))
            })
            .collect();
        Ok(page_of!(
            RestQueryAttendRecordResponse,
            records.into_iter().cloned().collect(),
            offset,
            limit
        ))
    }
}

impl Handle<input::SearchCtlRecordsOfHisMeeting> for Meetings {
    fn handle(
        &mut self,
        _cx: &mut Context<'_>,
        input: input::SearchCtlRecordsOfHisMeeting,
    ) -> Answer<RestQueryConfCtlLogResponse> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let held = self.history.get(&input.conf_uuid)?;
        Ok(page_of!(
            RestQueryConfCtlLogResponse,
            held.control.clone(),
            offset,
            limit
        ))
    }
}
