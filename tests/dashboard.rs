//! The dashboard against a known history (issue 28): meetings held on the simulator's clock
//! give the QoS lists and the statistics; the documented QoS rule predicts a participant's
//! samples; thresholds change who is reported; dates are checked.

mod common;

use std::time::Duration;

use huaweicloud_meeting::Client;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    Attendee, AttendeeType, RestInviteReqBody, RestScheduleConfDto, SearchQosParticipantDetailConfType,
    SearchQosParticipantDetailQosType, SearchQosParticipantsConfType, SearchStatisticConferenceInfoCategory,
    SearchStatisticConferenceInfoTimeUnit, SetQosThresholdReq, SetQosThresholdThresholdType, SetThresholdData,
    StartRequest,
};

/// Holds a 30-minute meeting with Ann and Ben in it; returns its confUUID.
async fn hold(sim: &Simulator, client: &Client, subject: &str) -> String {
    let start = (sim.now() + chrono::Duration::minutes(1))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let created = client
        .create_meeting()
        .body(
            RestScheduleConfDto::builder()
                .subject(subject)
                .media_types("Voice")
                .start_time(start)
                .length(30),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created[0].conference_id.clone().unwrap();
    client
        .start_meeting()
        .body(
            StartRequest::builder()
                .conference_id(&id)
                .password(common::host_password(&created[0])),
        )
        .send()
        .await
        .unwrap();
    let host = client.conference_of(&created[0]).unwrap();
    let attendee = |name: &str, phone: &str| -> Attendee {
        Attendee::builder()
            .name(name.to_owned())
            .phone(phone.to_owned())
            .type_(AttendeeType::Mobile)
            .try_into()
            .unwrap()
    };
    host.invite_participant()
        .body(RestInviteReqBody::builder().attendees(vec![
            attendee("Ann", "+8613800000051"),
            attendee("Ben", "+8613800000052"),
        ]))
        .send()
        .await
        .unwrap();
    let uuid = sim.live_meeting(&id).unwrap().conf_uuid;
    host.stop_meeting().send().await.unwrap();
    uuid
}

#[tokio::test]
async fn the_dashboard_reports_what_was_held() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    // Both meetings on one day, whatever the time now: 01:00 tomorrow on the simulator's clock.
    let tomorrow = (sim.now() + chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(1, 0, 0)
        .unwrap()
        .and_utc();
    sim.advance((tomorrow - sim.now()).to_std().unwrap());
    let first = hold(&sim, &client, "Planning").await;
    sim.advance(Duration::from_secs(3600));
    hold(&sim, &client, "Review").await;

    // The QoS history of the day: both meetings, newest first.
    let day_start = sim
        .now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let day_end = day_start + 24 * 3600 * 1000;
    let history = client
        .search_qos_history_meetings()
        .start_date(day_start)
        .end_date(day_end)
        .send()
        .await
        .unwrap()
        .into_inner();
    let subjects: Vec<_> = history.data.iter().filter_map(|m| m.subject.clone()).collect();
    assert_eq!(subjects, ["Review", "Planning"]);
    // An end before the start, and more than 3 months, are refused.
    let error = client
        .search_qos_history_meetings()
        .start_date(day_end)
        .end_date(day_start)
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&error), Some("MBI.104000003"), "{error}");
    let error = client
        .search_qos_history_meetings()
        .start_date(day_start - 100 * 24 * 3600 * 1000)
        .end_date(day_end)
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&error), Some("MBI.104000004"), "{error}");

    // Its participants, and one's audio samples by the documented rule.
    let participants = client
        .search_qos_participants()
        .conf_uuid(&first)
        .conf_type(SearchQosParticipantsConfType::History)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let ann = participants
        .iter()
        .find(|p| p.display_name.as_deref() == Some("Ann"))
        .unwrap();
    let id = ann.participant_id.clone().unwrap();
    let detail = client
        .search_qos_participant_detail()
        .conf_uuid(&first)
        .conf_type(SearchQosParticipantDetailConfType::History)
        .participant_id(&id)
        .qos_type(SearchQosParticipantDetailQosType::Audio)
        .send()
        .await
        .unwrap()
        .into_inner();
    let latency = &detail.qos.unwrap().send.unwrap().latency;
    let h: i64 = id.bytes().map(i64::from).sum();
    let expected: Vec<i32> = (0..12).map(|k| (20 + (h + 37 * k) % 500) as i32).collect();
    assert_eq!(latency.iter().map(|s| s.value.unwrap()).collect::<Vec<_>>(), expected);

    // A latency threshold below every sample: everyone is an alarm; above: nobody.
    let threshold =
        |ms: i32| {
            client
                .set_qos_threshold()
                .threshold_type(SetQosThresholdThresholdType::Audio)
                .body(SetQosThresholdReq::builder().latency(
                    SetThresholdData::try_from(SetThresholdData::builder().sending(ms).receiving(ms)).unwrap(),
                ))
                .send()
        };
    let alarms = || async {
        client
            .search_qos_participants()
            .conf_uuid(&first)
            .conf_type(SearchQosParticipantsConfType::History)
            .send()
            .await
            .unwrap()
            .into_inner()
            .data
            .into_iter()
            .filter(|p| p.alarm.as_deref() == Some("YES"))
            .count()
    };
    threshold(10).await.unwrap();
    assert_eq!(alarms().await, participants.len());
    threshold(10_000).await.unwrap();
    // The other samples stay under the defaults (jitter < 120 ms, loss < 20 %, CPU < 90 %).
    assert_eq!(alarms().await, 0);

    // The day's statistics: two meetings of 30 minutes, their attendance.
    let today = sim.now().format("%Y-%m-%d").to_string();
    let stats = client
        .search_statistic_conference_info()
        .time_unit(SearchStatisticConferenceInfoTimeUnit::D)
        .start_time(&today)
        .end_time(&today)
        .category(SearchStatisticConferenceInfoCategory::ConferenceInfo)
        .send()
        .await
        .unwrap()
        .into_inner();
    let day = &stats.data[0];
    assert_eq!(day.conf_count.as_deref(), Some("2"));
    assert_eq!(
        day.conf_duration.as_deref(),
        Some("0"),
        "each stopped at once: no whole minute"
    );
}
