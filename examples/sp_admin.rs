//! A service provider's day, one line per step: create an enterprise with its default
//! administrator (who then signs in and works in it), give it resources, disable one, read
//! its operation records and the SP's totals, then delete the enterprise (its administrator
//! can no longer sign in).
//!
//! It runs on the embedded simulator (HTTPS), started with an SP account.
//!
//!     cargo run --example sp_admin

#[macro_use]
mod common;

use std::process::ExitCode;

use common::report;
use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{AddCorpDto, AdminDto, CorpBasicDto, ModResourceDto, ResourceDto, ResourceDtoType};
use huaweicloud_meeting::{Client, Credentials, Secret};

const SP: &str = "example-sp";
const SP_PASSWORD: &str = "Sp@2030secret";

#[tokio::main]
async fn main() -> ExitCode {
    match common::simulator(Simulator::builder().sp_account(SP, SP_PASSWORD)).await {
        Ok(sim) => common::finish(run(&sim).await),
        Err(code) => code,
    }
}

fn signed_in(sim: &Simulator, account: &str, password: &str) -> Result<Client, ExitCode> {
    sim.client_builder()
        .credentials(Credentials::account(account, password))
        .build()
        .map_err(|e| common::failed("configure", &e))
}

async fn run(sim: &Simulator) -> Result<(), ExitCode> {
    let sp = signed_in(sim, SP, SP_PASSWORD)?;
    let added = step_or!(
        "add_corp",
        sp.add_corp()
            .body(
                AddCorpDto::builder()
                    .basic_info(CorpBasicDto::builder().name("Example Tech"))
                    .admin_info(
                        AdminDto::builder()
                            .account("exadmin")
                            .name("Example Admin")
                            .pwd(Secret::new("Welcome@2030")),
                    ),
            )
            .send()
    );
    let corp = added.value.clone().unwrap_or_default();
    report("add_corp", &format!("enterprise {corp}"), &added);

    let admin = signed_in(sim, "exadmin", "Welcome@2030")?;
    let me = step_or!("show_my_info", admin.show_my_info().send());
    report("show_my_info", "its administrator signs in", &me);

    let in_a_year = (sim.now() + chrono::Duration::days(365)).timestamp_millis();
    let resource = |type_, count| -> Result<ResourceDto, ExitCode> {
        ResourceDto::builder()
            .type_(type_)
            .count(count)
            .expire_date(in_a_year)
            .try_into()
            .map_err(|e| {
                println!("FAIL  resource: {e}");
                ExitCode::FAILURE
            })
    };
    let given = step_or!(
        "add_resource",
        sp.add_resource()
            .corp_id(&corp)
            .body(vec![
                resource(ResourceDtoType::Soft, 50)?,
                resource(ResourceDtoType::ConfCall, 20)?
            ])
            .send()
    );
    report("add_resource", "50 accounts, 20 concurrent participants", &given);
    let items = step_or!("search_resource", sp.search_resource().corp_id(&corp).send());
    report(
        "search_resource",
        &format!("{} resource items", items.count.unwrap_or_default()),
        &items,
    );
    let soft = items
        .data
        .iter()
        .flatten()
        .find(|r| r.type_.as_deref() == Some("SOFT"))
        .and_then(|r| r.id.clone())
        .unwrap_or_default();
    let disable = ModResourceDto::try_from(ModResourceDto::builder().id(soft).is_disabled(true)).map_err(|e| {
        println!("FAIL  resource change: {e}");
        ExitCode::FAILURE
    })?;
    let disabled = step_or!(
        "update_resource",
        sp.update_resource().corp_id(&corp).body(vec![disable]).send()
    );
    report("update_resource", "the accounts item disabled", &disabled);
    let records = step_or!(
        "search_resource_op_record",
        sp.search_resource_op_record().corp_id(&corp).send()
    );
    report(
        "search_resource_op_record",
        &format!("{} changes recorded", records.count.unwrap_or_default()),
        &records,
    );
    let totals = step_or!("show_sp_resource", sp.show_sp_resource().send());
    let enterprises = totals
        .corp_count
        .as_ref()
        .and_then(|c| c.used_count)
        .unwrap_or_default();
    report("show_sp_resource", &format!("{enterprises} enterprises"), &totals);

    let deleted = step_or!("delete_corp", sp.delete_corp().id(&corp).send());
    report("delete_corp", &format!("enterprise {corp} deleted"), &deleted);
    if signed_in(sim, "exadmin", "Welcome@2030")?.authenticate().await.is_ok() {
        println!("FAIL  create_token: the deleted enterprise's administrator still signs in");
        return Err(ExitCode::FAILURE);
    }
    println!(
        "ok    {:<34} {:<52}",
        "create_token", "its administrator can no longer sign in"
    );
    Ok(())
}
