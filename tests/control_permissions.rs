//! Meeting control of what participants may do (issue 25, first operations): the audience's
//! admission, recording on one's own client, hands of several participants at once, camera and
//! screen-share invitations, the media server's recording and live stream, saved layouts, each
//! checked in the simulator's live state after each step.

mod common;

use chrono::Utc;
use huaweicloud_meeting::simulator::{LiveMeeting, LiveParticipant, MmrRecording, Simulator};
use huaweicloud_meeting::types::{
    Attendee, AttendeeType, InviteShareDto, RestAllowAudienceReqBody, RestAllowClientRecordReqBody,
    RestBatchHandsUpReqBody, RestInviteReqBody, RestPicLayout, RestPicLayoutBody, RestScheduleConfDto,
    RestSetMmrLiveReqBody, RestSetMmrRecordReqBody, RestVideoBody, StartRequest,
};

fn attendee(name: &str, phone: &str) -> Attendee {
    Attendee::builder()
        .name(name.to_owned())
        .phone(phone.to_owned())
        .type_(AttendeeType::Mobile)
        .try_into()
        .unwrap()
}

fn person<'a>(live: &'a LiveMeeting, name: &str) -> &'a LiveParticipant {
    live.participants.iter().find(|p| p.name == name).unwrap()
}

fn pid(live: &LiveMeeting, name: &str) -> String {
    person(live, name).participant_id.clone().unwrap()
}

#[tokio::test]
async fn a_host_sets_what_participants_may_do() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let start = (Utc::now() + chrono::Duration::minutes(5))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let body = RestScheduleConfDto::builder()
        .subject("Launch rehearsal")
        .media_types("HDVideo")
        .start_time(start)
        .length(60);
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let password = common::host_password(&created[0]);
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(password.clone()))
        .send()
        .await
        .unwrap();
    let host = client.conference_of(&created[0]).unwrap();
    host.invite_participant()
        .body(RestInviteReqBody::builder().attendees(vec![
            attendee("Ann", "+8613800000011"),
            attendee("Ben", "+8613800000012"),
        ]))
        .send()
        .await
        .unwrap();
    let live = || sim.live_meeting(&id).expect("in progress");
    let (ann, ben) = (pid(&live(), "Ann"), pid(&live(), "Ben"));

    // The audience: stopped, then let in again.
    assert!(live().audience_allowed);
    let audience = |allow: i32| {
        host.allow_audience_join()
            .body(RestAllowAudienceReqBody::builder().allow_audience(allow))
    };
    audience(0).send().await.unwrap();
    assert!(!live().audience_allowed);
    audience(1).send().await.unwrap();
    assert!(live().audience_allowed);

    // Ann may record on her client; Ben may not.
    host.allow_client_record()
        .participant_id(&ann)
        .body(RestAllowClientRecordReqBody::builder().allow_client_record(1))
        .send()
        .await
        .unwrap();
    assert!(person(&live(), "Ann").may_record_locally && !person(&live(), "Ben").may_record_locally);

    // Both raise their hands at once; an unknown participant refuses the whole call.
    let hands = |state: i32, pids: Vec<String>| {
        host.batch_hand()
            .body(RestBatchHandsUpReqBody::builder().hands_state(state).pids(pids))
    };
    hands(1, vec![ann.clone(), ben.clone()]).send().await.unwrap();
    assert!(person(&live(), "Ann").hand_raised && person(&live(), "Ben").hand_raised);
    let e = hands(0, vec![ann.clone(), "nobody".into()]).send().await.unwrap_err();
    assert!(e.message().unwrap_or_default().contains("nobody"), "{e}");
    assert!(person(&live(), "Ann").hand_raised, "nothing changed");

    // Cameras: Ben is asked to turn his on (status 0), then off (1).
    let camera = |status: i32| {
        host.invite_operate_video()
            .participant_id(&ben)
            .body(RestVideoBody::builder().status(status))
    };
    camera(0).send().await.unwrap();
    assert_eq!(person(&live(), "Ben").camera_asked_on, Some(true));
    camera(1).send().await.unwrap();
    assert_eq!(person(&live(), "Ben").camera_asked_on, Some(false));

    // Sharing: one invited at a time; cancelling another's invitation changes nothing.
    let share = |who: &str, on: i32| {
        host.invite_share()
            .participant_id(who)
            .body(InviteShareDto::builder().share(on))
    };
    share(&ann, 1).send().await.unwrap();
    assert_eq!(live().share_invited.as_deref(), Some(ann.as_str()));
    share(&ben, 1).send().await.unwrap();
    assert_eq!(live().share_invited.as_deref(), Some(ben.as_str()));
    share(&ann, 0).send().await.unwrap();
    assert_eq!(live().share_invited.as_deref(), Some(ben.as_str()));
    share(&ben, 0).send().await.unwrap();
    assert_eq!(live().share_invited, None);

    // The media server's recording: nothing to pause before it runs; start, pause, start
    // again, stop. Its live stream: on, off.
    let mmr = |state: i32| {
        host.set_mmr_record()
            .body(RestSetMmrRecordReqBody::builder().record_type(state))
    };
    let e = mmr(0).send().await.unwrap_err();
    assert!(e.message().unwrap_or_default().contains("not running"), "{e}");
    for (state, expected) in [
        (1, MmrRecording::Running),
        (0, MmrRecording::Paused),
        (1, MmrRecording::Running),
        (2, MmrRecording::Stopped),
    ] {
        mmr(state).send().await.unwrap();
        assert_eq!(live().mmr_recording, expected, "after recordType {state}");
    }
    let stream = |state: i32| {
        host.set_mmr_live()
            .body(RestSetMmrLiveReqBody::builder().live_state(state))
    };
    stream(1).send().await.unwrap();
    assert!(live().mmr_live);
    stream(0).send().await.unwrap();
    assert!(!live().mmr_live);

    // Layouts: two saved, one replaced by its uuid, one deleted (twice: the repeat changes
    // nothing); the rest released when the meeting ends.
    let layout = |name: &str, uuid: Option<&str>| {
        let mut layout = RestPicLayout::builder()
            .lay_out_name(name)
            .pic_num(1)
            .image_type("Single");
        if let Some(uuid) = uuid {
            layout = layout.uuid(uuid);
        }
        host.save_layout()
            .body(RestPicLayoutBody::builder().rest_pic_layout(layout))
    };
    layout("Speaker", None).send().await.unwrap();
    layout("Gallery", None).send().await.unwrap();
    let saved = host.show_layout().send().await.unwrap().into_inner().pic_layouts;
    let first = saved[0].uuid.clone().unwrap();
    layout("Speaker, larger", Some(&first)).send().await.unwrap();
    assert_eq!(live().saved_layouts, ["Speaker, larger", "Gallery"]);
    for _ in 0..2 {
        host.delete_layout().uu_id(&first).send().await.unwrap();
    }
    assert_eq!(live().saved_layouts, ["Gallery"]);

    // Recorded at some point: the meeting has its recording once it ends.
    host.stop_meeting().send().await.unwrap();
    let now = Utc::now().timestamp_millis();
    let recordings = client
        .search_recordings()
        .start_date(now - 3_600_000)
        .end_date(now + 3_600_000)
        .send()
        .await
        .unwrap();
    assert_eq!(recordings.count, Some(1));
}
