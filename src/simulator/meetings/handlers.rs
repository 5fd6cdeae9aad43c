//! The handlers of the scheduling operations: what each does to the meetings.

use super::*;
use crate::types::SearchMeetingsSortType;

pub(super) fn definition_length(definition: &RestScheduleConfDto) -> i64 {
    i64::from(definition.length.unwrap_or(30))
}

impl Meetings {
    /// create_meeting, or create_recurring_meeting (`recurring`).
    fn create(
        &mut self,
        cx: &mut Context<'_>,
        definition: RestScheduleConfDto,
        recurring: bool,
    ) -> Answer<Vec<ConferenceInfo>> {
        if recurring && definition.cycle_params.is_none() {
            return Err(bad_request("cycleParams is mandatory for a recurring meeting"));
        }
        if !recurring && definition.cycle_params.is_some() {
            return Err(bad_request(
                "cycleParams is for create_recurring_meeting: a single meeting has none",
            ));
        }
        let now = cx.now;
        // A single meeting without a start time is an instant meeting: it starts now.
        let starts_now = definition.start_time.as_deref().is_none_or(str::is_empty) && !recurring;
        let mut meeting = Meeting::new(String::new(), definition, cx.caller.user.clone(), now)?;
        if utc(meeting.scheduled_end()) <= now {
            return Err(bad_request(
                "the meeting would end before now: startTime is in the past",
            ));
        }
        // Conference IDs are unique across the enterprises, as at the service.
        let conference_id = cx.new_conference_id();
        meeting.conference_id.clone_from(&conference_id);
        cx.emit(meeting.scheduled());
        if starts_now {
            let started = meeting.activate(now, &mut self.next_participant, &cx.caller.user);
            cx.emit(started);
        }
        let info = conference_info(&meeting);
        self.meetings.insert(conference_id, meeting);
        Ok(vec![info])
    }

    /// The series `conference_id`.
    fn series_mut(&mut self, conference_id: &str) -> Result<&mut Meeting, Failure> {
        let meeting = self.get_mut(conference_id)?;
        if !meeting.is_series() {
            return Err(bad_request(format!(
                "meeting {} is not a recurring series",
                meeting.conference_id
            )));
        }
        Ok(meeting)
    }

    /// cancel_meeting or cancel_recurring_meeting (the whole series): a meeting in progress
    /// only with `type` 1 (`end_if_started`), which ends it first (it goes to history). A
    /// meeting not in progress has no meeting-control tokens to end.
    fn cancel(&mut self, cx: &mut Context<'_>, conference_id: &str, end_if_started: bool) -> Answer<()> {
        let meeting = self.get(conference_id)?;
        let id = meeting.conference_id.clone();
        if meeting.live.is_some() {
            if !end_if_started {
                return Err(bad_request(
                    "the meeting is in progress: cancel it with type=1 to end it",
                ));
            }
            let operator = cx.caller.user.clone();
            self.end(cx, &id, &operator)?;
        }
        self.meetings.remove(&id);
        cx.emit(Event::MeetingRemoved { conference_id: id });
        Ok(())
    }
}

impl Handle<input::CreateMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CreateMeeting) -> Answer<Vec<ConferenceInfo>> {
        self.create(cx, input.body, false)
    }
}

impl Handle<input::CreateRecurringMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CreateRecurringMeeting) -> Answer<Vec<ConferenceInfo>> {
        self.create(cx, input.body, true)
    }
}

/// Replaces the definition of a single meeting that has not started.
impl Handle<input::UpdateMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateMeeting) -> Answer<Vec<ConferenceInfo>> {
        let definition = input.body;
        let now = cx.now;
        let meeting = self.get_mut(&input.conference_id)?;
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
        Ok(vec![conference_info(meeting)])
    }
}

impl Handle<input::UpdateRecurringMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateRecurringMeeting) -> Answer<Vec<ConferenceInfo>> {
        let definition = input.body;
        let now = cx.now;
        let meeting = self.get_mut(&input.conference_id)?;
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
        Ok(vec![conference_info(meeting)])
    }
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

/// Changes one occurrence of a series; the others keep their schedule.
impl Handle<input::UpdateRecurringSubMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::UpdateRecurringSubMeeting) -> Answer<()> {
        let change = input.body;
        let now = cx.now;
        let meeting = self.series_mut(&input.conference_id)?;
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
        Ok(())
    }
}

/// Cancels occurrences of a series; the others stay scheduled.
impl Handle<input::CancelRecurringSubMeeting> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::CancelRecurringSubMeeting) -> Answer<()> {
        let doomed = &input.body.cycle_sub_conf_ids;
        let meeting = self.series_mut(&input.conference_id)?;
        for id in doomed {
            editable_sub_meeting(meeting, id)?;
        }
        if meeting.sub_meetings.iter().all(|s| doomed.contains(&s.id)) {
            return Err(bad_request(
                "cancelling every sub-meeting cancels the series: use cancel_recurring_meeting",
            ));
        }
        meeting.sub_meetings.retain(|s| !doomed.contains(&s.id));
        if let Some(first) = meeting.sub_meetings.first() {
            meeting.start = first.start;
        }
        Ok(())
    }
}

/// Whether `key` (a search) matches a meeting's ID, subject or scheduler.
pub(super) fn matches(meeting: &Meeting, key: &str) -> bool {
    key.is_empty()
        || meeting.conference_id.contains(key)
        || meeting.definition.subject.as_deref().unwrap_or("").contains(key)
        || meeting.owner.contains(key)
}

impl Handle<input::SearchMeetings> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SearchMeetings) -> Answer<RestListConfResponse> {
        let key = input.search_key.unwrap_or_default();
        let matching = self.meetings.values().filter(|m| matches(m, &key)).collect();
        let descending = matches!(input.sort_type, Some(SearchMeetingsSortType::DscStartTime));
        Ok(list_response(matching, input.offset, input.limit, descending))
    }
}

impl Handle<input::ShowMeetingDetail> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::ShowMeetingDetail) -> Answer<ConfDetail> {
        let meeting = self.get(&input.conference_id)?;
        Ok(detail(meeting, input.offset, input.limit, input.search_key.as_deref()))
    }
}

impl Handle<input::StartMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::StartMeeting) -> Answer<StartMeetingResponse> {
        let request = input.body;
        let now = cx.now;
        let id = &request.conference_id;
        let meeting = self.meetings.get_mut(id).ok_or_else(|| not_found(id))?;
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
                ErrorCode::MeetingNotFoundOrAuthFailed,
                "CONF_NOT_FOUND_OR_AUTH_FAILED: wrong meeting password",
            ));
        }
        if meeting.ended {
            return Err(ended(id));
        }
        // Starting a meeting in progress joins it: nothing changes.
        if meeting.live.is_none() {
            let started = meeting.activate(now, &mut self.next_participant, &cx.caller.user);
            cx.emit(started);
        }
        Ok(StartMeetingResponse {
            uuid: Some(random_token("stb")),
            region_ip: Some("127.0.0.1".into()),
        })
    }
}

impl Handle<input::CancelMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CancelMeeting) -> Answer<()> {
        self.cancel(cx, &input.conference_id, input.type_ == Some(1))
    }
}

impl Handle<input::CancelRecurringMeeting> for Meetings {
    fn handle(&mut self, cx: &mut Context<'_>, input: input::CancelRecurringMeeting) -> Answer<()> {
        self.cancel(cx, &input.conference_id, input.type_ == Some(1))
    }
}
