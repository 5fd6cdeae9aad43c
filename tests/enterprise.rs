//! Enterprise administration end to end on the simulator: departments, users, the directory,
//! administrators, disabling a user (whose authentication then fails), cloud meeting rooms;
//! and the rules the service enforces.

mod common;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{AddUserDto, CorpAdminDto, DeptDto, ModUserDto};
use huaweicloud_meeting::{Client, Credentials, Error, ErrorKind, Secret};

const KEY: &str = "simulator-app-key";
const PASSWORD: &str = "Welcome@2030";

use common::code;

async fn department(client: &Client, name: &str, parent: &str) -> String {
    client
        .add_department()
        .body(
            DeptDto::builder()
                .dept_name(name.to_owned())
                .parent_dept_code(parent.to_owned()),
        )
        .send()
        .await
        .unwrap()
        .into_inner()
        .value
        .unwrap()
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
        .pwd(Some(Secret::new(PASSWORD)))
        .try_into()
        .unwrap()
}

/// A client authenticating as the enterprise member `user_id` (App ID).
fn member_client(sim: &Simulator, user_id: &str) -> Client {
    sim.client_builder()
        .credentials(Credentials::app_id(sim.app_id(), KEY).user_id(user_id))
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_administrator_provisions_users_and_departments() {
    let sim = Simulator::builder().tls(true).start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();

    // A department tree: Engineering > Platform.
    let engineering = department(&admin, "Engineering", "1").await;
    let platform = department(&admin, "Platform", &engineering).await;
    let tree = admin
        .show_department()
        .dept_code(&engineering)
        .send()
        .await
        .unwrap()
        .into_inner();
    let children: Vec<String> = tree
        .child_depts
        .unwrap()
        .into_iter()
        .filter_map(|c| c.dept_code)
        .collect();
    assert_eq!(children, std::slice::from_ref(&platform));
    let found = admin
        .search_department_by_name()
        .dept_name("Platform")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found[0].dept_code.as_deref(), Some(platform.as_str()));
    assert_eq!(
        found[0].dept_name_path.as_deref(),
        Some("Enterprise#Engineering#Platform")
    );

    // Users, found by search and in the directory.
    for (account, name, phone) in [("dora", "Dora", "+8613800000021"), ("erik", "Erik", "+8613800000022")] {
        let added = admin
            .add_user()
            .body(user(account, name, phone, &platform))
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(added.dept_code.as_deref(), Some(platform.as_str()));
        assert_eq!(added.status, Some(0));
    }
    let in_engineering = admin
        .search_users()
        .dept_code(&engineering)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(in_engineering.count, Some(2), "the sub-department's users are included");
    let by_key = admin
        .search_users()
        .search_key("Dora")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_key.data.unwrap()[0].user_account.as_deref(), Some("dora"));
    let directory = admin
        .search_corp_dir()
        .dept_code(&platform)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(directory.count, Some(2));

    // Dora becomes an administrator.
    admin
        .add_corp_admin()
        .account_type(1)
        .body(CorpAdminDto::builder().account("dora".to_owned()))
        .send()
        .await
        .unwrap();
    let shown = admin
        .show_corp_admin()
        .account("dora")
        .account_type(1)
        .send()
        .await
        .unwrap();
    assert_eq!(shown.admin_type, Some(1));
    let e = admin
        .add_corp_admin()
        .account_type(1)
        .body(CorpAdminDto::builder().account("dora".to_owned()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some("USG.201040003"), "{e}");

    // Erik can sign in (App ID and his password) until he is disabled.
    member_client(&sim, "erik").authenticate().await.unwrap();
    let with_password = sim
        .client_builder()
        .credentials(Credentials::account("erik", PASSWORD))
        .build()
        .unwrap();
    with_password.authenticate().await.unwrap();
    with_password.search_member_vmr().send().await.unwrap();
    admin
        .batch_update_user_status()
        .value(1)
        .account_type(1)
        .body(vec!["erik".to_owned()])
        .send()
        .await
        .unwrap();
    for client in [member_client(&sim, "erik"), with_password_client(&sim)] {
        match client.authenticate().await.unwrap_err() {
            auth @ Error::Token(_) if auth.kind() == ErrorKind::CredentialsRejected => {
                assert!(auth.to_string().contains("USG.206010007"), "{auth}")
            }
            other => panic!("expected an authentication error, got {other}"),
        }
    }
    // The token he held ends with his account: his next call is refused, and signing in
    // again is too.
    let e = with_password.search_member_vmr().send().await.unwrap_err();
    assert!(e.to_string().contains("USG.206010007"), "{e}");
    let disabled = admin
        .show_user_detail()
        .account("erik")
        .account_type(1)
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status, Some(1));
    let directory = admin
        .search_corp_dir()
        .dept_code(&platform)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(directory.count, Some(1), "a disabled user leaves the directory");

    // Dora gets a cloud meeting room.
    let rooms = admin.search_corp_vmr().status(2).send().await.unwrap().into_inner();
    let room = rooms.data.unwrap()[0].id.clone().unwrap();
    admin
        .associate_vmr()
        .account("dora")
        .account_type(1)
        .body(vec![room.clone()])
        .send()
        .await
        .unwrap();
    let dora = admin
        .search_users()
        .search_key("dora")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(dora.data.unwrap()[0].vmr_id.is_some());
    let own = member_client(&sim, "dora")
        .search_member_vmr()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(own.count, Some(1));

    // Clean up: rooms back, administrators, users, departments (children first).
    admin
        .disassociate_vmr()
        .account("dora")
        .account_type(1)
        .body(vec![room])
        .send()
        .await
        .unwrap();
    admin
        .batch_delete_corp_admins()
        .account_type(1)
        .body(vec!["dora".to_owned()])
        .send()
        .await
        .unwrap();
    let e = admin.delete_department().dept_code(&platform).send().await.unwrap_err();
    assert!(e.message().unwrap().contains("has users"), "{e}");
    admin
        .batch_delete_users()
        .account_type(1)
        .body(vec!["dora".to_owned(), "erik".to_owned()])
        .send()
        .await
        .unwrap();
    let e = admin
        .delete_department()
        .dept_code(&engineering)
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap().contains("sub-departments"), "{e}");
    admin.delete_department().dept_code(&platform).send().await.unwrap();
    admin.delete_department().dept_code(&engineering).send().await.unwrap();
    let e = admin
        .show_department()
        .dept_code(&engineering)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some("USG.201030000"), "{e}");
    assert_eq!(admin.search_users().send().await.unwrap().count, Some(0));
}

