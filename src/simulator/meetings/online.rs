//! Meetings in progress as the management API lists them: online meetings, their detail,
//! their participants and the region hosting them.

use super::{Meeting, Meetings, detail, list_response, matches, not_in_progress};
use crate::simulator::api::{Answer, Context, Handle, input};
use crate::simulator::wire::{Failure, page, page_of};
use crate::types::{
    ConfDetail, OnlineAttendeeRecordInfo, PageOnlineAttendeeRecordRsp, RestListConfResponse,
    ShowRegionInfoOfMeetingResponse,
};

impl Meetings {
    /// The meeting in progress `conference_id`.
    fn online(&self, conference_id: &str) -> Result<&Meeting, Failure> {
        let meeting = self.get(conference_id)?;
        if meeting.live.is_none() {
            return Err(not_in_progress());
        }
        Ok(meeting)
    }
}

impl Handle<input::SearchOnlineMeetings> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::SearchOnlineMeetings) -> Answer<RestListConfResponse> {
        let key = input.search_key.unwrap_or_default();
        let matching = self.in_progress().filter(|m| matches(m, &key)).collect();
        Ok(list_response(matching, input.offset, input.limit, false))
    }
}

impl Handle<input::ShowOnlineMeetingDetail> for Meetings {
    fn handle(&mut self, _cx: &mut Context<'_>, input: input::ShowOnlineMeetingDetail) -> Answer<ConfDetail> {
        let meeting = self.online(&input.conference_id)?;
        Ok(detail(meeting, input.offset, input.limit, input.search_key.as_deref()))
    }
}

impl Handle<input::ListOnlineConfAttendee> for Meetings {
    fn handle(
        &mut self,
        _cx: &mut Context<'_>,
        input: input::ListOnlineConfAttendee,
    ) -> Answer<PageOnlineAttendeeRecordRsp> {
        let (offset, limit) = page(input.offset, input.limit, 20);
        let meeting = self.online(&input.conf_id)?;
        let key = input.search_key.unwrap_or_default();
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
        Ok(page_of!(PageOnlineAttendeeRecordRsp, online, offset, limit))
    }
}

impl Handle<input::ShowRegionInfoOfMeeting> for Meetings {
    fn handle(
        &mut self,
        cx: &mut Context<'_>,
        input: input::ShowRegionInfoOfMeeting,
    ) -> Answer<ShowRegionInfoOfMeetingResponse> {
        self.online(&input.conference_id)?;
        let host = url::Url::parse(cx.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        Ok(ShowRegionInfoOfMeetingResponse {
            region_ip: Some(host.clone()),
            region_url: Some(host),
        })
    }
}
