//! Many enterprises and an SP on one simulator: each enterprise has its own directory, rooms,
//! meetings, history and recordings, and no credential of one reads or changes another's
//! data, in any area. The SP administrator signs in with its account or with the
//! multi-tenant App ID (no corp ID); the App ID signed with a corp ID acts in that enterprise.

mod common;

use chrono::Utc;
use huaweicloud_meeting::simulator::{DEFAULT_CORP, Simulator};
use huaweicloud_meeting::types::{AddUserDto, RestScheduleConfDto, StartRequest};
use huaweicloud_meeting::{Client, Credentials, ErrorCode, ErrorKind, Secret};

const KEY: &str = "simulator-app-key";
const OTHER: &str = "corp-b";
const SP_PASSWORD: &str = "Sp@Welcome2030";
const DAY_MS: i64 = 24 * 3600 * 1000;

async fn sp_simulator() -> Simulator {
    Simulator::builder()
        .enterprise(OTHER)
        .sp_account("sp-admin", SP_PASSWORD)
        .start()
        .await
        .unwrap()
}

/// The administrator of enterprise `corp`, by the SP's App ID signed with its corp ID.
fn administrator(sim: &Simulator, corp: &str) -> Client {
    sim.client_builder()
        .credentials(Credentials::app_id(sim.app_id(), KEY).corp_id(corp))
        .build()
        .unwrap()
}

fn recorded_meeting(subject: &str) -> RestScheduleConfDto {
    RestScheduleConfDto::builder()
        .subject(subject.to_owned())
        .media_types("HDVideo")
        .is_auto_record(1)
        .record_type(2)
        .try_into()
        .unwrap()
}

async fn meeting_count(client: &Client) -> Option<i32> {
    client.search_meetings().send().await.unwrap().into_inner().count
}

async fn online_count(client: &Client) -> Option<i32> {
    client.search_online_meetings().send().await.unwrap().into_inner().count
}

/// How many meetings were held and how many recordings there are, today give or take a day.
async fn held_and_recorded(client: &Client) -> (Option<i32>, Option<i32>) {
    let now = Utc::now().timestamp_millis();
    let (from, to) = (now - DAY_MS, now + DAY_MS);
    let held = client.search_his_meetings().start_date(from).end_date(to).send();
    let recorded = client.search_recordings().start_date(from).end_date(to).send();
    (
        held.await.unwrap().into_inner().count,
        recorded.await.unwrap().into_inner().count,
    )
}

