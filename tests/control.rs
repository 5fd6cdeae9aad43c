//! Meeting control end to end on the simulator: a host runs a meeting through
//! `client.conference(id, host_password)`; the simulator's live state (and the real-time info
//! the service gives) shows what each control did; the rules the service enforces.

mod common;

use std::time::Duration;

use chrono::Utc;
use huaweicloud_meeting::simulator::{LiveMeeting, Role, Simulator};
use huaweicloud_meeting::types::{
    Attendee, AttendeeType, RestAllowWaitingParticipantReqBody, RestBulkHangUpReqBody, RestInviteReqBody,
    RestLockReqBody, RestMoveToWaitingRoomReqBody, RestMuteParticipantReqBody, RestMuteReqBody, RestProlongDurReqBody,
    RestRenamePartReqBody, RestScheduleConfDto, RestSetCohostBody, RestSetRecordReqBody, StartRequest,
};
use huaweicloud_meeting::{Client, Error, ErrorCode, ErrorKind};

/// A meeting in progress with nobody invited yet: (client, conference id, host password).
async fn meeting_in_progress(sim: &Simulator) -> (Client, String, String) {
    let client = sim.client_builder().build().unwrap();
    let start = (Utc::now() + chrono::Duration::minutes(5)).format("%Y-%m-%d %H:%M");
    let body: RestScheduleConfDto = RestScheduleConfDto::builder()
        .subject("Incident review".to_owned())
        .media_types("HDVideo")
        .start_time(start.to_string())
        .length(60)
        .try_into()
        .unwrap();
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let password = common::host_password(&created[0]);
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(password.clone()))
        .send()
        .await
        .unwrap();
    (client, id, password)
}

fn attendee(name: &str, phone: &str) -> Attendee {
    Attendee::builder()
        .name(name.to_owned())
        .phone(phone.to_owned())
        .type_(AttendeeType::Mobile)
        .try_into()
        .unwrap()
}

/// The participant id of `name` in the live meeting.
fn id_of(live: &LiveMeeting, name: &str) -> String {
    live.participants
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.participant_id.clone())
        .unwrap_or_else(|| panic!("{name} is not in {live:?}"))
}

fn person<'a>(live: &'a LiveMeeting, id: &str) -> &'a huaweicloud_meeting::simulator::LiveParticipant {
    live.participants
        .iter()
        .find(|p| p.participant_id.as_deref() == Some(id))
        .unwrap()
}

