//! An enterprise administrator's day, one line per step: a department tree and two users,
//! found by search and in the directory; one made an administrator; the other disabled (its
//! authentication then fails) and given a cloud meeting room; a hard terminal added, disabled
//! and removed; an App ID added, used to sign in, its key reset (the old key then fails) and
//! deleted; then everything cleaned up.
//!
//! Without configuration it starts the embedded simulator (HTTPS). With
//! HUAWEICLOUD_MEETING_APP_ID and HUAWEICLOUD_MEETING_APP_KEY set (an administrator's App ID;
//! optionally HUAWEICLOUD_MEETING_ENDPOINT, HUAWEICLOUD_MEETING_CA_FILE) it runs against that
//! endpoint, on users and departments it creates and removes itself.
//!
//!     cargo run --example enterprise_admin

#[macro_use]
mod common;

use std::process::ExitCode;

use common::report;
use huaweicloud_meeting::types::{AddAppIdRequestBody, AddDeviceDto, AddUserDto, CorpAdminDto, DeptDto};
use huaweicloud_meeting::{Client, ClientBuilder, Credentials, Error, ErrorKind};

#[tokio::main]
async fn main() -> ExitCode {
    let (client, simulator) = match common::start().await {
        Ok(started) => started,
        Err(code) => return code,
    };
    // Signing in as a user needs the App ID's key: the simulator's, or the configured one.
    let app = match &simulator {
        Some(sim) => (sim.app_id().to_owned(), "simulator-app-key".to_owned()),
        None => (
            std::env::var("HUAWEICLOUD_MEETING_APP_ID").unwrap_or_default(),
            std::env::var("HUAWEICLOUD_MEETING_APP_KEY").unwrap_or_default(),
        ),
    };
    // A client with other credentials, on the same endpoint (and CA).
    let connect = |credentials: Credentials| match &simulator {
        Some(sim) => sim.client_builder().credentials(credentials).build(),
        None => ClientBuilder::from_env().and_then(|b| b.credentials(credentials).build()),
    };
    let member_client = |user: &str| connect(Credentials::app_id(app.0.clone(), app.1.clone()).user_id(user).into());
    run(&client, &member_client, &connect).await
}

fn user(account: &str, name: &str, phone: &str, dept: &str) -> AddUserDto {
    AddUserDto::builder()
        .account(account.to_owned())
        .third_account(account.to_owned())
        .name(name.to_owned())
        .phone(phone.to_owned())
        .country("chinaPR".to_owned())
        .email(format!("{account}@example.com"))
        .dept_code(dept.to_owned())
        // No welcome e-mail or SMS for an example.
        .send_notify("0".to_owned())
        .try_into()
        .expect("every field is valid")
}

async fn run(
    client: &Client,
    member_client: &dyn Fn(&str) -> Result<Client, Error>,
    connect: &dyn Fn(Credentials) -> Result<Client, Error>,
) -> ExitCode {
    let engineering = step!(
        "add_department",
        client
            .add_department()
            .body(
                DeptDto::builder()
                    .dept_name("Engineering".to_owned())
                    .parent_dept_code("1".to_owned())
            )
            .send()
    );
    let engineering_code = engineering.value.clone().unwrap_or_default();
    report(
        "add_department",
        &format!("Engineering ({engineering_code})"),
        &engineering,
    );
    let platform = step!(
        "add_department",
        client
            .add_department()
            .body(
                DeptDto::builder()
                    .dept_name("Platform".to_owned())
                    .parent_dept_code(engineering_code.clone())
            )
            .send()
    );
    let platform_code = platform.value.clone().unwrap_or_default();
    report(
        "add_department",
        &format!("Platform ({platform_code}) under Engineering"),
        &platform,
    );

    for (account, name, phone) in [
        ("example-dora", "Dora", "+8613800000021"),
        ("example-erik", "Erik", "+8613800000022"),
    ] {
        let added = step!(
            "add_user",
            client
                .add_user()
                .body(user(account, name, phone, &platform_code))
                .send()
        );
        report("add_user", &format!("{name} ({account}) in Platform"), &added);
    }
    let found = step!(
        "search_users",
        client.search_users().dept_code(&engineering_code).send()
    );
    report(
        "search_users",
        &format!("{} users in Engineering and below", found.count.unwrap_or_default()),
        &found,
    );
    let directory = step!(
        "search_corp_dir",
        client.search_corp_dir().dept_code(&platform_code).send()
    );
    report(
        "search_corp_dir",
        &format!(
            "{} entries in Platform's directory",
            directory.count.unwrap_or_default()
        ),
        &directory,
    );

    let promoted = step!(
        "add_corp_admin",
        client
            .add_corp_admin()
            .account_type(1)
            .body(CorpAdminDto::builder().account("example-dora".to_owned()))
            .send()
    );
    report("add_corp_admin", "Dora is an administrator", &promoted);

    let disabled = step!(
        "batch_update_user_status",
        client
            .batch_update_user_status()
            .value(1)
            .account_type(1)
            .body(vec!["example-erik".to_owned()])
            .send()
    );
    report("batch_update_user_status", "Erik is disabled", &disabled);
    match member_client("example-erik") {
        Ok(erik) => match erik.authenticate().await {
            Err(auth) if auth.kind() == ErrorKind::CredentialsRejected => println!(
                "ok    {:<34} {:<52}",
                "create_app_id_token",
                format!("Erik refused: {auth}")
            ),
            Err(error) => return common::failed("create_app_id_token", &error),
            Ok(()) => {
                println!("FAIL  create_app_id_token: a disabled user was authenticated");
                return ExitCode::FAILURE;
            }
        },
        Err(error) => return common::failed("configure", &error),
    }

    // A free cloud meeting room for Erik, then back.
    let rooms = step!("search_corp_vmr", client.search_corp_vmr().status(2).send());
    let Some(room) = rooms.data.iter().flatten().find_map(|r| r.id.clone()) else {
        println!("FAIL  search_corp_vmr: no unassigned cloud meeting room");
        return ExitCode::FAILURE;
    };
    let assigned = step!(
        "associate_vmr",
        client
            .associate_vmr()
            .account("example-erik")
            .account_type(1)
            .body(vec![room.clone()])
            .send()
    );
    report("associate_vmr", "a cloud meeting room for Erik", &assigned);

    // Clean up.
    let reclaimed = step!(
        "disassociate_vmr",
        client
            .disassociate_vmr()
            .account("example-erik")
            .account_type(1)
            .body(vec![room])
            .send()
    );
    report("disassociate_vmr", "room reclaimed", &reclaimed);
    let demoted = step!(
        "batch_delete_corp_admins",
        client
            .batch_delete_corp_admins()
            .account_type(1)
            .body(vec!["example-dora".to_owned()])
            .send()
    );
    report("batch_delete_corp_admins", "Dora is an ordinary user again", &demoted);
    let deleted = step!(
        "batch_delete_users",
        client
            .batch_delete_users()
            .account_type(1)
            .body(vec!["example-dora".to_owned(), "example-erik".to_owned()])
            .send()
    );
    report("batch_delete_users", "Dora and Erik deleted", &deleted);
    if let Err(code) = terminals(client, &engineering_code).await {
        return code;
    }
    if let Err(code) = app_ids(client, connect).await {
        return code;
    }
    for (code, name) in [(&platform_code, "Platform"), (&engineering_code, "Engineering")] {
        let removed = step!("delete_department", client.delete_department().dept_code(code).send());
        report("delete_department", &format!("{name} deleted"), &removed);
    }
    println!("done: every step succeeded");
    ExitCode::SUCCESS
}

