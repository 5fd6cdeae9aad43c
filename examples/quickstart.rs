//! The whole flow a meeting integration needs, one line per step.
//!
//! Without configuration it starts the embedded simulator (HTTPS, its certificate trusted by
//! the client). With HUAWEICLOUD_MEETING_APP_ID and HUAWEICLOUD_MEETING_APP_KEY set (and
//! optionally HUAWEICLOUD_MEETING_ENDPOINT, HUAWEICLOUD_MEETING_CA_FILE and
//! HUAWEICLOUD_MEETING_MEMBER, the third-party user ID that receives a cloud meeting room) it
//! runs the same flow against that endpoint.
//!
//!     cargo run --example quickstart

#[macro_use]
mod common;

use std::process::ExitCode;

use chrono::{Days, Utc};
use common::report;
use huaweicloud_meeting::Client;
use huaweicloud_meeting::types::{
    CycleParams, CycleParamsCycle, DelAttendInfo, RestAttendeeDto, RestBulkDelAttendReqBody, RestScheduleConfDto,
};

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _simulator) = match common::start().await {
        Ok(started) => started,
        Err(code) => return code,
    };
    let member = std::env::var("HUAWEICLOUD_MEETING_MEMBER").unwrap_or_else(|_| "alice".into());
    run(&client, &member).await
}

fn daily(start: String, end: String) -> CycleParams {
    CycleParams::builder()
        .cycle(CycleParamsCycle::Day)
        .start_date(start)
        .end_date(end)
        .pre_remind_days(1)
        .try_into()
        .expect("every required field is set")
}

async fn run(client: &Client, member: &str) -> ExitCode {
    let tomorrow = Utc::now().date_naive() + Days::new(1);
    let date = |days: u64| (tomorrow + Days::new(days)).format("%Y-%m-%d").to_string();

    // A daily series over three days.
    let series = RestScheduleConfDto::builder()
        .subject(String::from("Daily stand-up"))
        .media_types("HDVideo")
        .start_time(format!("{} 01:00", date(0)))
        .length(30)
        .cycle_params(daily(date(0), date(2)));
    let created = step!(
        "create_recurring_meeting",
        client.create_recurring_meeting().body(series).send()
    );
    let Some(series_id) = created.first().and_then(|m| m.conference_id.clone()) else {
        println!("FAIL  create_recurring_meeting returned no conferenceID");
        return ExitCode::FAILURE;
    };
    let subs = created.first().map_or(0, |m| m.sub_confs.as_ref().map_or(0, Vec::len));
    report(
        "create_recurring_meeting",
        &format!("series {series_id}, {subs} sub-meetings"),
        &created,
    );

    // Modifying a series replaces it: send every field again, with the changes.
    let modified = RestScheduleConfDto::builder()
        .subject(String::from("Daily stand-up (longer)"))
        .media_types("HDVideo")
        .start_time(format!("{} 01:00", date(0)))
        .length(45)
        .cycle_params(daily(date(0), date(4)));
    let updated = step!(
        "update_recurring_meeting",
        client
            .update_recurring_meeting()
            .conference_id(&series_id)
            .body(modified)
            .send()
    );
    let subs = updated.first().map_or(0, |m| m.sub_confs.as_ref().map_or(0, Vec::len));
    report(
        "update_recurring_meeting",
        &format!("series {series_id}, now {subs} sub-meetings"),
        &updated,
    );

    // A meeting with two attendees.
    let attendees = vec![
        RestAttendeeDto::builder().name("Alice").phone("+8613800000001"),
        RestAttendeeDto::builder().name("Bob").phone("+8613800000002"),
    ];
    let meeting = RestScheduleConfDto::builder()
        .subject(String::from("Quarterly review"))
        .media_types("HDVideo")
        .start_time(format!("{} 02:00", date(0)))
        .length(60)
        .attendees(attendees);
    let created = step!("create_meeting", client.create_meeting().body(meeting).send());
    let Some(info) = created.first() else {
        println!("FAIL  create_meeting returned no meeting");
        return ExitCode::FAILURE;
    };
    let conference_id = info.conference_id.clone().unwrap_or_default();
    let host_password = common::host_password(info);
    report(
        "create_meeting",
        &format!("meeting {conference_id} with 2 attendees"),
        &created,
    );

    let started = step!(
        "start_meeting",
        client
            .start_meeting()
            .body(
                huaweicloud_meeting::types::StartRequest::builder()
                    .conference_id(&conference_id)
                    .password(host_password.clone())
            )
            .send()
    );
    report(
        "start_meeting",
        &format!("meeting {conference_id} in progress"),
        &started,
    );

    // Meeting control: the handle obtains and caches the control token itself.
    let control = client.conference(&conference_id, host_password);
    let removal = RestBulkDelAttendReqBody::builder()
        .bulk_del_attend_info(vec![DelAttendInfo::builder().number("+8613800000002")]);
    let removed = step!(
        "delete_attendees",
        control
            .delete_attendees()
            .conference_id(&conference_id)
            .body(removal)
            .send()
    );
    report(
        "delete_attendees",
        "removed Bob (control token obtained by the client)",
        &removed,
    );

    let cancelled = step!(
        "cancel_meeting",
        client.cancel_meeting().conference_id(&conference_id).type_(1).send()
    );
    report(
        "cancel_meeting",
        &format!("meeting {conference_id} ended and cancelled"),
        &cancelled,
    );

    // Cloud meeting rooms.
    let rooms = step!("search_corp_vmr", client.search_corp_vmr().limit(10).send());
    let Some(room) = rooms
        .data
        .iter()
        .flatten()
        .find(|r| r.member.is_none())
        .and_then(|r| r.id.clone())
    else {
        println!("FAIL  search_corp_vmr found no unassigned cloud meeting room");
        return ExitCode::FAILURE;
    };
    report(
        "search_corp_vmr",
        &format!("{} cloud meeting rooms", rooms.count.unwrap_or_default()),
        &rooms,
    );

    let assigned = step!(
        "associate_vmr",
        client
            .associate_vmr()
            .account(member)
            .account_type(1)
            .body(vec![room.clone()])
            .send()
    );
    report(
        "associate_vmr",
        &format!("room {} assigned to {member}", room.get(..8).unwrap_or(&room)),
        &assigned,
    );

    let reclaimed = step!(
        "disassociate_vmr",
        client
            .disassociate_vmr()
            .account(member)
            .account_type(1)
            .body(vec![room.clone()])
            .send()
    );
    report(
        "disassociate_vmr",
        &format!("room {} reclaimed from {member}", room.get(..8).unwrap_or(&room)),
        &reclaimed,
    );

    println!("done: every step succeeded");
    ExitCode::SUCCESS
}
