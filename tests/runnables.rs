//! What a user runs: each example against its embedded simulator, and the standalone
//! `meeting-simulator` binary (secrets from the environment, HTTPS a plain client can use,
//! a clean stop on Ctrl-C).

mod common;

use std::process::{Command, Stdio};

use huaweicloud_meeting::testing::{app_id_authorization, app_id_signature};
use serde_json::{Value, json};

/// Runs an example (built by `cargo test`) against its embedded simulator and checks that
/// each step succeeded.
fn example_succeeds(name: &str, steps: &[&str]) {
    let exe = std::env::current_exe().unwrap();
    let example = exe.parent().unwrap().parent().unwrap().join("examples").join(name);
    let output = Command::new(&example)
        .env_remove("HUAWEICLOUD_MEETING_APP_ID")
        .env_remove("HUAWEICLOUD_MEETING_APP_KEY")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", example.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Columns are padded: compare with runs of spaces as one.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    for step in steps {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("ok") && words(l).contains(&words(step))),
            "step {step} missing:\n{stdout}"
        );
    }
    assert!(stdout.contains("done: every step succeeded"), "{stdout}");
}

#[test]
fn quickstart_example_succeeds() {
    example_succeeds(
        "quickstart",
        &[
            "create_app_id_token",
            "create_recurring_meeting",
            "update_recurring_meeting",
            "create_meeting",
            "start_meeting",
            "delete_attendees",
            "cancel_meeting",
            "search_corp_vmr",
            "associate_vmr",
            "disassociate_vmr",
        ],
    );
}

#[test]
fn meeting_lifecycle_example_succeeds() {
    example_succeeds(
        "meeting_lifecycle",
        &[
            "create_meeting",
            "update_meeting",
            "start_meeting",
            "search_online_meetings",
            "stop_meeting",
            "search_his_meetings",
            "search_attendance_records",
            "search_ctl_records",
            "show_recording_file_urls",
            "download_recording_file    Hd",
            "download_recording_file    Sd",
            "delete_token",
        ],
    );
}

#[test]
fn meeting_control_example_succeeds() {
    example_succeeds(
        "meeting_control",
        &[
            "start_meeting",
            "invite_participant",
            "mute_meeting",
            "mute_participant",
            "rename_participant",
            "set_cohost",
            "record",
            "lock_meeting",
            "prolong_meeting",
            "set_interpreter_group",
            "resume_simultaneous_interpretation",
            "set_attendee_lan_channel",
            "save_layout",
            "show_layout",
            "set_custom_multi_picture",
            "hang_up",
            "move_to_waiting_room",
            "allow_waiting_participant",
            "stop_meeting",
        ],
    );
}

#[test]
fn enterprise_admin_example_succeeds() {
    example_succeeds(
        "enterprise_admin",
        &[
            "add_department",
            "add_user",
            "search_users",
            "search_corp_dir",
            "add_corp_admin",
            "batch_update_user_status",
            "create_app_id_token        Erik refused",
            "associate_vmr",
            "disassociate_vmr",
            "batch_delete_corp_admins",
            "batch_delete_users",
            "add_device",
            "batch_update_devices_status",
            "show_device_status not registered",
            "batch_delete_devices",
            "add_app_id",
            "create_app_id_token signed in with the new App ID",
            "reset_app_key",
            "create_app_id_token the old key is refused",
            "delete_app_id",
            "delete_department",
        ],
    );
}

#[test]
fn member_self_service_example_succeeds() {
    example_succeeds(
        "member_self_service",
        &[
            "add_user",
            "show_my_info signed in as Mia",
            "update_my_info",
            "send_veri_code_for_update_user_info",
            "update_contact phone now +8613900000041",
            "update_pwd",
            "send_slide_verify_code",
            "check_slide_verify_code captcha solved",
            "send_veri_code_for_change_pwd",
            "check_verify_code",
            "reset_pwd",
            "set_profile_image signed in with the new password",
        ],
    );
}

#[test]
fn sp_admin_example_succeeds() {
    example_succeeds(
        "sp_admin",
        &[
            "add_corp enterprise sp-corp-0001",
            "show_my_info its administrator signs in",
            "add_resource",
            "update_resource",
            "search_resource_op_record 3 changes recorded",
            "delete_corp",
            "create_token its administrator can no longer sign in",
        ],
    );
}

#[test]
fn dashboard_example_succeeds() {
    example_succeeds(
        "dashboard",
        &[
            "search_qos_history_meetings 2 meetings held today",
            "search_qos_participant_detail 12 audio latency samples of Ann",
            "set_qos_threshold",
            "search_statistic_conference_info 2 meetings today",
        ],
    );
}

#[test]
fn webinar_example_succeeds() {
    example_succeeds(
        "webinar",
        &[
            "search_corp_vmr",
            "create_webinar",
            "update_room_setting",
            "show_room_setting audience shown as 100 + real x 1.5",
            "list_up_coming_webinars    1 upcoming",
            "update_webinar",
            "show_webinar               \"Product launch, live\", 120 minutes",
            "delete_webinar",
        ],
    );
}

