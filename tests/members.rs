//! A member's life on the simulator (issue 27): the administrator adds them; they sign in
//! with their password, edit their profile, change their phone through a code (wrong,
//! expired and too many codes refused), change their password, forget it and reset it by
//! code, set a picture; the administrator resets their password and looks them up in batch.

mod common;

use std::time::Duration;

use huaweicloud_meeting::simulator::{Channel, Purpose, SentMessage, Simulator};
use huaweicloud_meeting::types::{
    AddUserDto, AdminResetPwdReqDto, BatchShowUserDetailsIdType, ModMemberDto, ModPwdReqDto, ResetPwdReqDtov1,
    ShowUserRequestDto, SlideVerifyCodeCheckDto, SlideVerifyCodeSendDto, VerificationCodeDto, VerifyCodeCheckDto,
    VerifyCodeSendDtov1,
};
use huaweicloud_meeting::{Client, Credentials, Error, Secret, Upload};

const FIRST: &str = "Welcome@2030";

fn signed_in(sim: &Simulator, password: &str) -> Client {
    sim.client_builder()
        .credentials(Credentials::account("mia", password))
        .build()
        .unwrap()
}

async fn signs_in(sim: &Simulator, password: &str) -> bool {
    signed_in(sim, password).authenticate().await.is_ok()
}

/// The last code (or password) the simulator "sent" for `purpose`.
fn last_sent(sim: &Simulator, purpose: Purpose) -> SentMessage {
    sim.sent_messages()
        .into_iter()
        .rev()
        .find(|m| m.purpose == purpose)
        .expect("a message was sent")
}

fn code(message: &SentMessage) -> String {
    message.secret.as_ref().unwrap().expose().to_owned()
}

fn refused(result: Result<impl std::fmt::Debug, Error>, mentions: &str) {
    let error = result.expect_err("refused");
    assert!(error.to_string().contains(mentions), "{error}");
}

/// The administrator adds Mia, with a password.
async fn with_mia() -> (Simulator, Client) {
    let sim = Simulator::start().await.unwrap();
    let admin = sim.client_builder().build().unwrap();
    let mia: AddUserDto = AddUserDto::builder()
        .account("mia".to_owned())
        .third_account("mia-3rd".to_owned())
        .name("Mia".to_owned())
        .phone("+8613800000031".to_owned())
        .email("mia@example.com".to_owned())
        .pwd(Some(Secret::new(FIRST)))
        .try_into()
        .unwrap();
    admin.add_user().body(mia).send().await.unwrap();
    (sim, admin)
}

#[tokio::test]
async fn a_member_edits_their_profile_and_changes_their_phone_through_a_code() {
    let (sim, _) = with_mia().await;
    let mia = signed_in(&sim, FIRST);
    let me = mia.show_my_info().send().await.unwrap().into_inner();
    assert_eq!(
        (me.user_account.as_deref(), me.name.as_deref()),
        (Some("mia"), Some("Mia"))
    );
    mia.update_my_info()
        .body(ModMemberDto::builder().name("Mia Wong").title("Engineer"))
        .send()
        .await
        .unwrap();
    let me = mia.show_my_info().send().await.unwrap().into_inner();
    assert_eq!(
        (me.name.as_deref(), me.title.as_deref()),
        (Some("Mia Wong"), Some("Engineer"))
    );

    // A code to the new phone; nothing goes over the wire but into the outbox.
    let new_phone = "+8613900000031";
    let send = || {
        mia.send_veri_code_for_update_user_info()
            .body(VerificationCodeDto::builder().contact(new_phone))
            .send()
    };
    send().await.unwrap();
    let sent = last_sent(&sim, Purpose::ContactChange);
    assert_eq!((sent.to.as_str(), sent.channel), (new_phone, Channel::Sms));
    assert!(
        !format!("{sent:?}").contains(&code(&sent)),
        "the code is masked in Debug"
    );
    let change = |code: &str| {
        mia.update_contact()
            .body(
                VerificationCodeDto::builder()
                    .contact(new_phone)
                    .verification_code(Secret::new(code)),
            )
            .send()
    };
    refused(change("000000").await, "wrong");
    // Expired after a minute.
    sim.advance(Duration::from_secs(61));
    refused(change(&code(&sent)).await, "expired");
    // A new code; the right one, checked then used once.
    send().await.unwrap();
    let sent = last_sent(&sim, Purpose::ContactChange);
    mia.check_veri_code_for_update_user_info()
        .body(
            VerificationCodeDto::builder()
                .contact(new_phone)
                .verification_code(Secret::new(code(&sent))),
        )
        .send()
        .await
        .unwrap();
    change(&code(&sent)).await.unwrap();
    assert_eq!(
        mia.show_my_info().send().await.unwrap().phone.as_deref(),
        Some(new_phone)
    );
    refused(change(&code(&sent)).await, "no verification code was sent");

    // At most 5 checks a minute: the sixth is refused even with the right code.
    sim.advance(Duration::from_secs(61));
    send().await.unwrap();
    let sent = last_sent(&sim, Purpose::ContactChange);
    let check = |code: String| {
        mia.check_veri_code_for_update_user_info()
            .body(
                VerificationCodeDto::builder()
                    .contact(new_phone)
                    .verification_code(Secret::new(code)),
            )
            .send()
    };
    for _ in 0..5 {
        refused(check("000000".into()).await, "wrong");
    }
    let error = check(code(&sent)).await.unwrap_err();
    assert_eq!(
        (error.status(), common::code(&error)),
        (Some(423), Some("USG.201040012")),
        "{error}"
    );
}

