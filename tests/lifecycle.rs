//! Meetings end to end on the simulator: schedule, edit, start, control, end; then history,
//! attendance, control records and recordings; the simulator's clock; occurrences of a series.

mod common;

use std::time::Duration;

use chrono::Utc;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    ConferenceInfo, CycleParams, CycleParamsCycle, DelAttendInfo, RestAttendeeDto, RestBulkDelAttendReqBody,
    RestCancelSingleRecordCycleConfListReqBody, RestScheduleConfDto, RestScheduleCycleConfDto, StartRequest,
};
use huaweicloud_meeting::{Client, Error};

const HOUR_MS: i64 = 3_600_000;

/// `yyyy-MM-dd HH:mm`, `minutes` from now (UTC).
fn in_minutes(minutes: i64) -> String {
    (Utc::now() + chrono::Duration::minutes(minutes))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn attendee(name: &str, phone: &str) -> RestAttendeeDto {
    RestAttendeeDto::builder()
        .name(name.to_owned())
        .phone(phone.to_owned())
        .try_into()
        .unwrap()
}

fn review(subject: &str, start: String, length: i32, record: bool) -> RestScheduleConfDto {
    RestScheduleConfDto::builder()
        .subject(subject.to_owned())
        .media_types("HDVideo")
        .start_time(start)
        .length(length)
        .is_auto_record(i32::from(record))
        .record_type(if record { 2 } else { 0 })
        .attendees(vec![
            attendee("Alice", "+8613800000001"),
            attendee("Bob", "+8613800000002"),
        ])
        .try_into()
        .unwrap()
}

use common::host_password;

async fn schedule(client: &Client, body: RestScheduleConfDto) -> (String, String) {
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let id = created[0].conference_id.clone().unwrap();
    (id, host_password(&created[0]))
}

async fn start(client: &Client, id: &str, password: &str) {
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(id).password(password.to_owned()))
        .send()
        .await
        .unwrap();
}

/// The ids of the meetings in progress.
async fn online(client: &Client) -> Vec<String> {
    let page = client.search_online_meetings().send().await.unwrap().into_inner();
    page.data
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.conference_id)
        .collect()
}

/// The held meetings of the last day and next day, as history lists them.
async fn history(client: &Client) -> Vec<ConferenceInfo> {
    let now = Utc::now().timestamp_millis();
    client
        .search_his_meetings()
        .start_date(now - 24 * HOUR_MS)
        .end_date(now + 48 * HOUR_MS)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap_or_default()
}

async fn recordings(client: &Client) -> Vec<String> {
    let now = Utc::now().timestamp_millis();
    let page = client
        .search_recordings()
        .start_date(now - 24 * HOUR_MS)
        .end_date(now + 48 * HOUR_MS)
        .send()
        .await
        .unwrap()
        .into_inner();
    page.data
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.conf_uuid)
        .collect()
}

use common::code as service_code;

