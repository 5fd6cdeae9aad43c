//! The enterprise's own App IDs are real credentials (issue 26): one just added authenticates,
//! a reset key refuses the old one, a disabled or deleted App ID is refused; only the default
//! administrator manages them. And the SSO configuration, the enterprise's registration and
//! its resources.

mod common;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{
    AddAppIdRequestBody, AuthorizeConfigInfoRequestBody, ModCorpBasicInfoDto, RestScheduleConfDto,
    SearchCorpResourcesType, StartRequest, UpdateAppIdRequestBody,
};
use huaweicloud_meeting::{Client, Credentials, Error, Secret};

/// A client of the App ID `app_id` signing with `key`.
fn client_of(sim: &Simulator, app_id: &str, key: &str) -> Client {
    sim.client_builder()
        .credentials(Credentials::app_id(app_id, key))
        .build()
        .unwrap()
}

fn refused_code(result: Result<(), Error>) -> String {
    match result {
        Err(Error::Token(error)) => error.to_string(),
        other => panic!("expected the authentication to be refused, got {other:?}"),
    }
}

#[tokio::test]
async fn an_app_id_added_authenticates_until_reset_disabled_or_deleted() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    let added = admin
        .add_app_id()
        .body(
            AddAppIdRequestBody::builder()
                .app_name("Roster sync")
                .description("HR roster"),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    let app_id = added.app_id.clone().unwrap();
    let key = added.app_key.clone().expect("the key is shown at creation");
    assert!(
        !format!("{added:?}").contains(key.expose()),
        "the key is masked in Debug"
    );
    assert_eq!(added.status, Some(0));

    // Authenticates at once, and acts in the enterprise that made it.
    let app = client_of(&sim, &app_id, key.expose());
    app.authenticate().await.unwrap();
    let listed = app.batch_search_app_id().send().await.unwrap().into_inner();
    let data = listed.data.unwrap();
    assert_eq!(data.len(), 1);
    assert!(data[0].app_key.is_none(), "the list shows no key");
    assert_eq!(data[0].app_name.as_deref(), Some("Roster sync"));

    // A reset key: the old one is refused, the new one works.
    let reset = admin.reset_app_key().app_id(&app_id).send().await.unwrap().into_inner();
    let new_key = reset.app_key.unwrap();
    assert_ne!(new_key.expose(), key.expose());
    let old = client_of(&sim, &app_id, key.expose());
    let refused = refused_code(old.authenticate().await);
    assert!(refused.contains("USG.206010000"), "{refused}");
    client_of(&sim, &app_id, new_key.expose()).authenticate().await.unwrap();

    // Disabled: refused with the App ID check's code; enabled again: accepted.
    let status = |status: i32| {
        admin
            .update_app_id()
            .app_id(&app_id)
            .body(UpdateAppIdRequestBody::builder().status(status))
            .send()
    };
    assert_eq!(status(1).await.unwrap().status, Some(1));
    let refused = refused_code(client_of(&sim, &app_id, new_key.expose()).authenticate().await);
    assert!(refused.contains("USG.206010025"), "{refused}");
    status(0).await.unwrap();
    client_of(&sim, &app_id, new_key.expose()).authenticate().await.unwrap();

    // Deleted: refused; deleting again changes nothing.
    admin.delete_app_id().app_id(&app_id).send().await.unwrap();
    admin.delete_app_id().app_id(&app_id).send().await.unwrap();
    let refused = refused_code(client_of(&sim, &app_id, new_key.expose()).authenticate().await);
    assert!(refused.contains("USG.206010025"), "{refused}");
    let error = admin.reset_app_key().app_id(&app_id).send().await.unwrap_err();
    assert_eq!(common::code(&error), Some("USG.206110009"), "{error}");
    let listed = admin.batch_search_app_id().send().await.unwrap().into_inner();
    assert_eq!(listed.count, Some(0));
}

#[tokio::test]
async fn only_the_default_administrator_manages_app_ids_and_ten_at_most() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    // A member (alice is one by default) may not.
    let member = sim
        .client_builder()
        .credentials(Credentials::app_id(sim.app_id(), "simulator-app-key").user_id("alice"))
        .build()
        .unwrap();
    async fn add(client: &Client, name: String) -> Result<(), Error> {
        let body = AddAppIdRequestBody::builder().app_name(name);
        client.add_app_id().body(body).send().await.map(|_| ())
    }
    let error = add(&member, "Mine".into()).await.unwrap_err();
    assert_eq!(common::code(&error), Some("MMC.111070002"), "{error}");
    for i in 0..10 {
        add(&admin, format!("App {i}")).await.unwrap();
    }
    let error = add(&admin, "One too many".into()).await.unwrap_err();
    assert_eq!(common::code(&error), Some("USG.206110004"), "{error}");
    let listed = admin
        .batch_search_app_id()
        .limit(4)
        .offset(8)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((listed.count, listed.data.map(|d| d.len())), (Some(10), Some(2)));
}

