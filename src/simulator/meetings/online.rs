//! Meetings in progress as the management API lists them: online meetings, their detail,
//! their participants and the region hosting them.

use super::{Meeting, detail, list_response, matches, not_in_progress};
use crate::simulator::service::{Handler, Service};
use crate::simulator::wire::{Call, Failure, Outcome, int32, page, paged, reply};
use crate::types::{OnlineAttendeeRecordInfo, PageOnlineAttendeeRecordRsp, ShowRegionInfoOfMeetingResponse};

pub(in crate::simulator) const HANDLERS: &[(&str, Handler)] = &[
    ("search_online_meetings", search_online_meetings),
    ("show_online_meeting_detail", show_online_meeting_detail),
    ("list_online_conf_attendee", list_online_conf_attendee),
    ("show_region_info_of_meeting", show_region_info_of_meeting),
];

/// The meeting in progress named by the query parameter `name`.
fn online<'a>(service: &'a Service, call: &Call<'_>, name: &str) -> Result<&'a Meeting, Failure> {
    let meeting = service.meetings.get(&call.param(name).unwrap_or_default())?;
    if meeting.live.is_none() {
        return Err(not_in_progress());
    }
    Ok(meeting)
}

fn search_online_meetings(service: &mut Service, call: &Call<'_>) -> Outcome {
    let key = call.param("searchKey").unwrap_or_default();
    let matching = service.meetings.in_progress().filter(|m| matches(m, &key)).collect();
    list_response(call, matching)
}

fn show_online_meeting_detail(service: &mut Service, call: &Call<'_>) -> Outcome {
    detail(call, online(service, call, "conferenceID")?)
}

fn list_online_conf_attendee(service: &mut Service, call: &Call<'_>) -> Outcome {
    let (offset, limit) = page(call, 20);
    let meeting = online(service, call, "conf_id")?;
    let key = call.param("search_key").unwrap_or_default();
    let online: Vec<OnlineAttendeeRecordInfo> = meeting
        .participants
        .iter()
        .filter(|p| p.participant_id.is_some())
        .filter(|p| key.is_empty() || p.name.contains(&key) || p.number.contains(&key))
        .map(|p| OnlineAttendeeRecordInfo {
            participant_id: p.participant_id.clone(),
            name: Some(p.name.clone()),
            call_number: Some(p.number.clone()),
            role: Some(0),
            ..OnlineAttendeeRecordInfo::default()
        })
        .collect();
    reply(&PageOnlineAttendeeRecordRsp {
        offset: Some(int32(offset)),
        limit: Some(int32(limit)),
        count: Some(int32(online.len())),
        data: Some(paged(online.into_iter(), offset, limit).collect()),
    })
}

fn show_region_info_of_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    online(service, call, "conferenceID")?;
    let host = url::Url::parse(&service.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    reply(&ShowRegionInfoOfMeetingResponse {
        region_ip: Some(host.clone()),
        region_url: Some(host),
    })
}