#[tokio::test]
async fn a_meeting_goes_from_schedule_to_history_with_attendance_records_and_recording() {
    let sim = Simulator::builder().tls(true).start().await.unwrap();
    let client = sim.client_builder().build().unwrap();

    let (id, password) = schedule(&client, review("Quarterly review", in_minutes(10), 60, true)).await;
    // Edit: a new subject and start; the passwords stay.
    let edited = client
        .update_meeting()
        .conference_id(&id)
        .body(review("Quarterly review (moved)", in_minutes(20), 45, true))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(edited[0].subject.as_deref(), Some("Quarterly review (moved)"));
    assert_eq!(edited[0].start_time.as_deref(), Some(in_minutes(20).as_str()));
    assert_eq!(host_password(&edited[0]), password);
    assert!(online(&client).await.is_empty());

    start(&client, &id, &password).await;
    assert_eq!(online(&client).await, [id.as_str()]);
    let e = client
        .update_meeting()
        .conference_id(&id)
        .body(review("too late", in_minutes(30), 45, true))
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap().contains("has started"), "{e}");
    let detail = client
        .show_online_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let conf_uuid = detail.conference_data.as_ref().unwrap().conf_uuid.clone().unwrap();
    assert_eq!(detail.data.unwrap().count, Some(2));
    let attendees = client
        .list_online_conf_attendee()
        .conf_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(attendees.count, Some(2));
    let region = client
        .show_region_info_of_meeting()
        .conference_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(region.region_ip.as_deref(), Some("127.0.0.1"));

    // The host removes Bob, then ends the meeting.
    let host = client.conference(id.clone(), password.as_str());
    host.delete_attendees()
        .conference_id(&id)
        .body(
            RestBulkDelAttendReqBody::builder()
                .bulk_del_attend_info(vec![DelAttendInfo::builder().number("+8613800000002")]),
        )
        .send()
        .await
        .unwrap();
    host.stop_meeting().conference_id(&id).send().await.unwrap();

    // It left the online lists...
    assert!(online(&client).await.is_empty());
    let e = client
        .show_online_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&e), Some("MMC.111072005"), "{e}");
    // ...cannot be edited any more...
    let e = client
        .update_meeting()
        .conference_id(&id)
        .body(review("after the end", in_minutes(30), 45, false))
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&e), Some("MMC.111072006"), "{e}");
    // ...and is in history, with who attended and what was done.
    let held = history(&client).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].conf_uuid.as_deref(), Some(conf_uuid.as_str()));
    assert_eq!(held[0].conference_id.as_deref(), Some(id.as_str()));
    assert_eq!(held[0].conference_state.as_deref(), Some("Destroyed"));
    assert!(held[0].is_has_record_file.is_some_and(|r| *r));
    let past = client
        .show_his_meeting_detail()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        past.conference_data.unwrap().subject.as_deref(),
        Some("Quarterly review (moved)")
    );
    let attendance = client
        .search_attendance_records_of_his_meeting()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    assert_eq!(attendance.len(), 2);
    let bob = attendance
        .iter()
        .find(|a| a.display_name.as_deref() == Some("Bob"))
        .unwrap();
    let alice = attendance
        .iter()
        .find(|a| a.display_name.as_deref() == Some("Alice"))
        .unwrap();
    assert!(bob.left_time.unwrap() <= alice.left_time.unwrap());
    assert!(alice.join_time.unwrap() <= alice.left_time.unwrap());
    let control = client
        .search_ctl_records_of_his_meeting()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    let codes: Vec<&str> = control.iter().filter_map(|c| c.operate_code.as_deref()).collect();
    assert_eq!(codes, ["START_CONF", "START_RECORD", "DEL_ATTENDEE", "STOP_CONF"]);

    // The recording: listed, described, downloaded once per token, then deleted.
    assert_eq!(recordings(&client).await, [conf_uuid.as_str()]);
    let detail = client
        .show_recording_detail()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(detail.conf_id.as_deref(), Some(id.as_str()));
    let urls = client
        .show_recording_file_download_urls()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap()
        .into_inner();
    let files: Vec<_> = urls
        .record_urls
        .iter()
        .flatten()
        .flat_map(|r| r.urls.iter().flatten())
        .cloned()
        .collect();
    assert_eq!(files.len(), 2);
    for file in &files {
        let url = file.url.as_deref().unwrap();
        assert!(url.starts_with(sim.base_url()) && url.starts_with("https://"), "{url}");
        let body = client
            .download_recording_file(file)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let expected = Simulator::recording_file_content(&conf_uuid, file.file_type.as_deref().unwrap());
        assert_eq!(body.as_ref(), expected.as_slice());
    }
    // A download token works once.
    let again = client.download_recording_file(&files[0]).await.unwrap_err();
    assert_eq!(again.status(), Some(401), "{again}");
    client
        .delete_recordings()
        .conf_uuids(conf_uuid.as_str())
        .send()
        .await
        .unwrap();
    assert!(recordings(&client).await.is_empty());
    let e = client
        .show_recording_file_download_urls()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&e), Some("MMC.111070005"), "{e}");
    // History keeps the meeting.
    assert_eq!(history(&client).await.len(), 1);
}

