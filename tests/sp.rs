//! An SP's enterprise from creation to deletion (issue 28): the SP administrator creates it
//! with its default administrator, who signs in and works in it; its resources change (each
//! change recorded, expiry on the simulator's clock); it is deleted and its administrator can
//! no longer sign in. An enterprise's token is refused the SP's operations.

mod common;

use std::time::Duration;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    AddCorpDto, AddCorpResDto, AddDeviceDto, AdminDto, CorpBasicDto, ModCorpBasicDto, ModCorpDto, ModResourceDto,
    QueryResourceResultDto, ResourceDto, ResourceDtoType,
};
use huaweicloud_meeting::{Client, Credentials, Secret};

const SP: &str = "sp-admin";
const SP_PASSWORD: &str = "Sp@2030secret";

fn sp_client(sim: &Simulator) -> Client {
    sim.client_builder()
        .credentials(Credentials::account(SP, SP_PASSWORD))
        .build()
        .unwrap()
}

fn admin_of(sim: &Simulator, password: &str) -> Client {
    sim.client_builder()
        .credentials(Credentials::account("exadmin", password))
        .build()
        .unwrap()
}

/// The resource items the SP sees of `corp`.
async fn items_of(sp: &Client, corp: &str) -> Vec<QueryResourceResultDto> {
    let page = sp.search_resource().corp_id(corp).send().await.unwrap().into_inner();
    page.data.unwrap()
}

/// The ID of the item of `type_`.
fn id_of(items: &[QueryResourceResultDto], type_: &str) -> String {
    let item = items.iter().find(|r| r.type_.as_deref() == Some(type_)).unwrap();
    item.id.clone().unwrap()
}

fn resource(type_: ResourceDtoType, count: i32, expire: i64) -> ResourceDto {
    ResourceDto::builder()
        .type_(type_)
        .count(count)
        .expire_date(expire)
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn an_sp_creates_runs_and_deletes_an_enterprise() {
    let sim = Simulator::builder().sp_account(SP, SP_PASSWORD).start().await.unwrap();
    let sp = sp_client(&sim);
    let in_a_day = (chrono::Utc::now() + chrono::Duration::days(1)).timestamp_millis();
    let added = sp
        .add_corp()
        .body(
            AddCorpDto::builder()
                .basic_info(CorpBasicDto::builder().name("Example Tech"))
                .admin_info(
                    AdminDto::builder()
                        .account("exadmin")
                        .name("Example Admin")
                        .email("exadmin@example.com")
                        .pwd(Secret::new("Welcome@2030")),
                )
                .res_info(
                    AddCorpResDto::try_from(AddCorpResDto::builder().resource(vec![resource(
                        ResourceDtoType::Soft,
                        10,
                        in_a_day,
                    )]))
                    .unwrap(),
                ),
        )
        .send()
        .await
        .unwrap();
    let corp = added.value.clone().unwrap();
    let listed = sp
        .search_corp()
        .search_key("Example")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.count, Some(1));

    // Its administrator signs in and works in it.
    let admin = admin_of(&sim, "Welcome@2030");
    let me = admin.show_my_info().send().await.unwrap().into_inner();
    assert_eq!(me.user_account.as_deref(), Some("exadmin"));
    let device: AddDeviceDto = AddDeviceDto::builder()
        .sn("EXTECH0001".to_owned())
        .name("Board".to_owned())
        .model("TE30")
        .email("rooms@example.com")
        .try_into()
        .unwrap();
    admin.add_device().body(device).send().await.unwrap();
    let found = admin
        .search_devices()
        .search_key("EXTECH")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.count, Some(1), "in its own directory");
    // Its token is not the SP's.
    let error = admin.search_corp().send().await.unwrap_err();
    assert_eq!(common::code(&error), Some("MMC.111070002"), "{error}");

    // Only the fields sent change.
    sp.update_corp()
        .id(&corp)
        .body(
            ModCorpDto::builder().basic_info(
                ModCorpBasicDto::try_from(ModCorpBasicDto::builder().address("Nanshan, Shenzhen")).unwrap(),
            ),
        )
        .send()
        .await
        .unwrap();
    let shown = sp
        .show_corp()
        .id(&corp)
        .send()
        .await
        .unwrap()
        .into_inner()
        .basic_info
        .unwrap();
    assert_eq!(
        (shown.name.as_deref(), shown.address.as_deref()),
        (Some("Example Tech"), Some("Nanshan, Shenzhen"))
    );

    // Resources: added, seen by the enterprise, disabled, expired on the clock; each change
    // recorded.
    sp.add_resource()
        .corp_id(&corp)
        .body(vec![resource(ResourceDtoType::ConfCall, 50, in_a_day)])
        .send()
        .await
        .unwrap();
    let items = items_of(&sp, &corp).await;
    assert_eq!(items.len(), 2);
    let own = admin.search_corp_resources().send().await.unwrap().into_inner();
    assert_eq!(own.count, Some(2), "the enterprise sees what the SP gave it");
    let (soft, conf_call) = (id_of(&items, "SOFT"), id_of(&items, "CONF_CALL"));
    sp.update_resource()
        .corp_id(&corp)
        .body(vec![
            ModResourceDto::try_from(ModResourceDto::builder().id(soft.clone()).is_disabled(true)).unwrap(),
        ])
        .send()
        .await
        .unwrap();
    let status = |items: &[QueryResourceResultDto], id: &str| {
        items
            .iter()
            .find(|r| r.id.as_deref() == Some(id))
            .and_then(|r| r.status)
    };
    assert_eq!(status(&items_of(&sp, &corp).await, &soft), Some(2), "disabled");
    sim.advance(Duration::from_secs(2 * 24 * 3600));
    let expired = status(&items_of(&sp, &corp).await, &conf_call);
    assert_eq!(expired, Some(1), "expired on the simulator's clock");
    let records = sp
        .search_resource_op_record()
        .corp_id(&corp)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(records.count, Some(3), "added at creation, added, disabled");
    let totals = sp.show_sp_resource().send().await.unwrap().into_inner();
    assert_eq!(totals.corp_count.and_then(|c| c.used_count), Some(2));

    // Deleted: its administrator can no longer sign in; deleting again changes nothing.
    sp.delete_corp().id(&corp).send().await.unwrap();
    sp.delete_corp().id(&corp).send().await.unwrap();
    assert!(admin_of(&sim, "Welcome@2030").authenticate().await.is_err());
    let error = sp.show_corp().id(&corp).send().await.unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
}

#[tokio::test]
async fn the_sp_finds_the_enterprise_of_a_meeting() {
    let sim = Simulator::builder().sp_account(SP, SP_PASSWORD).start().await.unwrap();
    // In SP mode the App ID acts in the enterprise it names.
    let member = sim
        .client_builder()
        .credentials(
            Credentials::app_id(sim.app_id(), "simulator-app-key")
                .corp_id(huaweicloud_meeting::simulator::DEFAULT_CORP)
                .user_id("alice"),
        )
        .build()
        .unwrap();
    let start = (chrono::Utc::now() + chrono::Duration::minutes(5))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let created = member
        .create_meeting()
        .body(
            huaweicloud_meeting::types::RestScheduleConfDto::builder()
                .subject("Quarterly")
                .media_types("Voice")
                .start_time(start)
                .length(30),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let id = created[0].conference_id.clone().unwrap();
    let org = sp_client(&sim)
        .show_conf_org()
        .conference_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        org.org_id.as_deref(),
        Some(huaweicloud_meeting::simulator::DEFAULT_CORP)
    );
}