fn with_password_client(sim: &Simulator) -> Client {
    sim.client_builder()
        .credentials(Credentials::account("erik", PASSWORD))
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_directory_enforces_the_service_rules() {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    admin
        .add_user()
        .body(user("fay", "Fay", "+8613800000031", "1"))
        .send()
        .await
        .unwrap();

    // Accounts, phones and e-mails are unique; formats are checked.
    let e = admin
        .add_user()
        .body(user("fay", "Fay again", "+8613800000032", "1"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some("USG.201040017"), "{e}");
    let e = admin
        .add_user()
        .body(user("gus", "Gus", "+8613800000031", "1"))
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap().contains("+8613800000031"), "{e}");
    let e = admin
        .update_user()
        .account("fay")
        .body(ModUserDto::builder().email("not-an-email@".to_owned()))
        .send()
        .await
        .unwrap_err();
    // Refused before sending (the spec's pattern) or by the service: the field is named.
    assert!(e.to_string().contains("email"), "{e}");
    let e = admin
        .add_user()
        .body(user("hal", "Hal", "+8613800000033", "9-999"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some("USG.201030000"), "{e}");

    // The root department stays; an administrator must be an existing user.
    let e = admin.delete_department().dept_code("1").send().await.unwrap_err();
    assert_eq!(code(&e), Some("USG.201030006"), "{e}");
    let e = admin
        .add_corp_admin()
        .body(CorpAdminDto::builder().account("nobody".to_owned()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), Some("USG.201040000"), "{e}");

    // A user's password is a secret: not in Debug output.
    let body = user("ivy", "Ivy", "+8613800000034", "1");
    assert!(!format!("{body:?}").contains(PASSWORD));
    let e = admin
        .add_user()
        .body(
            AddUserDto::builder()
                .name("weak".to_owned())
                .phone("+8613800000035".to_owned())
                .pwd(Some(Secret::new("password"))),
        )
        .send()
        .await
        .unwrap_err();
    match e {
        Error::InvalidInput { field, reason } => {
            assert_eq!(field, "body.pwd");
            assert!(!reason.contains("password\""), "the value is not repeated: {reason}");
        }
        other => panic!("expected a refusal before sending, got {other}"),
    }
}
