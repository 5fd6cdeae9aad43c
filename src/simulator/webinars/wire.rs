//! Webinars as the service's requests and answers describe them.

use chrono::{DateTime, Utc};

use super::Webinar;
use crate::Secret;
use crate::simulator::api::{Answer, Context};
use crate::simulator::wire::{Failure, MINUTE, bad_request, parse_time, six_digits};
use crate::types::{
    CreateWebinarResponse, OpenEditConfReq, OpenRoomSettingReq, OpenScheduleConfReq, OpenWebinarHistoryInfo,
    OpenWebinarOngoingInfo, OpenWebinarUpcomingInfo, ShowRoomSettingResponse, ShowWebinarResponse,
};

fn start_of(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, Failure> {
    let start = parse_time(text).ok_or_else(|| bad_request(format!("startTime {text:?}: yyyy-MM-dd HH:mm")))?;
    if start <= now {
        return Err(bad_request(format!(
            "startTime {text}: the webinar would start in the past"
        )));
    }
    Ok(start)
}

/// A webinar scheduled with `body`; passwords not given are made.
pub(super) fn scheduled(
    conference_id: String,
    owner: String,
    body: OpenScheduleConfReq,
    now: DateTime<Utc>,
) -> Result<Webinar, Failure> {
    Ok(Webinar {
        conference_id,
        owner,
        start: start_of(&body.start_time, now)?,
        subject: body.subject,
        description: body.description,
        duration: i64::from(body.duration),
        time_zone_id: body.time_zone_id,
        attendees: body.attendees,
        notify: body.notify_setting,
        room: body.vmr_id,
        chair_password: six_digits(),
        guest_password: body.guest_passwd.map_or_else(six_digits, |p| p.expose().to_owned()),
        audience_password: body.audience_passwd.map_or_else(six_digits, |p| p.expose().to_owned()),
        call_restriction: body.call_restriction.unwrap_or(false),
        scope: body.scope.unwrap_or(0),
        audience_scope: body.audience_scope.unwrap_or(0),
        recording: body.enable_recording.is_some_and(|r| r.to_string() == "Y"),
        live_address: body.live_address,
        aux_address: body.aux_address,
        live_url: body.live_url,
        holding: None,
    })
}

/// `webinar` with its definition replaced by `body` (its ID, scheduler, room and chair
/// password stay; passwords not given are made anew).
pub(super) fn edited(webinar: &Webinar, body: OpenEditConfReq, now: DateTime<Utc>) -> Result<Webinar, Failure> {
    let schedule = OpenScheduleConfReq {
        attendees: body.attendees,
        audience_passwd: body.audience_passwd,
        audience_scope: body.audience_scope,
        aux_address: body.aux_address,
        call_restriction: body.call_restriction,
        description: body.description,
        duration: body.duration,
        enable_recording: body
            .enable_recording
            .and_then(|r| serde_json::from_value(serde_json::Value::String(r.to_string())).ok()),
        guest_passwd: body.guest_passwd,
        live_address: body.live_address,
        live_url: body.live_url,
        notify_setting: body.notify_setting,
        scope: body.scope,
        start_time: body.start_time,
        subject: body.subject,
        time_zone_id: body.time_zone_id,
        vmr_id: webinar.room.clone(),
    };
    let mut replaced = scheduled(webinar.conference_id.clone(), webinar.owner.clone(), schedule, now)?;
    replaced.chair_password.clone_from(&webinar.chair_password);
    Ok(replaced)
}

fn join_uri(webinar: &Webinar, role: &str) -> String {
    format!("https://127.0.0.1/#/j/{}/{role}", webinar.conference_id)
}

fn scheduler(webinar: &Webinar) -> String {
    if webinar.owner.is_empty() {
        "admin".into()
    } else {
        webinar.owner.clone()
    }
}

/// create_webinar's and show_webinar's answer.
pub(super) fn described(webinar: &Webinar, _vmr_id: String, cx: &Context<'_>) -> ShowWebinarResponse {
    ShowWebinarResponse {
        conference_id: Some(webinar.conference_id.clone()),
        corp_id: cx.caller.corp.clone(),
        subject: Some(webinar.subject.clone()),
        description: webinar.description.clone(),
        start_time: Some(webinar.start.format(MINUTE).to_string()),
        duration: Some(i32::try_from(webinar.duration).unwrap_or(i32::MAX)),
        time_zone_id: Some(webinar.time_zone_id),
        state: Some(
            if webinar.holding.is_some() {
                "created"
            } else {
                "schedule"
            }
            .into(),
        ),
        scheduser_id: Some(scheduler(webinar)),
        scheduser_name: Some(scheduler(webinar)),
        dept_name: Some("simulated enterprise".into()),
        vmr_pkg_name: Some("Webinar - 1000 audience".into()),
        call_restriction: Some(webinar.call_restriction),
        scope: Some(webinar.scope),
        audience_scope: Some(webinar.audience_scope),
        chair_join_uri: Some(join_uri(webinar, "chair")),
        chair_passwd: Some(Secret::new(webinar.chair_password.clone())),
        guest_join_uri: Some(join_uri(webinar, "guest")),
        guest_passwd: Some(Secret::new(webinar.guest_password.clone())),
        audience_join_uri: Some(join_uri(webinar, "audience")),
        audience_passwd: Some(Secret::new(webinar.audience_password.clone())),
        enable_recording: Some(if webinar.recording { "Y" } else { "N" }.into()),
        live_address: webinar.live_address.clone(),
        aux_address: webinar.aux_address.clone(),
        live_url: webinar.live_url.clone(),
        notify_setting: webinar.notify.clone(),
        // The service gives the guests by name only.
        attendees: Some(webinar.attendees.iter().filter_map(|a| a.user_name.clone()).collect()),
    }
}

/// create_webinar answers what show_webinar does, without the notification settings.
pub(super) fn as_created(shown: ShowWebinarResponse) -> Answer<CreateWebinarResponse> {
    let mut value = serde_json::to_value(shown).expect("response types serialise");
    if let Some(object) = value.as_object_mut() {
        object.remove("notifySetting");
    }
    serde_json::from_value(value).map_err(|e| bad_request(format!("create answer: {e}")))
}

/// Sorts by start time, ascending unless `DSC_StartTIME`.
pub(super) fn sort<T>(items: &mut [&T], sort_type: Option<String>, start: impl Fn(&T) -> DateTime<Utc>) {
    items.sort_by_key(|item| start(item));
    if sort_type.as_deref() == Some("DSC_StartTIME") {
        items.reverse();
    }
}

/// A list item: the fields of show_webinar's answer the item's type has (the service's
/// lists repeat them under the same names).
fn item<T: serde::de::DeserializeOwned>(webinar: &Webinar, cx: &Context<'_>) -> T {
    let value = serde_json::to_value(described(webinar, String::new(), cx)).expect("response types serialise");
    serde_json::from_value(value).expect("a list item's fields are show_webinar's")
}

pub(super) fn upcoming(webinar: &Webinar, cx: &Context<'_>) -> OpenWebinarUpcomingInfo {
    item(webinar, cx)
}

pub(super) fn ongoing(webinar: &Webinar, cx: &Context<'_>) -> OpenWebinarOngoingInfo {
    OpenWebinarOngoingInfo {
        conf_uuid: webinar.holding.clone(),
        // Nobody joins a simulated webinar but its guests' invitations.
        online_attendee_count: Some(0),
        ..item(webinar, cx)
    }
}

pub(super) fn history(webinar: &Webinar, conf_uuid: &str, ended: DateTime<Utc>) -> OpenWebinarHistoryInfo {
    let minutes = i32::try_from((ended - webinar.start).num_minutes()).unwrap_or(i32::MAX);
    OpenWebinarHistoryInfo {
        conference_id: Some(webinar.conference_id.clone()),
        conf_uuid: Some(conf_uuid.to_owned()),
        subject: Some(webinar.subject.clone()),
        scheduser_name: Some(scheduler(webinar)),
        moderator: Some(scheduler(webinar)),
        dept_name: Some("simulated enterprise".into()),
        time_zone_id: Some(webinar.time_zone_id),
        start_time: Some(webinar.start.format(MINUTE).to_string()),
        duration: Some(i32::try_from(webinar.duration).unwrap_or(i32::MAX)),
        actual_start_time: Some(webinar.start.format(MINUTE).to_string()),
        end_time: Some(ended.format(MINUTE).to_string()),
        actual_duration: Some(minutes),
        attendee_count: Some(0),
        chair_count: Some(0),
        guest_count: Some(0),
        audience_count: Some(0),
        vmr_id: Some(webinar.room.clone()),
        vmr_pkg_audience_parties: Some(1000),
        vmr_pkg_name: Some("Webinar - 1000 audience".into()),
    }
}

/// The room settings: those last set, or the defaults.
pub(super) fn room_setting(set: Option<&OpenRoomSettingReq>) -> ShowRoomSettingResponse {
    let set = set.cloned().unwrap_or_default();
    ShowRoomSettingResponse {
        room_introduce: set.room_introduce,
        crop_logo_id: set.crop_logo_id,
        cover_picture_id: set.cover_picture_id,
        show_audience_mode: Some(
            set.show_audience_mode
                .map_or_else(|| "real_time".into(), |m| m.to_string()),
        ),
        is_redouble_open: Some(set.is_redouble_open.map_or_else(|| "Y".into(), |m| m.to_string())),
        base_audience_count: Some(set.base_audience_count.unwrap_or(0)),
        multiple: Some(set.multiple.unwrap_or(1.0)),
    }
}
