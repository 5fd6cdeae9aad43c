//! Read-modify-write edits (`Client::edit_meeting`, `Client::edit_recurring_meeting`): an edit
//! of one thing keeps every attendee, over several pages of the detail, and every setting;
//! the plain update, a full replacement, does not.

mod common;

use chrono::Utc;
use huaweicloud_meeting::Client;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    ConfDetail, CycleParams, CycleParamsCycle, ParticipantInfo, RestAttendeeDto, RestAttendeeDtoType,
    RestConfConfigDto, RestScheduleConfDto,
};

/// More attendees than one page of the detail (20 by default) and than `partAttendeeInfo`
/// lists (20), with the fields an invitation carries.
fn attendees(n: usize) -> Vec<RestAttendeeDto> {
    (0..n)
        .map(|i| {
            RestAttendeeDto::builder()
                .name(format!("Attendee {i}"))
                .phone(format!("+86138000{i:05}"))
                .email(format!("attendee{i}@example.com"))
                .sms(format!("+86139000{i:05}"))
                .account_id(format!("user-{i}"))
                .role(i32::from(i == 0))
                .is_auto_invite(1)
                .type_(if i % 10 == 9 {
                    RestAttendeeDtoType::Terminal
                } else {
                    RestAttendeeDtoType::Normal
                })
                .try_into()
                .unwrap()
        })
        .collect()
}

fn settings() -> RestConfConfigDto {
    RestConfConfigDto::builder()
        .is_send_notify(false)
        .is_guest_free_pwd(true)
        .call_in_restriction(2)
        .enable_waiting_room(true)
        .prolong_length(15)
        .try_into()
        .unwrap()
}

fn tomorrow_at(time: &str) -> String {
    format!(
        "{} {time}",
        (Utc::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%d")
    )
}

/// The whole detail: the description and every participant (all pages).
async fn detail(client: &Client, id: &str) -> (ConfDetail, Vec<ParticipantInfo>) {
    let first = client
        .show_meeting_detail()
        .conference_id(id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let count = first.data.as_ref().unwrap().count.unwrap();
    let all = client
        .show_meeting_detail()
        .conference_id(id)
        .limit(500)
        .send()
        .await
        .unwrap()
        .into_inner();
    let participants = all.data.unwrap().data.unwrap();
    assert_eq!(participants.len(), usize::try_from(count).unwrap());
    (first, participants)
}

/// What an edit must keep of a participant.
fn kept(p: &ParticipantInfo) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        p.participant_id, p.name, p.email, p.sms, p.account_id, p.role, p.attendee_type, p.is_auto_invite
    )
}