#[tokio::test]
async fn a_host_runs_a_meeting_and_every_control_shows_in_its_state() {
    let sim = Simulator::builder().tls(true).start().await.unwrap();
    let (client, id, password) = meeting_in_progress(&sim).await;
    let host = client.conference(id.clone(), password.as_str());
    let live = || sim.live_meeting(&id).expect("in progress");

    // Three people are called and join.
    host.invite_participant()
        .conference_id(&id)
        .body(RestInviteReqBody::builder().attendees(vec![
            attendee("Ann", "+8613800000011"),
            attendee("Ben", "+8613800000012"),
            attendee("Cat", "+8613800000013"),
        ]))
        .send()
        .await
        .unwrap();
    let (ann, ben, cat) = (id_of(&live(), "Ann"), id_of(&live(), "Ben"), id_of(&live(), "Cat"));
    let info = host
        .show_real_time_info_of_meeting()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.participants.as_ref().unwrap().len(), 3);

    // Everyone muted; Ann may speak.
    host.mute_meeting()
        .conference_id(&id)
        .body(RestMuteReqBody::builder().is_mute(1))
        .send()
        .await
        .unwrap();
    host.mute_participant()
        .conference_id(&id)
        .participant_id(&ann)
        .body(RestMuteParticipantReqBody::builder().is_mute(0))
        .send()
        .await
        .unwrap();
    let state = live();
    assert!(state.all_muted);
    assert!(!person(&state, &ann).muted);
    assert!(person(&state, &ben).muted && person(&state, &cat).muted);

    // Ben is renamed and made co-host.
    host.rename_participant()
        .conference_id(&id)
        .body(
            RestRenamePartReqBody::builder()
                .participant_id(ben.clone())
                .number("+8613800000012")
                .new_name("Ben (on call)"),
        )
        .send()
        .await
        .unwrap();
    host.set_cohost()
        .conference_id(&id)
        .participant_id(&ben)
        .body(RestSetCohostBody::builder().is_cohost(1))
        .send()
        .await
        .unwrap();
    let state = live();
    assert_eq!(person(&state, &ben).name, "Ben (on call)");
    assert_eq!(person(&state, &ben).role, Role::Cohost);
    let info = host
        .show_real_time_info_of_meeting()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.conf_info.unwrap().co_hosts, Some(vec![ben.clone()]));

    // Recording, lock, half an hour more.
    let ends = live().ends_at;
    host.record()
        .conference_id(&id)
        .body(RestSetRecordReqBody::builder().is_record(1))
        .send()
        .await
        .unwrap();
    host.lock_meeting()
        .conference_id(&id)
        .body(RestLockReqBody::builder().is_lock(1))
        .send()
        .await
        .unwrap();
    host.prolong_meeting()
        .conference_id(&id)
        .body(RestProlongDurReqBody::builder().auto(0).duration(30))
        .send()
        .await
        .unwrap();
    let state = live();
    assert!(state.recording && state.locked);
    assert_eq!(state.ends_at - ends, chrono::Duration::minutes(30));

    // Cat is hung up; Ann waits in the waiting room, then is admitted back.
    host.hang_up()
        .conference_id(&id)
        .body(RestBulkHangUpReqBody::builder().bulk_hang_up_participants(vec![cat.clone()]))
        .send()
        .await
        .unwrap();
    host.move_to_waiting_room()
        .conference_id(&id)
        .body(RestMoveToWaitingRoomReqBody::builder().participant_id(ann.clone()))
        .send()
        .await
        .unwrap();
    let state = live();
    assert!(
        state
            .participants
            .iter()
            .any(|p| p.name == "Cat" && p.participant_id.is_none())
    );
    assert!(person(&state, &ann).in_waiting_room);
    let info = host
        .show_real_time_info_of_meeting()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let present: Vec<String> = info.participants.unwrap().into_iter().filter_map(|p| p.pid).collect();
    assert_eq!(present, std::slice::from_ref(&ben), "Cat hung up, Ann waiting");
    host.allow_waiting_participant()
        .conference_id(&id)
        .body(RestAllowWaitingParticipantReqBody::builder().participant_id(ann.clone()))
        .send()
        .await
        .unwrap();
    assert!(!person(&live(), &ann).in_waiting_room);

    // Stop: in history with a recording and the control records.
    host.stop_meeting().conference_id(&id).send().await.unwrap();
    assert!(sim.live_meeting(&id).is_none());
    let now = Utc::now().timestamp_millis();
    let held = client
        .search_his_meetings()
        .start_date(now - 3_600_000)
        .end_date(now + 3_600_000)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    let conf_uuid = held[0].conf_uuid.clone().unwrap();
    assert!(held[0].is_has_record_file.is_some_and(|r| *r));
    let codes: Vec<String> = client
        .search_ctl_records_of_his_meeting()
        .conf_uuid(&conf_uuid)
        .limit(100)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()
        .into_iter()
        .filter_map(|c| c.operate_code)
        .collect();
    for code in [
        "START_CONF",
        "INVITE",
        "MUTE_ALL",
        "UNMUTE_PARTICIPANT",
        "RENAME",
        "SET_COHOST",
        "START_RECORD",
        "LOCK",
        "PROLONG",
        "HANG_UP",
        "MOVE_TO_WAITING_ROOM",
        "ALLOW_WAITING_PARTICIPANT",
        "STOP_CONF",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} missing from {codes:?}");
    }
    client
        .show_recording_detail()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn controls_follow_the_service_rules() {
    let sim = Simulator::start().await.unwrap();
    let (client, id, password) = meeting_in_progress(&sim).await;
    let host = client.conference(id.clone(), password.as_str());

    // An unknown participant is named in the refusal.
    let e = host
        .mute_participant()
        .conference_id(&id)
        .participant_id("no-such-participant")
        .body(RestMuteParticipantReqBody::builder().is_mute(1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(e.message().unwrap().contains("no-such-participant"), "{e}");

    // Muting a muted participant succeeds (idempotent, as the spec's retry class says).
    host.invite_participant()
        .conference_id(&id)
        .body(RestInviteReqBody::builder().attendees(vec![attendee("Dan", "+8613800000014")]))
        .send()
        .await
        .unwrap();
    let dan = id_of(&sim.live_meeting(&id).unwrap(), "Dan");
    for _ in 0..2 {
        host.mute_participant()
            .conference_id(&id)
            .participant_id(&dan)
            .body(RestMuteParticipantReqBody::builder().is_mute(1))
            .send()
            .await
            .unwrap();
    }
    assert!(person(&sim.live_meeting(&id).unwrap(), &dan).muted);

    // A meeting-control token works for its own meeting only, at the service too.
    let (_, other_id, other_password) = meeting_in_progress(&sim).await;
    let other = client.conference(other_id.clone(), other_password.as_str());
    other
        .show_real_time_info_of_meeting()
        .conference_id(&other_id)
        .send()
        .await
        .unwrap();
    let token = sim.issued_tokens().last().cloned().unwrap();
    let (_, third, _) = meeting_in_progress(&sim).await;
    let response = common::raw_http()
        .build()
        .unwrap()
        .put(format!(
            "{}/v1/mmc/control/conferences/lock?conferenceID={third}",
            sim.base_url()
        ))
        .header("x-conference-authorization", token)
        .json(&serde_json::json!({"isLock": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(!sim.live_meeting(&third).unwrap().locked);
    // Control of a meeting that is not in progress: no meeting-control token for it.
    let start = (Utc::now() + chrono::Duration::minutes(30)).format("%Y-%m-%d %H:%M");
    let scheduled = client
        .create_meeting()
        .body(
            RestScheduleConfDto::builder()
                .subject("later".to_owned())
                .media_types("Voice")
                .start_time(start.to_string()),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let later = scheduled[0].conference_id.clone().unwrap();
    let later_password = scheduled[0].password_entry.as_ref().unwrap()[0]
        .password
        .clone()
        .unwrap();
    let e = client
        .conference(later.clone(), later_password)
        .lock_meeting()
        .conference_id(&later)
        .body(RestLockReqBody::builder().is_lock(1))
        .send()
        .await
        .unwrap_err();
    // The answer to the token call is about the meeting's state, and says so.
    assert!(matches!(&e, Error::Token(_)), "{e:?}");
    assert_eq!(e.kind(), ErrorKind::MeetingState, "{e}");
    assert!(!e.is_auth(), "{e}");
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotInProgress));

    // Automatic prolonging keeps the meeting going past its end while someone is in.
    host.prolong_meeting()
        .conference_id(&id)
        .body(RestProlongDurReqBody::builder().auto(1).duration(15))
        .send()
        .await
        .unwrap();
    sim.advance(Duration::from_secs(2 * 3600));
    assert!(sim.live_meeting(&id).is_some(), "prolonged while Dan is in");
    host.hang_up()
        .conference_id(&id)
        .body(RestBulkHangUpReqBody::builder().bulk_hang_up_participants(vec![dan.clone()]))
        .send()
        .await
        .unwrap();
    sim.advance(Duration::from_secs(16 * 60));
    assert!(sim.live_meeting(&id).is_none(), "nobody in: it ended");
}

#[tokio::test]
async fn the_handle_knows_its_meeting() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let body = RestScheduleConfDto::builder()
        .subject("Design review".to_owned())
        .media_types("HDVideo");
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let id = created[0].conference_id.clone().unwrap();
    assert_eq!(
        created[0].host_password().map(|p| p.expose().to_owned()),
        Some(common::host_password(&created[0]))
    );
    let password = created[0].host_password().unwrap().clone();
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(password))
        .send()
        .await
        .unwrap();
    let host = client.conference_of(&created[0]).unwrap();
    assert_eq!(host.conference_id(), id);
    // No conference ID given: the handle's.
    host.lock_meeting()
        .body(RestLockReqBody::builder().is_lock(1))
        .send()
        .await
        .unwrap();
    assert_eq!(sim.live_meeting(&id).map(|m| m.locked), Some(true));
    let lock_calls = || sim.requests().iter().filter(|r| r.operation == "lock_meeting").count();
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.operation == "lock_meeting" && r.uri.contains(&format!("conferenceID={id}")))
    );
    // Another meeting's ID is refused before sending.
    let error = host
        .lock_meeting()
        .conference_id("914087436")
        .body(RestLockReqBody::builder().is_lock(0))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config(m) if m.contains("914087436")),
        "{error:?}"
    );
    assert_eq!(lock_calls(), 1);
    // By name, without the ID too.
    let body = serde_json::json!({"isLock": 0});
    host.call("lock_meeting", serde_json::Map::new(), Some(body))
        .await
        .unwrap();
    assert_eq!(sim.live_meeting(&id).map(|m| m.locked), Some(false));
    // A meeting described without its host password gives no handle, and says why.
    let mut listed = created[0].clone();
    listed.password_entry = None;
    let error = client.conference_of(&listed).map(|_| ()).unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput { field, .. } if field == "passwordEntry"),
        "{error}"
    );
}