#[tokio::test]
async fn no_enterprise_reads_or_changes_another_s_data() {
    let sim = sp_simulator().await;
    let a = administrator(&sim, DEFAULT_CORP);
    let b = administrator(&sim, OTHER);

    // Meetings: A's meeting in progress is A's only.
    let created = a
        .create_meeting()
        .body(recorded_meeting("A's review"))
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let e = b.show_meeting_detail().conference_id(&id).send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound), "{e}");
    let e = b.cancel_meeting().conference_id(&id).type_(1).send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound), "{e}");
    let e = b
        .show_online_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound), "{e}");
    assert_eq!((meeting_count(&a).await, meeting_count(&b).await), (Some(1), Some(0)));
    assert_eq!((online_count(&a).await, online_count(&b).await), (Some(1), Some(0)));
    let e = b
        .start_meeting()
        .body(
            StartRequest::builder()
                .conference_id(&id)
                .password(common::host_password(&created[0])),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(&ErrorCode::MeetingNotFound),
        "even with its password: {e}"
    );

    // Meeting control: B's own meeting's token does not reach A's meeting.
    let theirs = b
        .create_meeting()
        .body(recorded_meeting("B's review"))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_ne!(
        theirs[0].conference_id, created[0].conference_id,
        "conference IDs are unique"
    );
    let b_host = b.conference_of(&theirs[0]).unwrap();
    b_host.lock_meeting().body(lock()).send().await.unwrap();
    // The client refuses to send it; sent by hand, the simulator refuses it.
    let token = b_host.create_conf_token().send().await.unwrap().into_inner();
    let token = token.data.unwrap().token.unwrap();
    let lock_path = huaweicloud_meeting::operations::operation("lock_meeting").unwrap().path;
    let answer = common::raw_http()
        .build()
        .unwrap()
        .put(format!("{}{lock_path}?conferenceID={id}", sim.base_url()))
        .header("X-Conference-Authorization", token.expose())
        .json(&serde_json::json!({"isLock": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["error_code"], "MMC.118000001", "{body}");
    assert_eq!(sim.live_meeting(&id).map(|m| m.locked), Some(false));

    // History and recordings: A's ended meeting is in A's history and recordings only.
    a.conference_of(&created[0])
        .unwrap()
        .stop_meeting()
        .send()
        .await
        .unwrap();
    assert_eq!(held_and_recorded(&a).await, (Some(1), Some(1)));
    assert_eq!(held_and_recorded(&b).await, (Some(0), Some(0)));
    let now = Utc::now().timestamp_millis();
    let held = a
        .search_his_meetings()
        .start_date(now - DAY_MS)
        .end_date(now + DAY_MS)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    let conf_uuid = held[0].conf_uuid.clone().unwrap();
    let e = b
        .show_his_meeting_detail()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound), "{e}");
    let e = b
        .show_recording_detail()
        .conf_uuid(&conf_uuid)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound), "{e}");
    b.delete_recordings().conf_uuids(&conf_uuid).send().await.unwrap();
    assert_eq!(held_and_recorded(&a).await.1, Some(1), "B's deletion does not reach A");

    // Directory: A's user is A's only.
    let user: AddUserDto = AddUserDto::builder()
        .account("carol".to_owned())
        .third_account("carol".to_owned())
        .name("Carol".to_owned())
        .phone("+8613800000009".to_owned())
        .country("chinaPR".to_owned())
        .pwd(Some(Secret::new("Welcome@2030")))
        .try_into()
        .unwrap();
    a.add_user().body(user).send().await.unwrap();
    let listed = |client: Client| async move {
        client
            .search_users()
            .search_key("carol")
            .send()
            .await
            .unwrap()
            .into_inner()
            .count
    };
    assert_eq!((listed(a.clone()).await, listed(b.clone()).await), (Some(1), Some(0)));
    let e = b.show_user_detail().account("carol").send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::UserNotFound), "{e}");
    let e = b
        .batch_delete_users()
        .body(vec!["carol".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::UserNotFound), "{e}");
    assert_eq!(listed(a.clone()).await, Some(1));
    // Carol signs in with her password, in A, and reads A's meetings only.
    let carol = sim
        .client_builder()
        .credentials(Credentials::account("carol", "Welcome@2030"))
        .build()
        .unwrap();
    assert_eq!(
        carol.search_corp_vmr().send().await.unwrap().into_inner().count,
        Some(3)
    );

    // Rooms: the same room ID in two enterprises is two rooms.
    let room = b.search_corp_vmr().send().await.unwrap().into_inner().data.unwrap()[0]
        .id
        .clone()
        .unwrap();
    b.associate_vmr()
        .account("alice")
        .account_type(1)
        .body(vec![room.clone()])
        .send()
        .await
        .unwrap();
    let free = |client: Client| async move {
        client
            .search_corp_vmr()
            .status(2)
            .send()
            .await
            .unwrap()
            .into_inner()
            .count
    };
    assert_eq!((free(a.clone()).await, free(b.clone()).await), (Some(3), Some(2)));
    let e = b
        .associate_vmr()
        .account("carol")
        .account_type(1)
        .body(vec![room])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.code(),
        Some(&ErrorCode::UserNotFound),
        "A's user is unknown in B: {e}"
    );
}

fn lock() -> huaweicloud_meeting::types::RestLockReqBody {
    huaweicloud_meeting::types::RestLockReqBody::builder()
        .is_lock(1)
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn the_sp_administrator_signs_in_and_acts_in_no_enterprise() {
    let sim = sp_simulator().await;
    for credentials in [
        Credentials::account("sp-admin", SP_PASSWORD),
        Credentials::app_id(sim.app_id(), KEY).into(),
    ] {
        let sp = sim.client_builder().credentials(credentials).build().unwrap();
        let e = sp.search_meetings().send().await.unwrap_err();
        assert_eq!(e.code(), Some(&ErrorCode::InsufficientPermission), "{e}");
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
    }
    let wrong = sim
        .client_builder()
        .credentials(Credentials::account("sp-admin", "not-it"))
        .build()
        .unwrap();
    let e = wrong.search_meetings().send().await.unwrap_err();
    assert!(e.is_auth(), "{e}");
    // An enterprise the simulator does not hold is refused at sign-in.
    let nowhere = administrator(&sim, "corp-z");
    let e = nowhere.search_meetings().send().await.unwrap_err();
    assert!(e.is_auth(), "{e}");
}

#[tokio::test]
async fn without_an_sp_the_app_id_is_single_tenant() {
    let sim = Simulator::builder().enterprise(OTHER).start().await.unwrap();
    let e = administrator(&sim, OTHER).search_meetings().send().await.unwrap_err();
    assert!(e.is_auth(), "a corp ID is refused in single-enterprise mode: {e}");
    // The App ID without a corp ID acts in the default enterprise, as before.
    let admin = sim.client_builder().build().unwrap();
    assert_eq!(
        admin.search_corp_vmr().send().await.unwrap().into_inner().count,
        Some(3)
    );
}