#[tokio::test]
async fn meetings_end_by_themselves_when_the_clock_passes_their_end() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    // Scheduled five minutes ago for 30 minutes: started now, it ends in 25 minutes.
    let (id, password) = schedule(&client, review("on time", in_minutes(2), 30, false)).await;
    sim.advance(Duration::from_secs(5 * 60));
    start(&client, &id, &password).await;
    let (early, early_password) = schedule(&client, review("early", in_minutes(120), 60, true)).await;
    start(&client, &early, &early_password).await;
    let host = client.conference(id.clone(), password.as_str());
    host.create_conf_token().conference_id(&id).send().await.unwrap();
    assert_eq!(online(&client).await.len(), 2);

    sim.advance(Duration::from_secs(30 * 60));
    // The first passed its scheduled end; the second, started two hours early, lasts its hour.
    assert_eq!(online(&client).await, [early.as_str()]);
    let held = history(&client).await;
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].conference_id.as_deref(), Some(id.as_str()));
    assert!(recordings(&client).await.is_empty(), "not recorded");
    // Its control token ended with it; a new one cannot be had.
    let e = host.stop_meeting().conference_id(&id).send().await.unwrap_err();
    assert!(e.is_auth(), "{e}");

    sim.advance(Duration::from_secs(31 * 60));
    assert!(online(&client).await.is_empty());
    assert_eq!(history(&client).await.len(), 2);
    assert_eq!(recordings(&client).await.len(), 1, "the early one was recorded");
    // The first meeting's schedule is over too: it left the scheduled list.
    let e = client
        .show_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");

    // A day later the access token has expired at the service: the client's call is refused
    // once, the client authenticates anew and carries on.
    let before = sim.count("create_app_id_token");
    sim.advance(Duration::from_secs(25 * 3600));
    assert_eq!(history(&client).await.len(), 2);
    assert_eq!(sim.count("create_app_id_token"), before + 1);
}

#[tokio::test]
async fn cancelling_a_meeting_in_progress_ends_it_into_history() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let (id, password) = schedule(&client, review("cancelled live", in_minutes(5), 30, false)).await;
    start(&client, &id, &password).await;
    let e = client.cancel_meeting().conference_id(&id).send().await.unwrap_err();
    assert!(e.message().unwrap().contains("type=1"), "{e}");
    client
        .cancel_meeting()
        .conference_id(&id)
        .type_(1)
        .send()
        .await
        .unwrap();
    assert!(online(&client).await.is_empty());
    let held = history(&client).await;
    assert_eq!(held[0].conference_id.as_deref(), Some(id.as_str()));
    let e = client
        .show_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

fn daily_series(days: u64) -> RestScheduleConfDto {
    let first = Utc::now().date_naive() + chrono::Days::new(1);
    let last = first + chrono::Days::new(days - 1);
    let cycle: CycleParams = CycleParams::builder()
        .cycle(CycleParamsCycle::Day)
        .start_date(first.format("%Y-%m-%d").to_string())
        .end_date(last.format("%Y-%m-%d").to_string())
        .pre_remind_days(1)
        .try_into()
        .unwrap();
    RestScheduleConfDto::builder()
        .subject("Daily stand-up".to_owned())
        .media_types("HDVideo")
        .start_time(format!("{} 09:00", first.format("%Y-%m-%d")))
        .length(30)
        .cycle_params(cycle)
        .try_into()
        .unwrap()
}

/// (cycleSubConfID, startTime, endTime) of each occurrence.
async fn occurrences(client: &Client, id: &str) -> Vec<(String, String, String)> {
    let detail = client
        .show_meeting_detail()
        .conference_id(id)
        .send()
        .await
        .unwrap()
        .into_inner();
    detail
        .conference_data
        .unwrap()
        .sub_confs
        .unwrap()
        .into_iter()
        .map(|s| (s.cycle_sub_conf_id.unwrap(), s.start_time.unwrap(), s.end_time.unwrap()))
        .collect()
}