#[tokio::test]
async fn muting_follows_the_spec_s_default_and_the_log_shows_what_was_sent() {
    let sim = Simulator::start().await.unwrap();
    let (client, id, password) = meeting_in_progress(&sim).await;
    let host = client.conference(id.clone(), password.as_str());
    let live = || sim.live_meeting(&id).expect("in progress");
    // Forbid self-unmuting first, then mute without saying: the default (1) allows it again.
    host.mute_meeting()
        .body(RestMuteReqBody::builder().is_mute(1).allow_unmute_by_oneself(0))
        .send()
        .await
        .unwrap();
    assert!(!live().guests_may_unmute);
    host.mute_meeting()
        .body(RestMuteReqBody::builder().is_mute(1))
        .send()
        .await
        .unwrap();
    assert!(live().all_muted && live().guests_may_unmute, "{:?}", live());
    // The request log keeps each body, secrets masked.
    let bodies: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.operation == "mute_meeting")
        .map(|r| r.body)
        .collect();
    assert_eq!(
        bodies,
        [
            Some(serde_json::json!({"isMute": 1, "allowUnmuteByOneself": 0})),
            Some(serde_json::json!({"isMute": 1}))
        ]
    );
    let started = sim
        .requests()
        .into_iter()
        .find(|r| r.operation == "start_meeting")
        .and_then(|r| r.body)
        .unwrap();
    assert_eq!(started["password"], "***", "the host password is a secret: {started}");
}
