//! Webinars end to end on the simulator: scheduled in a webinar room, edited (a full
//! replacement), their room page set (a full replacement too), held on the simulator's clock
//! from upcoming to ongoing to history, cancelled while upcoming, and the refusals.

use std::time::Duration;

use chrono::Utc;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{OpenEditConfReq, OpenRoomSettingReq, OpenScheduleConfReq};
use huaweicloud_meeting::{Client, ErrorCode};

/// `minutes` from now on the simulator's clock, as the service writes times.
fn in_minutes(sim_offset: Duration, minutes: i64) -> String {
    let at = Utc::now() + chrono::Duration::from_std(sim_offset).unwrap() + chrono::Duration::minutes(minutes);
    at.format("%Y-%m-%d %H:%M").to_string()
}

async fn webinar_room(client: &Client) -> String {
    let rooms = client.search_corp_vmr().vmr_mode(2).send().await.unwrap().into_inner();
    assert_eq!(rooms.count, Some(1), "one webinar room by default");
    rooms.data.unwrap()[0].id.clone().unwrap()
}

fn launch(room: &str, start: String) -> OpenScheduleConfReq {
    OpenScheduleConfReq::builder()
        .subject("Product launch")
        .description("Launch of the 2030 product line.")
        .start_time(start)
        .duration(30)
        .time_zone_id(56)
        .vmr_id(room)
        .attendees(Vec::<huaweicloud_meeting::types::OpenAttendeeEntity>::new())
        .try_into()
        .unwrap()
}

async fn upcoming(client: &Client) -> Vec<String> {
    let page = client.list_up_coming_webinars().send().await.unwrap().into_inner();
    page.data
        .unwrap_or_default()
        .into_iter()
        .filter_map(|w| w.conference_id)
        .collect()
}

async fn ongoing(client: &Client) -> Vec<(String, String)> {
    let page = client.list_ongoing_webinars().send().await.unwrap().into_inner();
    page.data
        .unwrap_or_default()
        .into_iter()
        .map(|w| (w.conference_id.unwrap(), w.conf_uuid.unwrap()))
        .collect()
}

async fn history(client: &Client) -> Vec<(String, String, Option<i32>)> {
    let page = client.list_history_webinars().send().await.unwrap().into_inner();
    page.data
        .unwrap_or_default()
        .into_iter()
        .map(|w| (w.conference_id.unwrap(), w.conf_uuid.unwrap(), w.actual_duration))
        .collect()
}

#[tokio::test]
async fn a_webinar_goes_from_scheduled_to_history_on_the_simulator_s_clock() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let room = webinar_room(&client).await;
    // The ordinary list shows cloud meeting rooms only.
    assert_eq!(client.search_corp_vmr().send().await.unwrap().count, Some(3));

    let created = client
        .create_webinar()
        .body(launch(&room, in_minutes(Duration::ZERO, 60)))
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created.conference_id.clone().unwrap();
    assert_eq!(created.state.as_deref(), Some("schedule"));
    assert!(
        created.guest_passwd.is_some() && created.audience_passwd.is_some(),
        "passwords are made"
    );
    assert_eq!(
        (upcoming(&client).await, ongoing(&client).await),
        (vec![id.clone()], vec![])
    );

    // The edit replaces the definition: the description it leaves out is gone.
    let edit: OpenEditConfReq = OpenEditConfReq::builder()
        .conference_id(&id)
        .subject("Product launch, live")
        .start_time(in_minutes(Duration::ZERO, 60))
        .duration(30)
        .time_zone_id(56)
        .attendees(Vec::<huaweicloud_meeting::types::OpenAttendeeEntity>::new())
        .try_into()
        .unwrap();
    client.update_webinar().body(edit.clone()).send().await.unwrap();
    let shown = client
        .show_webinar()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.subject.as_deref(), Some("Product launch, live"));
    assert_eq!(shown.description, None, "a full replacement");

    // The room page: set, then replaced by a body with only an introduction.
    let setting: OpenRoomSettingReq = OpenRoomSettingReq::builder()
        .room_introduce("Welcome")
        .base_audience_count(100)
        .multiple(1.5)
        .try_into()
        .unwrap();
    client
        .update_room_setting()
        .conference_id(&id)
        .body(setting)
        .send()
        .await
        .unwrap();
    let page = client
        .show_room_setting()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((page.base_audience_count, page.multiple), (Some(100), Some(1.5)));
    let only_intro: OpenRoomSettingReq = OpenRoomSettingReq::builder()
        .room_introduce("Hello")
        .try_into()
        .unwrap();
    client
        .update_room_setting()
        .conference_id(&id)
        .body(only_intro)
        .send()
        .await
        .unwrap();
    let page = client
        .show_room_setting()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.room_introduce.as_deref(), Some("Hello"));
    assert_eq!(
        (
            page.base_audience_count,
            page.multiple,
            page.show_audience_mode.as_deref()
        ),
        (Some(0), Some(1.0), Some("real_time")),
        "what the replacement leaves out is back to its default"
    );

    // Its start time comes: it is in progress, and can no longer be changed or cancelled.
    sim.advance(Duration::from_secs(61 * 60));
    let live = ongoing(&client).await;
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].0, id);
    assert!(upcoming(&client).await.is_empty());
    let shown = client
        .show_webinar()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(shown.state.as_deref(), Some("created"));
    let e = client.update_webinar().body(edit).send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::BadRequest), "{e}");
    let e = client.delete_webinar().conference_id(&id).send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::BadRequest), "{e}");

    // Its end passes: it is in history under the UUID of its holding.
    sim.advance(Duration::from_secs(30 * 60));
    assert!(ongoing(&client).await.is_empty());
    assert_eq!(history(&client).await, vec![(id.clone(), live[0].1.clone(), Some(30))]);
    let e = client.show_webinar().conference_id(&id).send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::BadRequest), "no code is documented: {e}");
}

#[tokio::test]
async fn an_upcoming_webinar_is_cancelled_and_bad_schedules_are_refused() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let room = webinar_room(&client).await;
    let id = client
        .create_webinar()
        .body(launch(&room, in_minutes(Duration::ZERO, 120)))
        .send()
        .await
        .unwrap()
        .into_inner()
        .conference_id
        .unwrap();
    client.delete_webinar().conference_id(&id).send().await.unwrap();
    assert!(upcoming(&client).await.is_empty());
    let e = client.show_webinar().conference_id(&id).send().await.unwrap_err();
    assert!(e.message().unwrap_or_default().contains("no webinar"), "{e}");

    // A cloud meeting room is not a webinar room.
    let meeting_room = client
        .search_corp_vmr()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()[0]
        .id
        .clone()
        .unwrap();
    let e = client
        .create_webinar()
        .body(launch(&meeting_room, in_minutes(Duration::ZERO, 120)))
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap_or_default().contains("not a webinar room"), "{e}");
    // Nor can a webinar start in the past.
    let e = client
        .create_webinar()
        .body(launch(&room, in_minutes(Duration::ZERO, -5)))
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap_or_default().contains("in the past"), "{e}");
    assert!(upcoming(&client).await.is_empty(), "nothing refused was scheduled");
}
