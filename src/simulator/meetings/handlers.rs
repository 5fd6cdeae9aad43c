//! The handlers of the scheduling operations: what each does to the meetings.

use super::*;

pub(super) fn definition_length(definition: &RestScheduleConfDto) -> i64 {
    i64::from(definition.length.unwrap_or(30))
}

/// create_meeting, or create_recurring_meeting (`recurring`).
pub(super) fn create(service: &mut Service, call: &Call<'_>, recurring: bool) -> Outcome {
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
pub(super) fn update_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
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

pub(super) fn update_recurring_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
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
pub(super) fn editable_sub_meeting<'a>(meeting: &'a mut Meeting, id: &str) -> Result<&'a mut SubMeeting, Failure> {
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

pub(super) fn series_of<'a>(service: &'a mut Service, call: &Call<'_>) -> Result<&'a mut Meeting, Failure> {
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
pub(super) fn update_recurring_sub_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
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
pub(super) fn cancel_recurring_sub_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
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

pub(super) fn search_meetings(service: &mut Service, call: &Call<'_>) -> Outcome {
    let key = call.param("searchKey").unwrap_or_default();
    let matching = service
        .meetings
        .meetings
        .values()
        .filter(|m| matches(m, &key))
        .collect();
    list_response(call, matching)
}

pub(super) fn show_meeting_detail(service: &mut Service, call: &Call<'_>) -> Outcome {
    let meeting = service.meetings.find(call)?;
    detail(call, meeting)
}

pub(super) fn start_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
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
pub(super) fn cancel(service: &mut Service, call: &Call<'_>) -> Outcome {
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
