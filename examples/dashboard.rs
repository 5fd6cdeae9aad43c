//! The dashboard, one line per step: two meetings are held on the embedded simulator, then
//! the QoS history lists them, one's participants and a participant's audio samples are read
//! (the simulator derives them by a documented rule), a latency threshold is set, and the
//! day's statistics count the meetings.
//!
//!     cargo run --example dashboard

#[macro_use]
mod common;

use std::process::ExitCode;

use common::report;
use huaweicloud_meeting::Client;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    Attendee, AttendeeType, RestInviteReqBody, RestScheduleConfDto, SearchQosParticipantDetailConfType,
    SearchQosParticipantDetailQosType, SearchQosParticipantsConfType, SearchStatisticConferenceInfoCategory,
    SearchStatisticConferenceInfoTimeUnit, SetQosThresholdReq, SetQosThresholdThresholdType, SetThresholdData,
    StartRequest,
};

#[tokio::main]
async fn main() -> ExitCode {
    let sim = match common::simulator(Simulator::builder()).await {
        Ok(sim) => sim,
        Err(code) => return code,
    };
    let client = match sim.client_builder().build() {
        Ok(client) => client,
        Err(error) => return common::failed("configure", &error),
    };
    common::finish(run(&sim, &client).await)
}

/// Holds a meeting with two people; returns its confUUID.
async fn hold(sim: &Simulator, client: &Client, subject: &str) -> Result<String, ExitCode> {
    let start = (sim.now() + chrono::Duration::minutes(1))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let created = step_or!(
        "create_meeting",
        client
            .create_meeting()
            .body(
                RestScheduleConfDto::builder()
                    .subject(subject)
                    .media_types("Voice")
                    .start_time(start)
                    .length(30)
            )
            .send()
    );
    let Some(meeting) = created.first() else {
        println!("FAIL  create_meeting: no meeting in the answer");
        return Err(ExitCode::FAILURE);
    };
    let id = meeting.conference_id.clone().unwrap_or_default();
    step_or!(
        "start_meeting",
        client
            .start_meeting()
            .body(
                StartRequest::builder()
                    .conference_id(&id)
                    .password(common::host_password(meeting))
            )
            .send()
    );
    let host = client
        .conference_of(meeting)
        .map_err(|e| common::failed("conference_of", &e))?;
    let person = |name: &str, phone: &str| -> Result<Attendee, ExitCode> {
        Attendee::builder()
            .name(name.to_owned())
            .phone(phone.to_owned())
            .type_(AttendeeType::Mobile)
            .try_into()
            .map_err(|e| {
                println!("FAIL  attendee: {e}");
                ExitCode::FAILURE
            })
    };
    let attendees = vec![person("Ann", "+8613800000061")?, person("Ben", "+8613800000062")?];
    step_or!(
        "invite_participant",
        host.invite_participant()
            .body(RestInviteReqBody::builder().attendees(attendees))
            .send()
    );
    let uuid = sim.live_meeting(&id).map(|m| m.conf_uuid).unwrap_or_default();
    let stopped = step_or!("stop_meeting", host.stop_meeting().send());
    report("stop_meeting", &format!("{subject:?} held with Ann and Ben"), &stopped);
    Ok(uuid)
}

async fn run(sim: &Simulator, client: &Client) -> Result<(), ExitCode> {
    // Both meetings on one day, whatever the time now: 01:00 tomorrow on the simulator's clock.
    let tomorrow = (sim.now() + chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    sim.advance((tomorrow - sim.now()).to_std().unwrap_or_default());
    let first = hold(sim, client, "Planning").await?;
    hold(sim, client, "Review").await?;

    let day_start = sim
        .now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_millis();
    let history = step_or!(
        "search_qos_history_meetings",
        client
            .search_qos_history_meetings()
            .start_date(day_start)
            .end_date(day_start + 24 * 3600 * 1000)
            .send()
    );
    report(
        "search_qos_history_meetings",
        &format!("{} meetings held today", history.data.len()),
        &history,
    );
    let participants = step_or!(
        "search_qos_participants",
        client
            .search_qos_participants()
            .conf_uuid(&first)
            .conf_type(SearchQosParticipantsConfType::History)
            .send()
    );
    report(
        "search_qos_participants",
        &format!("{} participants of Planning", participants.data.len()),
        &participants,
    );
    let ann = participants
        .data
        .iter()
        .find(|p| p.display_name.as_deref() == Some("Ann"))
        .and_then(|p| p.participant_id.clone())
        .unwrap_or_default();
    let detail = step_or!(
        "search_qos_participant_detail",
        client
            .search_qos_participant_detail()
            .conf_uuid(&first)
            .conf_type(SearchQosParticipantDetailConfType::History)
            .participant_id(&ann)
            .qos_type(SearchQosParticipantDetailQosType::Audio)
            .send()
    );
    let samples = detail
        .qos
        .as_ref()
        .and_then(|q| q.send.as_ref())
        .map_or(0, |s| s.latency.len());
    report(
        "search_qos_participant_detail",
        &format!("{samples} audio latency samples of Ann"),
        &detail,
    );

    let latency = SetThresholdData::try_from(SetThresholdData::builder().sending(400).receiving(400)).map_err(|e| {
        println!("FAIL  threshold: {e}");
        ExitCode::FAILURE
    })?;
    let set = step_or!(
        "set_qos_threshold",
        client
            .set_qos_threshold()
            .threshold_type(SetQosThresholdThresholdType::Audio)
            .body(SetQosThresholdReq::builder().latency(latency))
            .send()
    );
    report("set_qos_threshold", "audio latency alarms above 400 ms", &set);

    let today = sim.now().format("%Y-%m-%d").to_string();
    let stats = step_or!(
        "search_statistic_conference_info",
        client
            .search_statistic_conference_info()
            .time_unit(SearchStatisticConferenceInfoTimeUnit::D)
            .start_time(&today)
            .end_time(&today)
            .category(SearchStatisticConferenceInfoCategory::ConferenceInfo)
            .send()
    );
    let count = stats
        .data
        .first()
        .and_then(|d| d.conf_count.clone())
        .unwrap_or_default();
    report(
        "search_statistic_conference_info",
        &format!("{count} meetings today"),
        &stats,
    );
    Ok(())
}
