//! A meeting's life, one line per step: schedule it, edit it, start it, end it, then read its
//! history, attendance, control records and recording (downloaded), and sign out.
//!
//! Without configuration it starts the embedded simulator (HTTPS, its certificate trusted by
//! the client). With HUAWEICLOUD_MEETING_APP_ID and HUAWEICLOUD_MEETING_APP_KEY set (and
//! optionally HUAWEICLOUD_MEETING_ENDPOINT and HUAWEICLOUD_MEETING_CA_FILE) it runs against
//! that endpoint; there the service may take a while to list the meeting in history, and a
//! meeting nobody joined has no recording, which the example reports rather than fails on.
//!
//!     cargo run --example meeting_lifecycle

#[macro_use]
mod common;

use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use common::report;
use huaweicloud_meeting::Client;
use huaweicloud_meeting::types::{RestAttendeeDto, RestScheduleConfDto, StartRequest};

#[tokio::main]
async fn main() -> ExitCode {
    let (client, simulator) = match common::start().await {
        Ok(started) => started,
        Err(code) => return code,
    };
    // The service lists a held meeting in history within seconds; the simulator at once.
    let patience = if simulator.is_some() { 1 } else { 20 };
    run(&client, patience).await
}

fn meeting(subject: &str, minutes_from_now: i64, length: i32) -> RestScheduleConfDto {
    let start = (Utc::now() + chrono::Duration::minutes(minutes_from_now)).format("%Y-%m-%d %H:%M");
    let attendee = |name: &str, phone: &str| -> RestAttendeeDto {
        RestAttendeeDto::builder()
            .name(name.to_owned())
            .phone(phone.to_owned())
            .try_into()
            .expect("name and phone are valid")
    };
    RestScheduleConfDto::builder()
        .subject(subject.to_owned())
        .media_types("HDVideo")
        .start_time(start.to_string())
        .length(length)
        // Recorded from its start: the recording is there once it ends.
        .record_type(2)
        .is_auto_record(1)
        .attendees(vec![
            attendee("Alice", "+8613800000001"),
            attendee("Bob", "+8613800000002"),
        ])
        .try_into()
        .expect("every field is valid")
}

async fn run(client: &Client, patience: u32) -> ExitCode {
    let created = step!(
        "create_meeting",
        client.create_meeting().body(meeting("Design review", 30, 60)).send()
    );
    let Some(info) = created.first() else {
        println!("FAIL  create_meeting returned no meeting");
        return ExitCode::FAILURE;
    };
    let id = info.conference_id.clone().unwrap_or_default();
    let password = common::host_password(info);
    report(
        "create_meeting",
        &format!("meeting {id} in 30 minutes, recorded"),
        &created,
    );

    // An edit replaces the definition: send every field again, with the changes.
    let edited = step!(
        "update_meeting",
        client
            .update_meeting()
            .conference_id(&id)
            .body(meeting("Design review (extended)", 45, 90))
            .send()
    );
    report("update_meeting", "subject and time changed, 90 minutes", &edited);

    let started = step!(
        "start_meeting",
        client
            .start_meeting()
            .body(StartRequest::builder().conference_id(&id).password(password.clone()))
            .send()
    );
    report("start_meeting", &format!("meeting {id} in progress"), &started);

    let online = step!("search_online_meetings", client.search_online_meetings().send());
    let listed = online
        .data
        .iter()
        .flatten()
        .any(|m| m.conference_id.as_deref() == Some(&id));
    report(
        "search_online_meetings",
        &format!(
            "{} in progress, ours listed: {listed}",
            online.count.unwrap_or_default()
        ),
        &online,
    );

    // The host ends it; the handle obtains the meeting-control token itself.
    let host = client.conference(&id, password);
    let stopped = step!("stop_meeting", host.stop_meeting().conference_id(&id).send());
    report("stop_meeting", &format!("meeting {id} ended"), &stopped);

    // History: find the holding (its confUUID) of our meeting.
    let now = Utc::now().timestamp_millis();
    let mut held = None;
    for attempt in 0..patience {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        let page = step!(
            "search_his_meetings",
            client
                .search_his_meetings()
                .start_date(now - 3_600_000)
                .end_date(now + 3 * 3_600_000)
                .search_key(id.as_str())
                .send()
        );
        if let Some(found) = page
            .data
            .iter()
            .flatten()
            .find(|m| m.conference_id.as_deref() == Some(&id))
        {
            held = found.conf_uuid.clone();
            report(
                "search_his_meetings",
                &format!("held as {}", held.as_deref().unwrap_or("-")),
                &page,
            );
            break;
        }
    }
    let Some(conf_uuid) = held else {
        println!("FAIL  search_his_meetings: meeting {id} is not in history");
        return ExitCode::FAILURE;
    };

    let attendance = step!(
        "search_attendance_records",
        client
            .search_attendance_records_of_his_meeting()
            .conf_uuid(&conf_uuid)
            .send()
    );
    let names: Vec<&str> = attendance
        .data
        .iter()
        .flatten()
        .filter_map(|a| a.display_name.as_deref())
        .collect();
    report(
        "search_attendance_records",
        &format!("attended: {}", names.join(", ")),
        &attendance,
    );

    let control = step!(
        "search_ctl_records",
        client.search_ctl_records_of_his_meeting().conf_uuid(&conf_uuid).send()
    );
    let codes: Vec<&str> = control
        .data
        .iter()
        .flatten()
        .filter_map(|c| c.operate_code.as_deref())
        .collect();
    report("search_ctl_records", &codes.join(", "), &control);

    // The recording: download every file of it.
    let urls = match client
        .show_recording_file_download_urls()
        .conf_uuid(&conf_uuid)
        .send()
        .await
    {
        Ok(urls) => urls,
        Err(error) if error.is_not_found() => {
            println!("note  show_recording_file_download_urls: no recording of {conf_uuid} (yet)");
            return sign_out(client).await;
        }
        Err(error) => return common::failed("show_recording_file_download_urls", &error),
    };
    report("show_recording_file_urls", "download URLs with one-use tokens", &urls);
    for file in urls.record_urls.iter().flatten().flat_map(|r| r.urls.iter().flatten()) {
        let mut response = step!("download_recording_file", client.download_recording_file(file));
        let mut size = 0;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => size += chunk.len(), // a real program writes it to a file
                Ok(None) => break,
                Err(error) => {
                    println!("FAIL  download_recording_file: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
        println!(
            "ok    {:<26} {:<52}",
            "download_recording_file",
            format!("{} file: {size} bytes", file.file_type.as_deref().unwrap_or("?"))
        );
    }
    sign_out(client).await
}

async fn sign_out(client: &Client) -> ExitCode {
    if let Err(error) = client.sign_out().await {
        return common::failed("delete_token", &error);
    }
    println!(
        "ok    {:<26} {:<52}",
        "delete_token", "signed out: the token slot is free"
    );
    println!("done: every step succeeded");
    ExitCode::SUCCESS
}