#[tokio::test]
async fn an_edit_of_the_subject_keeps_every_attendee_and_setting() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let body = RestScheduleConfDto::builder()
        .subject("Design review")
        .media_types("HDVideo")
        .start_time(tomorrow_at("09:00"))
        .length(90)
        .time_zone_id("56")
        .language(huaweicloud_meeting::types::Language::EnUs)
        .is_auto_record(1)
        .record_type(2)
        .record_auth_type(1)
        .conf_config_info(settings())
        .attendees(attendees(45));
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let (before, before_people) = detail(&client, &id).await;
    // Every participant is past the first page and past partAttendeeInfo's 20.
    assert_eq!(before_people.len(), 45);
    assert!(
        before
            .conference_data
            .as_ref()
            .unwrap()
            .part_attendee_info
            .as_ref()
            .unwrap()
            .len()
            <= 20
    );

    let edited = client
        .edit_meeting(&id, |meeting| {
            meeting
                .subject("Design review, moved to 10:00")
                .start_time(tomorrow_at("10:00"))
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(edited[0].subject.as_deref(), Some("Design review, moved to 10:00"));

    let (after, after_people) = detail(&client, &id).await;
    let (b, a) = (before.conference_data.unwrap(), after.conference_data.unwrap());
    assert_eq!(a.start_time, Some(tomorrow_at("10:00")));
    assert_eq!(a.end_time, Some(tomorrow_at("11:30")), "the length is kept");
    for (what, was, is) in [
        (
            "mediaTypes",
            format!("{:?}", b.media_types),
            format!("{:?}", a.media_types),
        ),
        (
            "timeZoneID",
            format!("{:?}", b.time_zone_id),
            format!("{:?}", a.time_zone_id),
        ),
        ("language", format!("{:?}", b.language), format!("{:?}", a.language)),
        (
            "isAutoRecord",
            format!("{:?}", b.is_auto_record),
            format!("{:?}", a.is_auto_record),
        ),
        (
            "recordType",
            format!("{:?}", b.record_type),
            format!("{:?}", a.record_type),
        ),
        (
            "recordAuthType",
            format!("{:?}", b.record_auth_type),
            format!("{:?}", a.record_auth_type),
        ),
        (
            "confConfigInfo",
            format!("{:?}", b.conf_config_info),
            format!("{:?}", a.conf_config_info),
        ),
        (
            "passwordEntry",
            format!("{:?}", b.password_entry),
            format!("{:?}", a.password_entry),
        ),
    ] {
        assert_eq!(was, is, "{what} changed");
    }
    let kept_before: Vec<String> = before_people.iter().map(kept).collect();
    let kept_after: Vec<String> = after_people.iter().map(kept).collect();
    assert_eq!(
        kept_before, kept_after,
        "every attendee is kept with what the invitation said"
    );
    // The detail was read page by page with the largest page the spec allows.
    let reads: Vec<String> = sim
        .requests()
        .into_iter()
        .filter(|r| r.operation == "show_meeting_detail")
        .map(|r| r.uri)
        .collect();
    assert!(
        reads
            .iter()
            .any(|uri| uri.contains("limit=500") && uri.contains("offset=0")),
        "{reads:?}"
    );

    // The plain update, by contrast, replaces the whole meeting: what it omits is gone.
    client
        .update_meeting()
        .conference_id(&id)
        .body(
            RestScheduleConfDto::builder()
                .subject("Only a subject")
                .media_types("HDVideo")
                .start_time(tomorrow_at("10:00")),
        )
        .send()
        .await
        .unwrap();
    let replaced = client
        .show_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        replaced.data.unwrap().count,
        Some(0),
        "the full replacement uninvited everyone"
    );
}

#[tokio::test]
async fn an_edit_of_a_series_keeps_its_cycle_and_attendees() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let first = Utc::now().date_naive() + chrono::Days::new(1);
    let cycle: CycleParams = CycleParams::builder()
        .cycle(CycleParamsCycle::Day)
        .start_date(first.format("%Y-%m-%d").to_string())
        .end_date((first + chrono::Days::new(4)).format("%Y-%m-%d").to_string())
        .pre_remind_days(1)
        .try_into()
        .unwrap();
    let body = RestScheduleConfDto::builder()
        .subject("Stand-up")
        .media_types("Voice")
        .start_time(tomorrow_at("09:00"))
        .length(15)
        .cycle_params(cycle)
        .attendees(attendees(3));
    let created = client
        .create_recurring_meeting()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let (before, before_people) = detail(&client, &id).await;
    client
        .edit_recurring_meeting(&id, |series| series.subject("Daily stand-up"))
        .await
        .unwrap();
    let (after, after_people) = detail(&client, &id).await;
    let (b, a) = (before.conference_data.unwrap(), after.conference_data.unwrap());
    assert_eq!(a.subject.as_deref(), Some("Daily stand-up"));
    assert_eq!(format!("{:?}", a.cycle_params), format!("{:?}", b.cycle_params));
    assert_eq!(a.sub_confs.map(|s| s.len()), Some(5));
    assert_eq!((a.start_time, a.end_time), (b.start_time, b.end_time));
    assert_eq!(
        after_people.iter().map(kept).collect::<Vec<_>>(),
        before_people.iter().map(kept).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn an_edit_of_a_meeting_that_does_not_exist_fails_on_the_read_and_sends_nothing() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let e = client.edit_meeting("914999999", |m| m.subject("x")).await.unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(sim.count("update_meeting"), 0);
}