#[tokio::test]
async fn a_member_changes_forgets_and_resets_their_password() {
    let (sim, admin) = with_mia().await;
    let mia = signed_in(&sim, FIRST);
    let change = |old: &str, new: &str| {
        mia.update_pwd()
            .body(
                ModPwdReqDto::builder()
                    .account("mia")
                    .old_pwd(Secret::new(old))
                    .new_pwd(Secret::new(new)),
            )
            .send()
    };
    refused(change("Wrong@2030", "Better@2040").await, "the old password is wrong");
    // The rules, named without the value.
    let error = change(FIRST, "mia@Mia2040").await.unwrap_err();
    assert!(error.to_string().contains("neither the account"), "{error}");
    assert!(!error.to_string().contains("mia@Mia2040"));
    change(FIRST, "Better@2040").await.unwrap();
    assert!(!signs_in(&sim, FIRST).await, "the old password is refused");
    assert!(signs_in(&sim, "Better@2040").await);
    // The token obtained before the change keeps working (documented in the spec).
    mia.show_my_info().send().await.unwrap();

    // Forgotten: no token at all for the captcha and the code.
    let anonymous = sim.client_builder().without_credentials().build().unwrap();
    let captcha = || {
        anonymous
            .send_slide_verify_code()
            .body(SlideVerifyCodeSendDto::builder().user("mia").client_type(0))
            .send()
    };
    let solve = |token: Secret, x: i32| {
        anonymous
            .check_slide_verify_code()
            .body(
                SlideVerifyCodeCheckDto::builder()
                    .user("mia")
                    .client_type(0)
                    .token(token)
                    .point_x(x)
                    .slide_time(1800),
            )
            .send()
    };
    let shown = captcha().await.unwrap().into_inner();
    let solution = Simulator::slide_solution("mia");
    refused(
        solve(shown.token.unwrap(), solution + 40).await,
        "did not end at the gap",
    );
    let shown = captcha().await.unwrap().into_inner();
    let pass = solve(shown.token.unwrap(), solution + 3)
        .await
        .unwrap()
        .into_inner()
        .token
        .unwrap();
    anonymous
        .send_veri_code_for_change_pwd()
        .body(VerifyCodeSendDtov1::builder().user("mia").token(pass))
        .send()
        .await
        .unwrap();
    let sent = last_sent(&sim, Purpose::PasswordReset);
    assert_eq!(sent.to, "+8613800000031");
    refused(
        anonymous
            .check_verify_code()
            .body(VerifyCodeCheckDto::builder().user("mia").code(Secret::new("000000")))
            .send()
            .await,
        "wrong",
    );
    let token = anonymous
        .check_verify_code()
        .body(VerifyCodeCheckDto::builder().user("mia").code(Secret::new(code(&sent))))
        .send()
        .await
        .unwrap()
        .into_inner()
        .token
        .unwrap();
    // reset_pwd exists only on the password-reset handle, which sends the token.
    let reset = anonymous.password_reset(token.clone());
    let body = || {
        ResetPwdReqDtov1::builder()
            .user("mia")
            .new_pwd(Secret::new("Reset@2050"))
    };
    reset.reset_pwd().body(body()).send().await.unwrap();
    assert!(signs_in(&sim, "Reset@2050").await);
    assert!(!signs_in(&sim, "Better@2040").await);
    let error = reset.reset_pwd().body(body()).send().await.unwrap_err();
    assert_eq!(
        common::code(&error),
        Some("USG.000000004"),
        "the token is spent: {error}"
    );

    // The administrator resets it: the new password goes to the member's e-mail.
    admin
        .reset_pwd_by_admin()
        .body(AdminResetPwdReqDto::builder().account("mia"))
        .send()
        .await
        .unwrap();
    let sent = last_sent(&sim, Purpose::NewPassword);
    assert_eq!((sent.to.as_str(), sent.channel), ("mia@example.com", Channel::Email));
    assert!(!signs_in(&sim, "Reset@2050").await);
    assert!(signs_in(&sim, &code(&sent)).await);
}

