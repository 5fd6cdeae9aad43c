//! File uploads (`upload_file`): the file as bytes, a path or a stream; its type read from its
//! bytes, not its name; the stored bytes read back from the simulator; a retry re-sends bytes
//! and re-reads a path, while a stream is sent once; `Client::call` and the command line take
//! a path.

mod common;

use bytes::Bytes;
use huaweicloud_meeting::simulator::{Fault, Simulator};
use huaweicloud_meeting::types::OpenRoomSettingReq;
use huaweicloud_meeting::{Error, Upload};

fn picture() -> Vec<u8> {
    std::fs::read(common::EXAMPLE_PICTURE).unwrap()
}

#[tokio::test]
async fn a_picture_is_stored_with_the_type_its_bytes_say() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    // Named .jpg, but the bytes are a PNG.
    let stored = client
        .upload_file()
        .file(Upload::bytes("logo.jpg", picture()))
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = stored.file_id.unwrap();
    assert_eq!(stored.image_moderation.unwrap().suggestion.as_deref(), Some("pass"));
    let file = sim.uploaded_file(&id).unwrap();
    assert_eq!(file.bytes, picture());
    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(file.file_name.as_deref(), Some("logo.jpg"));

    // From a path: named by its file name.
    let stored = client
        .upload_file()
        .file(Upload::path(common::EXAMPLE_PICTURE))
        .send()
        .await
        .unwrap()
        .into_inner();
    let file = sim.uploaded_file(stored.file_id.as_deref().unwrap()).unwrap();
    assert_eq!(
        (file.file_name.as_deref(), file.bytes),
        (Some("picture.png"), picture())
    );

    // Its ID names it on a webinar's room page.
    let room = client
        .search_corp_vmr()
        .vmr_mode(2)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap()[0]
        .id
        .clone()
        .unwrap();
    let start = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let webinar = huaweicloud_meeting::types::OpenScheduleConfReq::builder()
        .subject("Launch")
        .start_time(start)
        .duration(30)
        .time_zone_id(56)
        .vmr_id(room)
        .attendees(Vec::<huaweicloud_meeting::types::OpenAttendeeEntity>::new());
    let webinar = client.create_webinar().body(webinar).send().await.unwrap().into_inner();
    let conference = webinar.conference_id.unwrap();
    let page = OpenRoomSettingReq::builder().crop_logo_id(id.as_str());
    client
        .update_room_setting()
        .conference_id(&conference)
        .body(page)
        .send()
        .await
        .unwrap();
    let shown = client
        .show_room_setting()
        .conference_id(&conference)
        .send()
        .await
        .unwrap();
    assert_eq!(shown.crop_logo_id.as_deref(), Some(id.as_str()));
}

#[tokio::test]
async fn a_retry_sends_bytes_and_a_path_again_and_a_stream_once() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    // 429 is retried even for an upload (the service did not take it).
    let throttled = Fault::RateLimited { retry_after_secs: 0 };
    for upload in [Upload::bytes("a.png", picture()), Upload::path(common::EXAMPLE_PICTURE)] {
        sim.clear_log();
        sim.inject("upload_file", throttled.clone());
        let stored = client.upload_file().file(upload).send().await.unwrap().into_inner();
        let statuses: Vec<u16> = sim
            .requests()
            .iter()
            .filter(|r| r.operation == "upload_file")
            .map(|r| r.status)
            .collect();
        assert_eq!(statuses, [429, 200]);
        assert_eq!(
            sim.uploaded_file(stored.file_id.as_deref().unwrap()).unwrap().bytes,
            picture()
        );
    }
    sim.clear_log();
    sim.inject("upload_file", throttled);
    let stream = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(picture()))]);
    let e = client
        .upload_file()
        .file(Upload::stream("s.png", stream))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(429), "{e}");
    assert_eq!(sim.count("upload_file"), 1, "a stream is sent once");
}

#[tokio::test]
async fn a_missing_or_unreadable_file_is_refused_before_sending() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let e = client.upload_file().send().await.unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, .. } if field == "body part `file`"),
        "{e}"
    );
    let e = client
        .upload_file()
        .file(Upload::path("/nonexistent/picture.png"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidInput { field, reason } if field == "body part `file`" && reason.contains("/nonexistent/picture.png")),
        "{e}"
    );
    assert_eq!(sim.count("upload_file"), 0, "nothing was sent");
}

#[tokio::test]
async fn call_by_name_takes_the_file_s_path() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let params = serde_json::json!({"file": common::EXAMPLE_PICTURE});
    let answer = client
        .call("upload_file", params.as_object().cloned().unwrap(), None)
        .await
        .unwrap()
        .into_inner();
    let id = answer["fileId"].as_str().unwrap();
    assert_eq!(sim.uploaded_file(id).unwrap().bytes, picture());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_takes_file() {
    let sim = Simulator::start().await.unwrap();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_meeting"))
        .args([
            "--endpoint",
            sim.base_url(),
            "-o",
            "json",
            "upload-file",
            "--file",
            common::EXAMPLE_PICTURE,
        ])
        .env("HUAWEICLOUD_MEETING_APP_ID", sim.app_id())
        .env("HUAWEICLOUD_MEETING_APP_KEY", "simulator-app-key")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        sim.uploaded_file(answer["fileId"].as_str().unwrap()).unwrap().bytes,
        picture()
    );
}
