//! A member's side, one line per step: the administrator adds Mia; she signs in with her
//! password, reads and edits her profile, changes her phone through a code sent to the new
//! number, changes her password, forgets it and resets it (slide captcha, a code to her phone,
//! its check, the reset), and sets a profile picture.
//!
//! It runs on the embedded simulator (HTTPS) only: the codes come from the simulator's outbox
//! (`Simulator::sent_messages`), where a real service sends them by SMS or e-mail.
//!
//!     cargo run --example member_self_service

#[macro_use]
mod common;

use std::process::ExitCode;

use common::report;
use huaweicloud_meeting::simulator::{Purpose, Simulator};
use huaweicloud_meeting::types::{
    AddUserDto, ModMemberDto, ModPwdReqDto, ResetPwdReqDtov1, SlideVerifyCodeCheckDto, SlideVerifyCodeSendDto,
    VerificationCodeDto, VerifyCodeCheckDto, VerifyCodeSendDtov1,
};
use huaweicloud_meeting::{Client, Credentials, Secret, Upload};

const ACCOUNT: &str = "example-mia";

#[tokio::main]
async fn main() -> ExitCode {
    match common::simulator(Simulator::builder()).await {
        Ok(sim) => common::finish(run(&sim).await),
        Err(code) => code,
    }
}

/// A client of `sim` signed in as Mia with `password`.
fn mia(sim: &Simulator, password: &str) -> Result<Client, ExitCode> {
    sim.client_builder()
        .credentials(Credentials::account(ACCOUNT, password))
        .build()
        .map_err(|e| common::failed("configure", &e))
}

/// The last code the simulator "sent" for `purpose`.
fn last_code(sim: &Simulator, purpose: Purpose) -> Result<Secret, ExitCode> {
    sim.sent_messages()
        .into_iter()
        .rev()
        .find(|m| m.purpose == purpose)
        .and_then(|m| m.secret)
        .ok_or_else(|| {
            println!("FAIL  outbox: no code was sent");
            ExitCode::FAILURE
        })
}

async fn run(sim: &Simulator) -> Result<(), ExitCode> {
    let admin = sim
        .client_builder()
        .build()
        .map_err(|e| common::failed("configure", &e))?;
    let added = step_or!(
        "add_user",
        admin
            .add_user()
            .body(
                AddUserDto::builder()
                    .account(ACCOUNT.to_owned())
                    .name("Mia".to_owned())
                    .phone("+8613800000041".to_owned())
                    .email("mia@example.com".to_owned())
                    .pwd(Some(Secret::new("Welcome@2030")))
                    .send_notify("0".to_owned()),
            )
            .send()
    );
    report("add_user", "Mia added, with a password", &added);

    let member = mia(sim, "Welcome@2030")?;
    let me = step_or!("show_my_info", member.show_my_info().send());
    report(
        "show_my_info",
        &format!("signed in as {}", me.name.clone().unwrap_or_default()),
        &me,
    );
    let edited = step_or!(
        "update_my_info",
        member
            .update_my_info()
            .body(ModMemberDto::builder().name("Mia Wong").title("Engineer"))
            .send()
    );
    report("update_my_info", "now Mia Wong, Engineer", &edited);

    let new_phone = "+8613900000041";
    let sent = step_or!(
        "send_veri_code_for_update_user_info",
        member
            .send_veri_code_for_update_user_info()
            .body(VerificationCodeDto::builder().contact(new_phone))
            .send()
    );
    report("send_veri_code_for_update_user_info", "a code to the new phone", &sent);
    let code = last_code(sim, Purpose::ContactChange)?;
    let changed = step_or!(
        "update_contact",
        member
            .update_contact()
            .body(
                VerificationCodeDto::builder()
                    .contact(new_phone)
                    .verification_code(code)
            )
            .send()
    );
    report("update_contact", &format!("phone now {new_phone}"), &changed);

    let new_password = step_or!(
        "update_pwd",
        member
            .update_pwd()
            .body(
                ModPwdReqDto::builder()
                    .account(ACCOUNT)
                    .old_pwd(Secret::new("Welcome@2030"))
                    .new_pwd(Secret::new("Better@2040")),
            )
            .send()
    );
    report("update_pwd", "password changed", &new_password);

    // Forgotten: no sign-in token for any of these steps.
    let anonymous = sim
        .client_builder()
        .without_credentials()
        .build()
        .map_err(|e| common::failed("configure", &e))?;
    let captcha = step_or!(
        "send_slide_verify_code",
        anonymous
            .send_slide_verify_code()
            .body(SlideVerifyCodeSendDto::builder().user(ACCOUNT).client_type(0))
            .send()
    );
    report("send_slide_verify_code", "a slide captcha", &captcha);
    let solved = step_or!(
        "check_slide_verify_code",
        anonymous
            .check_slide_verify_code()
            .body(
                SlideVerifyCodeCheckDto::builder()
                    .user(ACCOUNT)
                    .client_type(0)
                    .token(captcha.token.clone().unwrap_or_default())
                    .point_x(Simulator::slide_solution(ACCOUNT))
                    .slide_time(1500),
            )
            .send()
    );
    report("check_slide_verify_code", "captcha solved", &solved);
    let sent = step_or!(
        "send_veri_code_for_change_pwd",
        anonymous
            .send_veri_code_for_change_pwd()
            .body(
                VerifyCodeSendDtov1::builder()
                    .user(ACCOUNT)
                    .token(solved.token.clone().unwrap_or_default())
            )
            .send()
    );
    report(
        "send_veri_code_for_change_pwd",
        &format!("a code to {}", sent.bind_phone.clone().unwrap_or_default()),
        &sent,
    );
    let code = last_code(sim, Purpose::PasswordReset)?;
    let checked = step_or!(
        "check_verify_code",
        anonymous
            .check_verify_code()
            .body(VerifyCodeCheckDto::builder().user(ACCOUNT).code(code))
            .send()
    );
    report("check_verify_code", "code checked: a reset token", &checked);
    let reset = step_or!(
        "reset_pwd",
        anonymous
            .password_reset(checked.token.clone().unwrap_or_default())
            .reset_pwd()
            .body(
                ResetPwdReqDtov1::builder()
                    .user(ACCOUNT)
                    .new_pwd(Secret::new("Reset@2050"))
            )
            .send()
    );
    report("reset_pwd", "password reset", &reset);

    let member = mia(sim, "Reset@2050")?;
    let picture = step_or!(
        "set_profile_image",
        member
            .set_profile_image()
            .file(Upload::bytes("mia.png", PIXEL.to_vec()))
            .send()
    );
    report(
        "set_profile_image",
        "signed in with the new password; picture set",
        &picture,
    );
    Ok(())
}

/// A 1x1 PNG.
const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba,
    0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
