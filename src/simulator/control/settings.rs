//! Meeting control of the meeting as a whole: microphones, lock, duration, settings,
//! recording, live streaming, layout, the host's view; its real-time state; web-socket tokens.

use super::{HOST, live_meeting, participant};
use crate::Secret;
use crate::simulator::live::Role;
use crate::simulator::service::{Handler, Service};
use crate::simulator::wire::{Call, Outcome, random_token, reply};
use crate::types::{
    CreateWebSocketTokenResponse, RealTimeAttendee, RealTimeConfInfo, RealTimeParticipant, RestAllowUnMuteReqBody,
    RestChairViewReqBody, RestLockReqBody, RestMixedPictureBody, RestMuteReqBody, RestProlongDurReqBody,
    RestSetLiveReqBody, RestSetRecordReqBody, RestSwitchModeReqBody, ShowRealTimeInfoOfMeetingResponse,
    UpdateStartedConfigReqBody,
};

pub(in crate::simulator) const HANDLERS: &[(&str, Handler)] = &[
    ("show_real_time_info_of_meeting", show_real_time_info_of_meeting),
    ("create_web_socket_token", create_web_socket_token),
    ("mute_meeting", mute_meeting),
    ("allow_guest_unmute", allow_guest_unmute),
    ("lock_meeting", lock_meeting),
    ("prolong_meeting", prolong_meeting),
    ("update_started_conf_config", update_started_conf_config),
    ("record", record),
    ("live", live),
    ("switch_mode", switch_mode),
    ("set_host_view", set_host_view),
    ("set_multi_picture", set_multi_picture),
];

/// Minutes automatic prolonging adds when the request does not say.
const DEFAULT_PROLONG_MINUTES: i64 = 15;

fn show_real_time_info_of_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let meeting = live_meeting(service, call)?;
    let present = || meeting.participants.iter().filter(|p| p.is_present());
    let with_role = |role: Role| {
        present()
            .filter(move |p| p.role == role)
            .filter_map(|p| p.participant_id.clone())
    };
    reply(&ShowRealTimeInfoOfMeetingResponse {
        attendees: Some(
            meeting
                .participants
                .iter()
                .map(|p| RealTimeAttendee {
                    name: Some(p.name.clone()),
                    phone: Some(p.number.clone()),
                    ..RealTimeAttendee::default()
                })
                .collect(),
        ),
        participants: Some(
            present()
                .map(|p| RealTimeParticipant {
                    pid: p.participant_id.clone(),
                    name: Some(p.name.clone()),
                    phone: Some(p.number.clone()),
                    state: Some(0),
                    video: Some(1),
                    mute: Some(i32::from(p.muted)),
                    hand: Some(i32::from(p.hand_raised)),
                })
                .collect(),
        ),
        conf_info: Some(RealTimeConfInfo {
            chair_id: with_role(Role::Chair).next(),
            co_hosts: Some(with_role(Role::Cohost).collect()),
        }),
    })
}

/// A one-minute, one-use token for the meeting's event web socket.
fn create_web_socket_token(service: &mut Service, call: &Call<'_>) -> Outcome {
    live_meeting(service, call)?;
    let token = random_token("ws");
    service.issued.push(token.clone());
    reply(&CreateWebSocketTokenResponse {
        web_socket_token: Some(Secret::new(token)),
    })
}

/// Mutes (or unmutes) everyone but the chair; who joins later joins muted.
fn mute_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestMuteReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let mute = request.is_mute == 1;
    for p in meeting.participants.iter_mut().filter(|p| p.role != Role::Chair) {
        p.muted = mute;
    }
    let controls = &mut meeting.live.as_mut().expect("in progress").controls;
    controls.all_muted = mute;
    // The spec: when muting, participants may unmute themselves unless told otherwise
    // (`allowUnmuteByOneself` defaults to 1).
    match request.allow_unmute_by_oneself {
        Some(allow) => controls.guests_may_unmute = allow == 1,
        None if mute => controls.guests_may_unmute = true,
        None => {}
    }
    meeting.log_control(now, HOST, if mute { "MUTE_ALL" } else { "UNMUTE_ALL" }, "");
    Ok(None)
}