#[tokio::test]
async fn one_occurrence_of_a_series_is_edited_or_cancelled_and_the_others_stay() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let created = client
        .create_recurring_meeting()
        .body(daily_series(4))
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let before = occurrences(&client, &id).await;
    assert_eq!(before.len(), 4);

    // The third occurrence moves to 14:00 for an hour.
    let (third, third_start, _) = &before[2];
    let moved = format!("{} 14:00", &third_start[..10]);
    client
        .update_recurring_sub_meeting()
        .conference_id(&id)
        .body(
            RestScheduleCycleConfDto::builder()
                .cycle_sub_conf_id(third.clone())
                .media_types("HDVideo")
                .start_time(moved.clone())
                .length(60),
        )
        .send()
        .await
        .unwrap();
    // The second is cancelled.
    client
        .cancel_recurring_sub_meeting()
        .conference_id(&id)
        .body(RestCancelSingleRecordCycleConfListReqBody::builder().cycle_sub_conf_ids(vec![before[1].0.clone()]))
        .send()
        .await
        .unwrap();
    let after = occurrences(&client, &id).await;
    assert_eq!(after.len(), 3);
    assert_eq!(after[0], before[0]);
    assert_eq!(
        after[1],
        (third.clone(), moved.clone(), format!("{} 15:00", &moved[..10]))
    );
    assert_eq!(after[2], before[3]);

    // An unknown occurrence, and cancelling all that remain, are refused; nothing changes.
    let e = client
        .cancel_recurring_sub_meeting()
        .conference_id(&id)
        .body(RestCancelSingleRecordCycleConfListReqBody::builder().cycle_sub_conf_ids(vec!["nope".to_owned()]))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    let all: Vec<String> = after.iter().map(|o| o.0.clone()).collect();
    let e = client
        .cancel_recurring_sub_meeting()
        .conference_id(&id)
        .body(RestCancelSingleRecordCycleConfListReqBody::builder().cycle_sub_conf_ids(all))
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap().contains("cancel_recurring_meeting"), "{e}");
    assert_eq!(occurrences(&client, &id).await, after);

    // Held and ended, the first occurrence can no longer be edited; the rest of the series
    // stays scheduled.
    let password = host_password(&created[0]);
    // Five minutes before the first occurrence (tomorrow 09:00).
    let first = chrono::NaiveDateTime::parse_from_str(&after[0].1, "%Y-%m-%d %H:%M")
        .unwrap()
        .and_utc();
    sim.advance((first - Utc::now() - chrono::Duration::minutes(5)).to_std().unwrap());
    start(&client, &id, &password).await;
    client
        .conference(id.clone(), password.as_str())
        .stop_meeting()
        .conference_id(&id)
        .send()
        .await
        .unwrap();
    let e = client
        .update_recurring_sub_meeting()
        .conference_id(&id)
        .body(
            RestScheduleCycleConfDto::builder()
                .cycle_sub_conf_id(after[0].0.clone())
                .media_types("HDVideo")
                .start_time(in_minutes(24 * 60 + 600))
                .length(30),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(service_code(&e), Some("MMC.111072006"), "{e}");
    let held = history(&client).await;
    assert_eq!(held[0].cycle_sub_conf_id.as_deref(), Some(after[0].0.as_str()));
    assert_eq!(occurrences(&client, &id).await.len(), 3);

    client
        .cancel_recurring_meeting()
        .conference_id(&id)
        .send()
        .await
        .unwrap();
    let e = client
        .show_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}

#[tokio::test]
async fn a_recording_file_url_is_checked_before_anything_is_sent() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let file = |url: &str, token: Option<&str>| huaweicloud_meeting::types::RecordDownloadUrlDo {
        url: Some(url.to_owned()),
        token: token.map(Into::into),
        file_type: Some("Hd".into()),
    };
    let cases = [
        (file("http://127.0.0.2:9/a.mp4", Some("t")), "url"),
        (file("not a url", Some("t")), "url"),
        (
            file(&format!("{}/simulator/recordings/x/Hd.mp4", sim.base_url()), None),
            "token",
        ),
    ];
    for (file, field) in cases {
        match client.download_recording_file(&file).await.unwrap_err() {
            Error::InvalidInput { field: named, .. } => assert_eq!(named, field),
            other => panic!("{other}"),
        }
    }
    assert!(sim.requests().is_empty());
}
