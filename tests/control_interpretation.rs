//! Meeting control, the rest of issue 25 on the conference handle: pausing (and what a paused
//! meeting refuses), simultaneous interpretation (groups, channels), the custom multi-picture
//! and the participants' network quality, each checked in the simulator's live state.

mod common;

use huaweicloud_meeting::simulator::{LiveMeeting, Simulator};
use huaweicloud_meeting::types::{
    Attendee, AttendeeType, InterpreterGroupInfo, InviteShareDto, PauseConferenceReq, RestCustomMultiPictureBody,
    RestCustomMultiPictureBodyImageType, RestInviteReqBody, RestMuteParticipantReqBody, RestQosRequestDto,
    RestScheduleConfDto, RestSetAttendeeLanChannelBody, RestSetInterpreterGroupBody,
    RestSimultaneousInterpretationBody, RestSubscriberInPic, RestVideoBody, UserQosReqInfo,
};
use huaweicloud_meeting::{Conference, Error};

fn attendee(name: &str, phone: &str) -> Attendee {
    Attendee::builder()
        .name(name.to_owned())
        .phone(phone.to_owned())
        .type_(AttendeeType::Mobile)
        .try_into()
        .unwrap()
}

fn pid(live: &LiveMeeting, name: &str) -> String {
    let person = live.participants.iter().find(|p| p.name == name).unwrap();
    person.participant_id.clone().unwrap()
}

fn group(id: &str, first: &str, second: &str) -> InterpreterGroupInfo {
    InterpreterGroupInfo::builder()
        .group_id(id)
        .first_language(first)
        .second_language(second)
        .try_into()
        .unwrap()
}

/// A meeting in progress with Ann and Ben in it, and its host's handle.
async fn meeting_with_two(sim: &Simulator) -> (String, Conference) {
    let client = sim.client_builder().build().unwrap();
    let body = RestScheduleConfDto::builder()
        .subject("Interpreted briefing")
        .media_types("HDVideo")
        .start_time(common::in_five_minutes())
        .length(60);
    let meeting = common::started_meeting(&client, body).await;
    let id = meeting.conference_id.clone().unwrap();
    let host = client.conference_of(&meeting).unwrap();
    host.invite_participant()
        .body(RestInviteReqBody::builder().attendees(vec![
            attendee("Ann", "+8613800000021"),
            attendee("Ben", "+8613800000022"),
        ]))
        .send()
        .await
        .unwrap();
    (id, host)
}

fn refused_as_bad_request(result: Result<impl std::fmt::Debug, Error>, mentions: &str) {
    let error = result.expect_err("refused");
    assert_eq!(common::code(&error), Some("MMC.111070001"), "{error}");
    assert!(error.to_string().contains(mentions), "{error}");
}

#[tokio::test]
async fn a_paused_meeting_refuses_media_starting_again() {
    let sim = Simulator::start().await.unwrap();
    let (id, host) = meeting_with_two(&sim).await;
    let live = || sim.live_meeting(&id).expect("in progress");
    let ann = pid(&live(), "Ann");
    let pause = |pause: i32| host.pause_conference().body(PauseConferenceReq::builder().pause(pause));
    host.mute_participant()
        .participant_id(&ann)
        .body(RestMuteParticipantReqBody::builder().is_mute(1))
        .send()
        .await
        .unwrap();

    pause(1).send().await.unwrap();
    assert!(live().paused);
    // Pausing a paused meeting changes nothing (the operation is idempotent).
    pause(1).send().await.unwrap();
    assert!(live().paused);
    let unmute = || {
        host.mute_participant()
            .participant_id(&ann)
            .body(RestMuteParticipantReqBody::builder().is_mute(0))
            .send()
    };
    refused_as_bad_request(unmute().await, "is paused");
    refused_as_bad_request(
        host.invite_share()
            .participant_id(&ann)
            .body(InviteShareDto::builder().share(1))
            .send()
            .await,
        "is paused",
    );
    refused_as_bad_request(
        host.invite_operate_video()
            .participant_id(&ann)
            .body(RestVideoBody::builder().status(0))
            .send()
            .await,
        "is paused",
    );
    // Muting, or asking a camera off, is not media starting again.
    host.invite_operate_video()
        .participant_id(&ann)
        .body(RestVideoBody::builder().status(1))
        .send()
        .await
        .unwrap();
    let person = |live: &LiveMeeting| live.participants.iter().find(|p| p.name == "Ann").cloned().unwrap();
    assert!(person(&live()).muted, "the refused unmute left her muted");
    assert_eq!(person(&live()).camera_asked_on, Some(false));

    pause(0).send().await.unwrap();
    assert!(!live().paused);
    unmute().await.unwrap();
    assert!(!person(&live()).muted);
}