fn allow_guest_unmute(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestAllowUnMuteReqBody = call.parse()?;
    let meeting = live_meeting(service, call)?;
    meeting.live.as_mut().expect("in progress").controls.guests_may_unmute = request.allow_unmute_by_oneself == 1;
    Ok(None)
}

fn lock_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestLockReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let lock = request.is_lock == 1;
    meeting.live.as_mut().expect("in progress").controls.locked = lock;
    meeting.log_control(now, HOST, if lock { "LOCK" } else { "UNLOCK" }, "");
    Ok(None)
}

/// `auto` 0 moves the end by `duration` minutes now; 1 turns on automatic prolonging by
/// `duration` minutes (15 by default) whenever the end comes with someone in.
fn prolong_meeting(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestProlongDurReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let minutes = request.duration.map_or(DEFAULT_PROLONG_MINUTES, i64::from);
    let live = meeting.live.as_mut().expect("in progress");
    if request.auto == 1 {
        live.controls.auto_prolong = Some(minutes);
    } else {
        live.ends += chrono::Duration::minutes(minutes);
    }
    meeting.log_control(now, HOST, "PROLONG", &minutes.to_string());
    Ok(None)
}

/// Settings of the meeting in progress; `isLock` and `allowUnmuteByOneself` are the same
/// state as lock_meeting and allow_guest_unmute change.
fn update_started_conf_config(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: UpdateStartedConfigReqBody = call.parse()?;
    let settings = serde_json::to_value(&request).unwrap_or_default();
    let meeting = live_meeting(service, call)?;
    let controls = &mut meeting.live.as_mut().expect("in progress").controls;
    if let Some(lock) = request.is_lock {
        controls.locked = lock == 1;
    }
    if let Some(allow) = request.allow_unmute_by_oneself {
        controls.guests_may_unmute = allow == 1;
    }
    for (name, value) in settings.as_object().into_iter().flatten() {
        if !value.is_null() {
            controls.settings.insert(name.clone(), value.clone());
        }
    }
    Ok(None)
}

/// Starts or stops recording; a holding recorded at any point has recording files once it
/// ends.
fn record(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestSetRecordReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let on = request.is_record == 1;
    let controls = &mut meeting.live.as_mut().expect("in progress").controls;
    let changed = controls.recording != on;
    controls.recording = on;
    controls.recorded |= on;
    if changed {
        meeting.log_control(now, HOST, if on { "START_RECORD" } else { "STOP_RECORD" }, "");
    }
    Ok(None)
}

fn live(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestSetLiveReqBody = call.parse()?;
    let now = service.clock.now();
    let meeting = live_meeting(service, call)?;
    let on = request.is_live == 1;
    meeting.live.as_mut().expect("in progress").controls.live_streaming = on;
    meeting.log_control(now, HOST, if on { "START_LIVE" } else { "STOP_LIVE" }, "");
    Ok(None)
}

fn switch_mode(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestSwitchModeReqBody = call.parse()?;
    let meeting = live_meeting(service, call)?;
    meeting.live.as_mut().expect("in progress").controls.layout =
        Some(format!("{} {}", request.switch_mode, request.image_type));
    Ok(None)
}

fn set_host_view(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestChairViewReqBody = call.parse()?;
    let meeting = live_meeting(service, call)?;
    if let Some(id) = &request.participant_id {
        participant(meeting, id)?;
    }
    meeting.live.as_mut().expect("in progress").controls.host_view = Some(match &request.participant_id {
        Some(id) => format!("{} {id}", request.view_type),
        None => request.view_type.to_string(),
    });
    Ok(None)
}

/// The layout of everyone's picture: each sub-picture's participants must be in the meeting.
fn set_multi_picture(service: &mut Service, call: &Call<'_>) -> Outcome {
    let request: RestMixedPictureBody = call.parse()?;
    let meeting = live_meeting(service, call)?;
    for picture in &request.subscriber_in_pics {
        for id in &picture.subscriber {
            participant(meeting, id)?;
        }
    }
    let image = request
        .image_type
        .map_or_else(|| "automatic".to_owned(), |t| t.to_string());
    meeting.live.as_mut().expect("in progress").controls.layout = Some(format!("multi-picture {image}"));
    Ok(None)
}