#[tokio::test]
async fn a_member_sets_a_picture_and_the_administrator_looks_them_up() {
    let (sim, admin) = with_mia().await;
    let mia = signed_in(&sim, FIRST);
    mia.set_profile_image()
        .file(Upload::path(common::EXAMPLE_PICTURE))
        .send()
        .await
        .unwrap();
    let id = mia.show_my_info().send().await.unwrap().into_inner().id.unwrap();
    let served = common::raw_http()
        .build()
        .unwrap()
        .get(format!("{}/simulator/profile-images/{id}", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(
        served.bytes().await.unwrap(),
        std::fs::read(common::EXAMPLE_PICTURE).unwrap()
    );
    // Not a picture: refused before sending by the upload's checks.
    let error = mia
        .set_profile_image()
        .file(Upload::bytes("notes.txt", b"plain text".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");

    let lookup = |kind: BatchShowUserDetailsIdType, ids: Vec<&str>| {
        let body: Vec<ShowUserRequestDto> = ids
            .into_iter()
            .map(|id| ShowUserRequestDto::builder().id(id.to_owned()).try_into().unwrap())
            .collect();
        admin.batch_show_user_details().id_type(kind).body(body).send()
    };
    let found = lookup(BatchShowUserDetailsIdType::UserId, vec![&id, "nobody"])
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found[0].account.as_deref(), Some("mia"));
    assert_eq!((found[0].status_code, found[1].status_code), (Some(0), Some(2)));
    let by_third = lookup(BatchShowUserDetailsIdType::ThirdAccount, vec!["mia-3rd"])
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_third[0].name.as_deref(), Some("Mia"));
}

#[tokio::test]
async fn the_administrator_invites_lists_and_manages_rooms() {
    use huaweicloud_meeting::types::{
        AddUserRequestBody, DeptDto, ModVmrDto, SearchCorpExternalDirSearchScope, VmrIdList,
    };
    let (sim, admin) = with_mia().await;
    // Flagship edition: someone new is added at once, their initial password sent to them.
    let invited = admin
        .invite_user()
        .body(AddUserRequestBody::builder().name("Dave").contact("dave@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(invited.user_exist, Some(false));
    let sent = last_sent(&sim, Purpose::Invitation);
    assert_eq!((sent.to.as_str(), sent.channel), ("dave@example.com", Channel::Email));
    let found = admin
        .search_users()
        .search_key("Dave")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(found.count, Some(1));
    // Someone who is already a user is only asked to confirm.
    let again = admin
        .invite_user()
        .body(AddUserRequestBody::builder().name("Mia").contact("+8613800000031"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.user_exist, Some(true));

    // A department and its direct children only.
    let dept = |name: &str, parent: &str| {
        admin
            .add_department()
            .body(
                DeptDto::builder()
                    .dept_name(name.to_owned())
                    .parent_dept_code(parent.to_owned()),
            )
            .send()
    };
    let sales = dept("Sales", "1").await.unwrap().into_inner().value.unwrap();
    let north = dept("North", &sales).await.unwrap().into_inner().value.unwrap();
    dept("Harbour", &north).await.unwrap();
    let listed = admin
        .show_dept_and_child_dept()
        .dept_code(&sales)
        .send()
        .await
        .unwrap()
        .into_inner();
    let children: Vec<_> = listed
        .child_depts
        .unwrap()
        .into_iter()
        .filter_map(|d| d.dept_name)
        .collect();
    assert_eq!(children, ["North"]);

    // External contacts: the enterprise's, and each user's own.
    let contacts = |scope| admin.search_corp_external_dir().search_scope(scope).send();
    let corp = contacts(SearchCorpExternalDirSearchScope::Corp)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(corp.count, Some(1));
    let alice = sim
        .client_builder()
        .credentials(Credentials::app_id(sim.app_id(), "simulator-app-key").user_id("alice"))
        .build()
        .unwrap();
    let own = alice
        .search_corp_external_dir()
        .search_scope(SearchCorpExternalDirSearchScope::Personal)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(own.data.unwrap()[0].name.as_deref(), Some("Frank"));

    // Rooms: one assigned is not deleted; a free one is; its member renames theirs.
    let rooms = admin.search_corp_vmr().send().await.unwrap().into_inner().data.unwrap();
    let (first, second) = (rooms[0].id.clone().unwrap(), rooms[1].id.clone().unwrap());
    admin
        .associate_vmr()
        .account("alice")
        .account_type(1)
        .body(vec![first.clone()])
        .send()
        .await
        .unwrap();
    let delete = |id: &str| admin.delete_corp_vmr().body(VmrIdList(vec![id.to_owned()])).send();
    refused(delete(&first).await, "reclaim it");
    delete(&second).await.unwrap();
    let left = admin.search_corp_vmr().send().await.unwrap().into_inner().data.unwrap();
    assert!(left.iter().all(|r| r.id.as_deref() != Some(second.as_str())));
    alice
        .update_member_vmr()
        .id(&first)
        .body(ModVmrDto::builder().vmr_name("Alice's room"))
        .send()
        .await
        .unwrap();
    let mine = alice
        .search_member_vmr()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .unwrap();
    assert_eq!(mine[0].vmr_name.as_deref(), Some("Alice's room"));
    let error = signed_in(&sim, FIRST)
        .update_member_vmr()
        .id(&first)
        .body(ModVmrDto::builder().vmr_name("Mine now"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&error), Some("MMC.111070002"), "{error}");
}