#[tokio::test]
async fn sso_is_stored_and_shown_without_its_secret() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    assert_eq!(admin.show_sso_config().send().await.unwrap().enable_sso, Some(false));
    let config = |secret: Option<&str>, token_url: &str| {
        let mut body = AuthorizeConfigInfoRequestBody::builder()
            .enable_sso(true)
            .domain("example.com")
            .client_id("huawei-cloud-meeting")
            .authorize_url("https://sso.example.com/oauth2/authorize")
            .get_token_url(token_url.to_owned())
            .get_user_info_url("https://sso.example.com/oauth2/userinfo");
        if let Some(secret) = secret {
            body = body.client_secret(Secret::new(secret));
        }
        admin.set_sso_config().body(body).send()
    };
    // No secret stored yet: one is required.
    let error = config(None, "https://sso.example.com/oauth2/token").await.unwrap_err();
    assert!(error.to_string().contains("clientSecret is required"), "{error}");
    config(Some("s3cret-value"), "https://sso.example.com/oauth2/token")
        .await
        .unwrap();
    // Kept when absent and the URLs stay; required again when the token URL changes.
    config(None, "https://sso.example.com/oauth2/token").await.unwrap();
    let error = config(None, "https://sso2.example.com/oauth2/token").await.unwrap_err();
    assert!(error.to_string().contains("clientSecret is required"), "{error}");
    let shown = admin.show_sso_config().send().await.unwrap().into_inner();
    assert_eq!(shown.enable_sso, Some(true));
    assert_eq!(shown.client_id.as_deref(), Some("huawei-cloud-meeting"));
    assert!(
        shown.client_secret.is_none(),
        "the simulator never shows the secret back"
    );
    // The secret never reaches the request log.
    let logged = sim
        .requests()
        .into_iter()
        .find(|r| r.operation == "set_sso_config" && r.status == 200);
    assert_eq!(logged.unwrap().body.unwrap()["clientSecret"], "***");
}

#[tokio::test]
async fn the_enterprise_registration_and_resources_match_what_it_holds() {
    let sim = Simulator::builder().rooms(4).webinar_rooms(2).start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    let info = admin.show_corp_basic_info().send().await.unwrap().into_inner();
    assert_eq!(info.id.as_deref(), Some(huaweicloud_meeting::simulator::DEFAULT_CORP));
    assert_eq!(info.address, None);
    admin
        .update_corp_basic_info()
        .body(
            ModCorpBasicInfoDto::builder()
                .address("Bantian, Shenzhen")
                .auto_user_create(true),
        )
        .send()
        .await
        .unwrap();
    let info = admin.show_corp_basic_info().send().await.unwrap().into_inner();
    assert_eq!(info.address.as_deref(), Some("Bantian, Shenzhen"));
    assert_eq!(info.auto_user_create, Some(true));

    let rooms = admin
        .search_corp_resources()
        .type_(SearchCorpResourcesType::Vmr)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    let count = |mode: i32| rooms.iter().find(|r| r.vmr_mode == Some(mode)).and_then(|r| r.count);
    assert_eq!((count(1), count(2)), (Some(4), Some(2)), "{rooms:?}");
    // The hard terminals item is what show_corp_resource counts against.
    let hard = admin
        .search_corp_resources()
        .type_(SearchCorpResourcesType::Hard1080p)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    let resource = admin.show_corp_resource().send().await.unwrap().into_inner();
    assert_eq!(hard[0].count, resource.te1080p_hard_count.and_then(|c| c.sum_count));

    // The day's meetings: none, then the one in progress.
    let org = admin.show_org_res().send().await.unwrap().into_inner();
    assert_eq!(org.conf_count, Some(0));
    let start = (chrono::Utc::now() + chrono::Duration::minutes(5))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let created = admin
        .create_meeting()
        .body(
            RestScheduleConfDto::builder()
                .subject("Stand-up")
                .media_types("Voice")
                .start_time(start)
                .length(30),
        )
        .send()
        .await
        .unwrap()
        .into_inner();
    admin
        .start_meeting()
        .body(
            StartRequest::builder()
                .conference_id(created[0].conference_id.clone().unwrap())
                .password(common::host_password(&created[0])),
        )
        .send()
        .await
        .unwrap();
    let org = admin.show_org_res().send().await.unwrap().into_inner();
    assert_eq!(org.conf_count, Some(1));
}