/// A hard terminal in Engineering: added, disabled, removed.
async fn terminals(client: &Client, department: &str) -> Result<(), ExitCode> {
    let sn = "EXAMPLE0000000000001";
    let models = step_or!("show_device_types", client.show_device_types().send());
    report(
        "show_device_types",
        &format!("{} terminal models", models.len()),
        &models,
    );
    let added = step_or!(
        "add_device",
        client
            .add_device()
            .body(
                AddDeviceDto::builder()
                    .sn(sn.to_owned())
                    .name("Engineering room".to_owned())
                    .model("TE30")
                    .dept_code(department.to_owned())
                    .email("rooms@example.com")
                    // No activation code e-mail for an example.
                    .send_notify("0".to_owned()),
            )
            .send()
    );
    let number = added.number.clone().unwrap_or_default();
    report("add_device", &format!("TE30 {sn}, number {number}"), &added);
    let disabled = step_or!(
        "batch_update_devices_status",
        client
            .batch_update_devices_status()
            .value(1)
            .body(vec![sn.to_owned()])
            .send()
    );
    report("batch_update_devices_status", "the terminal is disabled", &disabled);
    let status = step_or!(
        "show_device_status",
        client.show_device_status().body(vec![number]).send()
    );
    let registered = status.first().and_then(|s| s.reg_status.as_deref()) == Some("0");
    report(
        "show_device_status",
        if registered { "registered" } else { "not registered" },
        &status,
    );
    let removed = step_or!(
        "batch_delete_devices",
        client.batch_delete_devices().body(vec![sn.to_owned()]).send()
    );
    report("batch_delete_devices", "the terminal is removed", &removed);
    Ok(())
}

/// An App ID of the enterprise: added, used to sign in, its key reset (the old key then
/// fails), deleted.
async fn app_ids(client: &Client, connect: &dyn Fn(Credentials) -> Result<Client, Error>) -> Result<(), ExitCode> {
    let added = step_or!(
        "add_app_id",
        client
            .add_app_id()
            .body(AddAppIdRequestBody::builder().app_name("Example roster sync"))
            .send()
    );
    let (Some(app_id), Some(key)) = (added.app_id.clone(), added.app_key.clone()) else {
        println!("FAIL  add_app_id: no App ID or key in the answer");
        return Err(ExitCode::FAILURE);
    };
    report("add_app_id", &format!("App ID {app_id}"), &added);
    let signed_in = |key: &str| connect(Credentials::app_id(app_id.clone(), key.to_owned()).into());
    let app = signed_in(key.expose()).map_err(|e| common::failed("configure", &e))?;
    step_or!("create_app_id_token", app.authenticate());
    println!(
        "ok    {:<34} {:<52}",
        "create_app_id_token", "signed in with the new App ID"
    );
    let reset = step_or!("reset_app_key", client.reset_app_key().app_id(&app_id).send());
    report("reset_app_key", "a new key", &reset);
    let old = signed_in(key.expose()).map_err(|e| common::failed("configure", &e))?;
    match old.authenticate().await {
        Err(refused) if refused.kind() == ErrorKind::CredentialsRejected => {
            println!("ok    {:<34} {:<52}", "create_app_id_token", "the old key is refused")
        }
        Err(error) => return Err(common::failed("create_app_id_token", &error)),
        Ok(()) => {
            println!("FAIL  create_app_id_token: the old key still signs in");
            return Err(ExitCode::FAILURE);
        }
    }
    let deleted = step_or!("delete_app_id", client.delete_app_id().app_id(&app_id).send());
    report("delete_app_id", "App ID deleted", &deleted);
    Ok(())
}
