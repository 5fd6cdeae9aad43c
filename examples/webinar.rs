//! A webinar, one line per step: the enterprise's webinar room found, a webinar scheduled in
//! it, its room page set up, listed among the upcoming webinars, edited (the whole definition
//! sent again), and cancelled.
//!
//! Without configuration it starts the embedded simulator (HTTPS). With
//! HUAWEICLOUD_MEETING_APP_ID and HUAWEICLOUD_MEETING_APP_KEY set (optionally
//! HUAWEICLOUD_MEETING_ENDPOINT, HUAWEICLOUD_MEETING_CA_FILE) it runs against that endpoint,
//! in a webinar room of the enterprise, on a webinar a week ahead that it cancels at the end.
//!
//!     cargo run --example webinar

#[macro_use]
mod common;

use std::process::ExitCode;

use common::report;
use huaweicloud_meeting::Client;
use huaweicloud_meeting::types::{OpenAttendeeEntity, OpenEditConfReq, OpenRoomSettingReq, OpenScheduleConfReq};

#[tokio::main]
async fn main() -> ExitCode {
    let (client, _simulator) = match common::start().await {
        Ok(started) => started,
        Err(code) => return code,
    };
    run(&client).await
}

/// A week from now, on the hour, as the service writes times (UTC).
fn next_week() -> String {
    let at = std::time::SystemTime::now() + std::time::Duration::from_secs(7 * 24 * 3600);
    let seconds = at.duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
    let on_the_hour = i64::try_from(seconds - seconds % 3600).unwrap_or_default();
    chrono::DateTime::from_timestamp(on_the_hour, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn run(client: &Client) -> ExitCode {
    let rooms = step!("search_corp_vmr", client.search_corp_vmr().vmr_mode(2).send());
    let Some(room) = rooms.data.iter().flatten().find_map(|r| r.id.clone()) else {
        println!("FAIL  search_corp_vmr: the enterprise has no webinar room (vmrMode 2)");
        return ExitCode::FAILURE;
    };
    report("search_corp_vmr", &format!("webinar room {room}"), &rooms);

    let start = next_week();
    let launch = OpenScheduleConfReq::builder()
        .subject("Product launch")
        .description("The 2030 product line, with questions from the audience.")
        .start_time(start.clone())
        .duration(90)
        .time_zone_id(56)
        .vmr_id(room)
        .attendees(Vec::<OpenAttendeeEntity>::new());
    let created = step!("create_webinar", client.create_webinar().body(launch).send());
    let Some(id) = created.conference_id.clone() else {
        println!("FAIL  create_webinar: the answer has no conferenceId");
        return ExitCode::FAILURE;
    };
    report("create_webinar", &format!("{id} at {start} UTC"), &created);

    let page = OpenRoomSettingReq::builder()
        .room_introduce("Welcome: the launch starts on the hour.")
        .base_audience_count(100)
        .multiple(1.5);
    let set = step!(
        "update_room_setting",
        client.update_room_setting().conference_id(&id).body(page).send()
    );
    report("update_room_setting", "room page set up", &set);
    let shown = step!(
        "show_room_setting",
        client.show_room_setting().conference_id(&id).send()
    );
    report(
        "show_room_setting",
        &format!(
            "audience shown as {} + real x {}",
            shown.base_audience_count.unwrap_or(0),
            shown.multiple.unwrap_or(1.0)
        ),
        &shown,
    );

    let upcoming = step!(
        "list_up_coming_webinars",
        client.list_up_coming_webinars().search_key(&id).send()
    );
    report(
        "list_up_coming_webinars",
        &format!("{} upcoming", upcoming.count.unwrap_or(0)),
        &upcoming,
    );

    // The edit sends the whole definition again (what it leaves out returns to its default).
    let edit = OpenEditConfReq::builder()
        .conference_id(&id)
        .subject("Product launch, live")
        .description("The 2030 product line, with questions from the audience.")
        .start_time(start)
        .duration(120)
        .time_zone_id(56)
        .attendees(Vec::<OpenAttendeeEntity>::new());
    let edited = step!("update_webinar", client.update_webinar().body(edit).send());
    report("update_webinar", "subject and length changed", &edited);
    let shown = step!("show_webinar", client.show_webinar().conference_id(&id).send());
    report(
        "show_webinar",
        &format!(
            "{:?}, {} minutes",
            shown.subject.as_deref().unwrap_or("-"),
            shown.duration.unwrap_or(0)
        ),
        &shown,
    );

    let cancelled = step!("delete_webinar", client.delete_webinar().conference_id(&id).send());
    report("delete_webinar", "cancelled", &cancelled);
    println!("done: every step succeeded");
    ExitCode::SUCCESS
}