/// The binary's help names the environment variables that keep secrets off the command line.
#[test]
fn standalone_binary_takes_secrets_from_the_environment() {
    let help = Command::new(env!("CARGO_BIN_EXE_meeting-simulator"))
        .arg("--help")
        .env_remove("MEETING_SIMULATOR_APP_KEY")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for variable in ["MEETING_SIMULATOR_APP_KEY", "MEETING_SIMULATOR_PASSWORD"] {
        assert!(help.contains(variable), "--help does not name {variable}:\n{help}");
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_meeting-simulator"))
        .args(["--app-id", "x"])
        .env_remove("MEETING_SIMULATOR_APP_KEY")
        .output()
        .unwrap();
    assert!(!missing.status.success(), "no app key anywhere is refused");
}

/// An access token for App ID `app` (id, key), in enterprise `corp` (SP mode), obtained by hand.
async fn app_token(http: &reqwest::Client, url: &str, (app, key): (&str, &str), corp: Option<&str>) -> String {
    let expire = common::unix_now() + 600;
    let nonce = common::nonce(9);
    let signature = app_id_signature(app, key, corp, None, expire, &nonce);
    let mut body = json!({"appId": app, "clientType": 72, "expireTime": expire, "nonce": nonce});
    if let Some(corp) = corp {
        body["corpId"] = json!(corp);
    }
    let auth: Value = http
        .post(format!("{url}/v2/usg/acs/auth/appauth"))
        .header("authorization", app_id_authorization(app, &signature))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    auth["accessToken"].as_str().unwrap().to_owned()
}

/// The enterprise's cloud meeting rooms, read by hand with `token`.
async fn corp_rooms(http: &reqwest::Client, url: &str, token: &str) -> Value {
    let rooms = http
        .get(format!("{url}/v1/usg/dcs/corp/vmr"))
        .header("X-Access-Token", token);
    rooms.send().await.unwrap().json().await.unwrap()
}

/// Starts the standalone binary; its child process and the URL its first line announces.
fn listening(mut command: Command) -> (std::process::Child, String) {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (child, url)
}

/// The standalone binary serves HTTPS that a plain HTTP client can use, and stops on Ctrl-C.
#[tokio::test]
async fn standalone_binary_serves_https() {
    let dir = std::env::temp_dir().join(format!("meeting-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    let mut command = Command::new(env!("CARGO_BIN_EXE_meeting-simulator"));
    command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--tls",
            "--app-id",
            "cli-app",
            "--member",
            "dave",
        ])
        // The key from the environment, not the command line (visible to every user).
        .env("MEETING_SIMULATOR_APP_KEY", "cli-key")
        .arg("--ca-out")
        .arg(&ca);
    let (mut child, url) = listening(command);
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    let pem = std::fs::read(&ca).unwrap();
    let http = common::raw_http()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let token = app_token(&http, &url, ("cli-app", "cli-key"), None).await;
    let rooms = corp_rooms(&http, &url, &token).await;
    assert_eq!(rooms["count"], 3);
    // Without the CA the certificate is not trusted.
    assert!(reqwest::get(format!("{url}/v1/usg/dcs/corp/vmr")).await.is_err());
    // A percent-encoded path segment is decoded (`%64ave` is `dave`).
    let room = rooms["data"][0]["id"].as_str().unwrap();
    let assigned = http
        .post(format!(
            "{url}/v1/usg/dcs/corp/vmr/assign-to-member/%64ave?accountType=1"
        ))
        .header("X-Access-Token", &token)
        .json(&json!([room]))
        .send()
        .await
        .unwrap();
    assert_eq!(assigned.status(), 200);

    // The quickstart, configured by the environment, runs its flow against this endpoint.
    let exe = std::env::current_exe().unwrap();
    let example = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join("quickstart");
    let output = Command::new(&example)
        .env("HUAWEICLOUD_MEETING_ENDPOINT", &url)
        .env("HUAWEICLOUD_MEETING_APP_ID", "cli-app")
        .env("HUAWEICLOUD_MEETING_APP_KEY", "cli-key")
        .env("HUAWEICLOUD_MEETING_CA_FILE", &ca)
        .env("HUAWEICLOUD_MEETING_MEMBER", "dave")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        !stdout.contains("simulator listening"),
        "used the configured endpoint: {stdout}"
    );
    assert!(stdout.contains("done: every step succeeded"), "{stdout}");

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "stops cleanly on interrupt: {exit:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The standalone binary holds more enterprises and an SP administrator, whose password
/// comes from the environment; the App ID signed with a corp ID acts in that enterprise.
#[tokio::test]
async fn standalone_binary_serves_enterprises_and_an_sp() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_meeting-simulator"));
    command
        .args(["--listen", "127.0.0.1:0", "--app-id", "sp-app"])
        .args(["--enterprise", "corp-b", "--sp-account", "sp-admin"])
        .env("MEETING_SIMULATOR_APP_KEY", "sp-key")
        .env("MEETING_SIMULATOR_SP_PASSWORD", "sp-secret");
    let (mut child, url) = listening(command);
    let http = common::raw_http().build().unwrap();

    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode("sp-admin:sp-secret");
    let sp = http
        .post(format!("{url}/v1/usg/acs/auth/account"))
        .header("authorization", format!("Basic {basic}"))
        .json(&json!({"account": "sp-admin", "clientType": 72}))
        .send()
        .await
        .unwrap();
    assert_eq!(sp.status(), 200);
    let sp: Value = sp.json().await.unwrap();
    assert_eq!(sp["user"]["userType"], 1, "the SP administrator: {sp}");

    let token = app_token(&http, &url, ("sp-app", "sp-key"), Some("corp-b")).await;
    let rooms = corp_rooms(&http, &url, &token).await;
    assert_eq!(rooms["count"], 3, "corp-b's rooms: {rooms}");
    child.kill().unwrap();
    child.wait().unwrap();
}
