//! Meeting minutes (the whiteboard files IdeaHubs save, reached by scanning the QR code an
//! IdeaHub shows) and a held meeting's recording segments (`show_record_info`), on the
//! simulator.

use std::collections::HashMap;

use chrono::Utc;
use huaweicloud_meeting::simulator::{DEFAULT_CORP, Simulator};
use huaweicloud_meeting::types::{RecordInfoReq, RestScheduleConfDto};
use huaweicloud_meeting::{Client, Credentials, ErrorCode};

const KEY: &str = "simulator-app-key";

fn member(sim: &Simulator, user: &str) -> Client {
    sim.client_builder()
        .credentials(Credentials::app_id(sim.app_id(), KEY).user_id(user))
        .build()
        .unwrap()
}

fn scan(uuid: &str) -> HashMap<String, String> {
    HashMap::from([("uuid".to_owned(), uuid.to_owned())])
}

async fn topics(client: &Client) -> Vec<String> {
    let page = client.search_meeting_file_list().send().await.unwrap().into_inner();
    page.data
        .unwrap_or_default()
        .into_iter()
        .filter_map(|f| f.topic)
        .collect()
}

#[tokio::test]
async fn a_scanned_whiteboard_lands_in_the_scanner_s_space_only() {
    let sim = Simulator::start().await.unwrap();
    let (alice, bob, admin) = (
        member(&sim, "alice"),
        member(&sim, "bob"),
        sim.client_builder().build().unwrap(),
    );
    let qr = sim.ideahub_save_qr("Design review");
    alice.add_to_personal_space().body(scan(&qr)).send().await.unwrap();
    assert_eq!(topics(&alice).await, ["Design review"]);
    assert!(topics(&bob).await.is_empty(), "Bob's space is his own");
    assert_eq!(
        topics(&admin).await,
        ["Design review"],
        "the administrator sees the enterprise's"
    );

    let code = alice
        .search_meeting_file_list()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()[0]
        .file_code
        .clone()
        .unwrap();
    let file = alice
        .show_meeting_file()
        .file_code(&code)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(file.file_name.as_deref().unwrap_or_default().ends_with(".White.cwb"));
    assert!(
        format!("{file:?}").contains("pdf_url: Some(Secret"),
        "links are secrets: {file:?}"
    );
    let e = bob.show_meeting_file().file_code(&code).send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::InvalidParameter), "{e}");

    // Each scan saves a copy (why add_to_personal_space is not retried).
    alice.add_to_personal_space().body(scan(&qr)).send().await.unwrap();
    assert_eq!(topics(&alice).await.len(), 2);

    // A QR code no IdeaHub shows is refused, naming it.
    let e = alice
        .add_to_personal_space()
        .body(scan("0123456789abcdef0123456789abcdef"))
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap_or_default().contains("uuid 0123456789abcdef"), "{e}");

    // The other QR code makes the IdeaHub show the scanner's files, and saves nothing.
    let list = sim.ideahub_list_qr();
    bob.show_meeting_file_list().body(scan(&list)).send().await.unwrap();
    assert_eq!(sim.ideahub_shows(&list).as_deref(), Some("bob"));
    let e = bob.add_to_personal_space().body(scan(&list)).send().await.unwrap_err();
    assert!(e.message().unwrap_or_default().contains("for showing files"), "{e}");
    assert!(topics(&bob).await.is_empty());
}

#[tokio::test]
async fn another_enterprise_sees_no_minutes() {
    let sim = Simulator::builder()
        .enterprise("corp-b")
        .sp_account("sp", "Sp@2030pass")
        .start()
        .await
        .unwrap();
    let admin_of = |corp: &str| {
        sim.client_builder()
            .credentials(Credentials::app_id(sim.app_id(), KEY).corp_id(corp))
            .build()
            .unwrap()
    };
    let a = admin_of(DEFAULT_CORP);
    let qr = sim.ideahub_save_qr("Board minutes");
    a.add_to_personal_space().body(scan(&qr)).send().await.unwrap();
    assert_eq!(topics(&a).await.len(), 1);
    assert!(topics(&admin_of("corp-b")).await.is_empty());
    // The QR code is the IdeaHub's in A: B's scan does not reach it.
    let e = admin_of("corp-b")
        .add_to_personal_space()
        .body(scan(&qr))
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap_or_default().contains("no IdeaHub"), "{e}");
}

#[tokio::test]
async fn a_held_recording_is_described_segment_by_segment() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let recorded = RestScheduleConfDto::builder()
        .subject("Recorded review")
        .media_types("HDVideo")
        .is_auto_record(1)
        .record_type(2);
    let created = client
        .create_meeting()
        .body(recorded)
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .conference_of(&created[0])
        .unwrap()
        .stop_meeting()
        .send()
        .await
        .unwrap();
    let now = Utc::now().timestamp_millis();
    let held = client
        .search_his_meetings()
        .start_date(now - 3_600_000)
        .end_date(now + 3_600_000)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    let conf_uuid = held[0].conf_uuid.clone().unwrap();

    let body = RecordInfoReq::builder().conf_uuid(&conf_uuid).segment_limit(1);
    let info = client.show_record_info().body(body).send().await.unwrap().into_inner();
    assert_eq!(info.code.as_deref(), Some("0"));
    let data = info.data.unwrap();
    assert_eq!(data.subject.as_deref(), Some("Recorded review"));
    assert_eq!((data.segment_count, data.segment_limit), (Some(1), Some(1)));
    let segment = &data.segment_list.unwrap()[0];
    let files = segment.file_list.as_ref().unwrap();
    let types: Vec<&str> = files.iter().filter_map(|f| f.record_type.as_deref()).collect();
    assert_eq!(types, ["SPEAKER_VIDEO", "SPEAKER_SHARE_VIDEO"]);
    // Past the last segment: none.
    let body = RecordInfoReq::builder().conf_uuid(&conf_uuid).segment_offset(1);
    let rest = client.show_record_info().body(body).send().await.unwrap().into_inner();
    assert_eq!(rest.data.unwrap().segment_list.map(|s| s.len()), Some(0));

    let e = client
        .show_record_info()
        .body(RecordInfoReq::builder().conf_uuid("ffffffffffffffffffffffffffffffff"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
}