#[tokio::test]
async fn a_host_runs_simultaneous_interpretation() {
    let sim = Simulator::start().await.unwrap();
    let (id, host) = meeting_with_two(&sim).await;
    let live = || sim.live_meeting(&id).expect("in progress");
    let (ann, ben) = (pid(&live(), "Ann"), pid(&live(), "Ben"));
    let interpretation = |on: i32| {
        host.resume_simultaneous_interpretation()
            .body(RestSimultaneousInterpretationBody::builder().simultaneous_interpretation(on))
    };
    let groups = |groups: Vec<InterpreterGroupInfo>| {
        host.set_interpreter_group()
            .body(RestSetInterpreterGroupBody::builder().interpreter_groups(groups))
    };
    let channel = |channel: &str, who: Vec<String>| {
        host.set_attendee_lan_channel().body(
            RestSetAttendeeLanChannelBody::builder()
                .listen_lan_channel(channel)
                .speak_lan_channel(channel)
                .participant_ids(who),
        )
    };

    interpretation(1).send().await.unwrap();
    assert!(live().interpreting);
    // No group yet: no channel exists.
    refused_as_bad_request(channel("en", vec![ann.clone()]).send().await, "does not exist");

    groups(vec![group("g1", "zh", "en"), group("g2", "zh", "fr")])
        .send()
        .await
        .unwrap();
    assert_eq!(live().language_channels, ["en", "fr", "zh"]);
    assert_eq!(
        live().interpreter_groups,
        [
            ("g1".to_owned(), ["zh".to_owned(), "en".to_owned()]),
            ("g2".to_owned(), ["zh".to_owned(), "fr".to_owned()])
        ]
    );
    // A group interprets between two languages; group IDs are unique.
    refused_as_bad_request(
        groups(vec![group("g3", "de", "de")]).send().await,
        "interpreterGroups.0",
    );
    refused_as_bad_request(
        groups(vec![group("g1", "zh", "en"), group("g1", "zh", "de")])
            .send()
            .await,
        "groupID \"g1\" is given twice",
    );
    assert_eq!(
        live().language_channels,
        ["en", "fr", "zh"],
        "a refused call changes nothing"
    );

    channel("en", vec![ann.clone()]).send().await.unwrap();
    channel("fr", vec![ben.clone()]).send().await.unwrap();
    let listening = |live: &LiveMeeting, id: &str| {
        let person = live
            .participants
            .iter()
            .find(|p| p.participant_id.as_deref() == Some(id));
        person.unwrap().language_channel.clone()
    };
    assert_eq!(listening(&live(), &ann).as_deref(), Some("en"));
    assert_eq!(listening(&live(), &ben).as_deref(), Some("fr"));
    // Channels that do not exist, listening in one and speaking in another, someone unknown.
    refused_as_bad_request(channel("ja", vec![ann.clone()]).send().await, "\"ja\" does not exist");
    refused_as_bad_request(
        host.set_attendee_lan_channel()
            .body(
                RestSetAttendeeLanChannelBody::builder()
                    .listen_lan_channel("en")
                    .speak_lan_channel("zh")
                    .participant_ids(vec![ann.clone()]),
            )
            .send()
            .await,
        "differ",
    );
    refused_as_bad_request(channel("en", vec!["nobody".into()]).send().await, "nobody");
    assert_eq!(
        listening(&live(), &ann).as_deref(),
        Some("en"),
        "refusals changed nothing"
    );

    // Replacing the groups closes French: Ben goes back to the original sound.
    groups(vec![group("g1", "zh", "en")]).send().await.unwrap();
    assert_eq!(live().language_channels, ["en", "zh"]);
    assert_eq!(listening(&live(), &ben), None);
    assert_eq!(listening(&live(), &ann).as_deref(), Some("en"));

    interpretation(0).send().await.unwrap();
    assert!(!live().interpreting);
}

