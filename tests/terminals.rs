//! Hard terminals and the activation codes of smart screens, boards and IdeaHubs (issue 26),
//! each step checked against what the simulator then answers.

mod common;

use std::time::Duration;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    ActiveDto, AddDeviceDto, ModDeviceDto, VisionActiveCodeDto, VisionActiveCodeDtoDevType,
};
use huaweicloud_meeting::{Client, Error};

/// The terminal the simulator's enterprise starts with.
const BOARD: &str = "21500102863RM3900027";

fn device(sn: &str, name: &str) -> AddDeviceDto {
    AddDeviceDto::builder()
        .sn(sn.to_owned())
        .name(name.to_owned())
        .model("TE30")
        .email("rooms@example.com")
        .try_into()
        .unwrap()
}

async fn status_of(client: &Client, sn: &str) -> Option<i32> {
    client.show_device_detail().sn(sn).send().await.unwrap().status
}

#[tokio::test]
async fn terminals_are_added_enabled_and_deleted_within_the_resources() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    let types = admin.show_device_types().send().await.unwrap().into_inner();
    assert!(types.iter().any(|t| t.model.as_deref() == Some("TE30")));

    let added = admin
        .add_device()
        .body(device("210235K2D1A000001", "Training room"))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(added.status, Some(0));
    let number = added.number.clone().unwrap();
    // The serial number is unique; the model must be a known one; a contact is needed.
    let error = admin
        .add_device()
        .body(device("210235K2D1A000001", "Again"))
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("already used"), "{error}");
    let unknown_model: AddDeviceDto = AddDeviceDto::builder()
        .sn("X1".to_owned())
        .name("X".to_owned())
        .model("TE99")
        .email("rooms@example.com")
        .try_into()
        .unwrap();
    let error = admin.add_device().body(unknown_model).send().await.unwrap_err();
    assert!(error.to_string().contains("TE99"), "{error}");

    // The status of the enterprise's terminals only.
    let status = admin
        .show_device_status()
        .body(vec![number.clone()])
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status[0].number, Some(format!("tel:{number}")));
    assert_eq!(status[0].reg_status.as_deref(), Some("0"));
    let error = admin
        .show_device_status()
        .body(vec!["+99100000000".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&error), Some("MMC.111070002"), "{error}");

    // A batch disables both; an unknown serial number is skipped, not a failure.
    admin
        .batch_update_devices_status()
        .value(1)
        .body(vec![
            BOARD.to_owned(),
            "210235K2D1A000001".to_owned(),
            "NOSUCHSN".to_owned(),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(&admin, BOARD).await, Some(1));
    assert_eq!(status_of(&admin, "210235K2D1A000001").await, Some(1));
    let status = admin
        .show_device_status()
        .body(vec![number])
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status[0].reg_status.as_deref(), Some("1"), "disabled: not registered");

    // Updating keeps what is not given.
    admin
        .update_device()
        .sn("210235K2D1A000001")
        .body(ModDeviceDto::builder().name("Training room A"))
        .send()
        .await
        .unwrap();
    let detail = admin
        .show_device_detail()
        .sn("210235K2D1A000001")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(detail.name.as_deref(), Some("Training room A"));
    assert_eq!(detail.email.as_deref(), Some("rooms@example.com"));

    // Ten hard terminal resources: the eleventh terminal is refused.
    for i in 2..10 {
        admin
            .add_device()
            .body(device(&format!("SN{i:02}"), "Room"))
            .send()
            .await
            .unwrap();
    }
    let error = admin
        .add_device()
        .body(device("SN10", "Room"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&error), Some("USG.201050005"), "{error}");

    // Deleting names only terminals of the enterprise: one unknown refuses the whole batch.
    let error = admin
        .batch_delete_devices()
        .body(vec![BOARD.to_owned(), "NOSUCHSN".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&error), Some("USG.201050000"), "{error}");
    assert_eq!(status_of(&admin, BOARD).await, Some(1), "nothing was deleted");
    admin
        .batch_delete_devices()
        .body(vec![BOARD.to_owned()])
        .send()
        .await
        .unwrap();
    let error = admin.show_device_detail().sn(BOARD).send().await.unwrap_err();
    assert_eq!(common::code(&error), Some("USG.201050000"), "{error}");
}

#[tokio::test]
async fn an_activation_code_is_reset_at_most_five_times_a_day() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    let reset = || {
        admin
            .reset_activecode()
            .sn(BOARD)
            .body(ActiveDto::builder().email_addr("rooms@example.com"))
            .send()
    };
    for _ in 0..5 {
        reset().await.unwrap();
    }
    let error: Error = reset().await.unwrap_err();
    assert_eq!(common::code(&error), Some("USG.201050010"), "{error}");
    // The window is 24 hours on the simulator's clock.
    sim.advance(Duration::from_secs(23 * 3600));
    assert_eq!(common::code(&reset().await.unwrap_err()), Some("USG.201050010"));
    sim.advance(Duration::from_secs(3600));
    reset().await.unwrap();
    // Where to send the new code is required.
    let error = admin
        .reset_activecode()
        .sn(BOARD)
        .body(ActiveDto::builder())
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("smsNumber or emailAddr"), "{error}");
}

#[tokio::test]
async fn a_vision_activation_code_makes_an_inactive_device_account() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    let created = admin
        .create_vision_active_code()
        .body(
            VisionActiveCodeDto::builder()
                .dev_type(VisionActiveCodeDtoDevType::IdeaHub)
                .dev_name("Training room IdeaHub"),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let code = created.active_code.unwrap();
    assert_eq!(code.expose().len(), 12);

    // The device account: listed only when IdeaHub users and inactive ones are asked for.
    let ideahubs = |inactive: bool| admin.search_users().user_type("13").contains_un_active(inactive).send();
    assert_eq!(ideahubs(false).await.unwrap().count, Some(0));
    let listed = ideahubs(true).await.unwrap().into_inner().data.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name.as_deref(), Some("Training room IdeaHub"));
    assert_eq!(listed[0].user_type, Some(13));
    let account = listed[0].user_account.clone().unwrap();
    let ordinary = admin.search_users().send().await.unwrap().into_inner().data.unwrap();
    assert!(
        ordinary.iter().all(|u| u.user_type == Some(2)),
        "ordinary users by default"
    );

    // Found by name (fuzzy) and by code; reset by its account: the old code is gone.
    let search = |key: String| admin.search_vision_active_code().search_key(key).send();
    let found = search("Training".into()).await.unwrap().into_inner().data.unwrap();
    assert_eq!(found.len(), 1);
    let id = found[0].id.clone().unwrap();
    assert_eq!(search(code.expose().to_owned()).await.unwrap().count, Some(1));
    let reset = admin
        .reset_vision_active_code()
        .account(&account)
        .body(ActiveDto::builder())
        .send()
        .await
        .unwrap()
        .into_inner();
    let new_code = reset.active_code.unwrap();
    assert_ne!(new_code.expose(), code.expose());
    assert_eq!(search(code.expose().to_owned()).await.unwrap().count, Some(0));
    assert_eq!(search(new_code.expose().to_owned()).await.unwrap().count, Some(1));

    // Deleted: the code and its account are gone.
    admin.delete_vision_active_code().body(vec![id]).send().await.unwrap();
    assert_eq!(search("Training".into()).await.unwrap().count, Some(0));
    assert_eq!(ideahubs(true).await.unwrap().count, Some(0));
}