#[tokio::test]
async fn a_custom_multi_picture_is_applied_or_only_saved() {
    let sim = Simulator::start().await.unwrap();
    let (id, host) = meeting_with_two(&sim).await;
    let live = || sim.live_meeting(&id).expect("in progress");
    let picture = |numbers: Vec<&str>| -> RestSubscriberInPic {
        RestSubscriberInPic::builder()
            .index(1)
            .subscriber(numbers.into_iter().map(str::to_owned).collect::<Vec<_>>())
            .try_into()
            .unwrap()
    };
    let manual = |save_only: bool, numbers: Vec<&str>| {
        host.set_custom_multi_picture().body(
            RestCustomMultiPictureBody::builder()
                .manual_set(1)
                .image_type(RestCustomMultiPictureBodyImageType::Two)
                .subscriber_in_pics(vec![picture(numbers)])
                .multi_pic_save_only(save_only),
        )
    };
    manual(true, vec!["+8613800000021"]).send().await.unwrap();
    assert_eq!(live().custom_multi_picture.as_deref(), Some("Two"));
    assert_eq!(live().layout, None, "only saved: nothing shown changed");
    manual(false, vec!["+8613800000021", "+8613800000022"])
        .send()
        .await
        .unwrap();
    assert_eq!(live().layout.as_deref(), Some("custom multi-picture Two"));
    refused_as_bad_request(manual(false, vec!["+8613899999999"]).send().await, "+8613899999999");
    refused_as_bad_request(
        host.set_custom_multi_picture()
            .body(RestCustomMultiPictureBody::builder().manual_set(1))
            .send()
            .await,
        "imageType is required",
    );
    host.set_custom_multi_picture()
        .body(RestCustomMultiPictureBody::builder().manual_set(0))
        .send()
        .await
        .unwrap();
    assert_eq!(live().layout.as_deref(), Some("custom multi-picture automatic"));
}

#[tokio::test]
async fn network_quality_is_listed_per_participant_deterministically() {
    let sim = Simulator::start().await.unwrap();
    let (id, host) = meeting_with_two(&sim).await;
    let live = sim.live_meeting(&id).unwrap();
    let ann = pid(&live, "Ann");
    let everyone = host
        .list_network_quality()
        .confuuid(&live.conf_uuid)
        .body(RestQosRequestDto::builder())
        .send()
        .await
        .unwrap()
        .into_inner();
    let present = live.participants.iter().filter(|p| p.participant_id.is_some()).count();
    assert_eq!(everyone.qos_list.len(), present);
    let only_ann = host
        .list_network_quality()
        .confuuid(&live.conf_uuid)
        .body(RestQosRequestDto::builder().users(vec![UserQosReqInfo::builder().pid(ann.clone())]))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(only_ann.qos_list.len(), 1);
    let figures = &only_ann.qos_list[0];
    assert_eq!(figures.participant_id.as_deref(), Some(ann.as_str()));
    // The documented rule (src/simulator/meetings/control/quality.rs): delay 20 + h mod 60.
    let h: i32 = ann.bytes().map(i32::from).sum();
    assert_eq!(figures.delay, Some(20 + h % 60));
    let same = everyone
        .qos_list
        .iter()
        .find(|q| q.participant_id.as_deref() == Some(&ann));
    assert_eq!(same.and_then(|q| q.delay), figures.delay, "the same figures every time");
    // The token went as `confToken`, the meeting as the lower-case `conferenceid`.
    let request = sim
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.operation == "list_network_quality")
        .unwrap();
    assert_eq!(request.status, 200);
    assert!(request.uri.contains(&format!("conferenceid={id}")), "{}", request.uri);
    // Another holding's UUID is refused.
    refused_as_bad_request(
        host.list_network_quality()
            .confuuid("00000000000000000000000000000000")
            .body(RestQosRequestDto::builder())
            .send()
            .await,
        "is not the UUID",
    );
}
