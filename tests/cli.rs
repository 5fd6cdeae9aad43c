//! The `meeting` binary (feature `cli`) run for real against the simulator: the seed
//! operations, meeting control, bad input, failures and their exit codes, output formats; and
//! snapshots of its help.

mod common;
#[path = "../src/naming.rs"]
mod naming;

use std::process::Output;

use huaweicloud_meeting::operations::operation;
use huaweicloud_meeting::simulator::Simulator;
use serde_json::Value;

const KEY: &str = "simulator-app-key";

/// Runs `meeting args...` with the simulator's configuration (off the async runtime, which
/// serves the simulator).
async fn meeting(sim: &Simulator, env: &[(&str, &str)], args: Vec<String>) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("meeting").unwrap();
    command
        .env_clear()
        .env("HUAWEICLOUD_MEETING_ENDPOINT", sim.base_url())
        .env("HUAWEICLOUD_MEETING_APP_ID", sim.app_id())
        .env("HUAWEICLOUD_MEETING_APP_KEY", KEY)
        .args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| (*a).to_owned()).collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The example request of an operation as `meeting` arguments.
fn example_args(id: &str) -> Vec<String> {
    let mut list = vec![id.replace('_', "-")];
    for (name, value) in common::example_params(id) {
        let name = naming::acronym_plurals_as_words(&name);
        list.push(format!("--{}", heck::ToKebabCase::to_kebab_case(name.as_str())));
        list.push(match value {
            Value::String(s) => s,
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(","),
            other => other.to_string(),
        });
    }
    if let Some(body) = common::example_body(id) {
        list.push("--body".into());
        list.push(body.to_string());
    }
    list
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_operations_run_from_the_command_line() {
    let host_password = common::example_body("start_meeting").unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    for id in [
        "cancel_meeting",
        "delete_attendees",
        "disassociate_vmr",
        "update_recurring_meeting",
        "start_meeting",
    ] {
        let op = operation(id).unwrap();
        let sim = Simulator::builder()
            .spec_examples(op.needs_meeting_in_progress)
            .start()
            .await
            .unwrap();
        let output = meeting(
            &sim,
            &[("HUAWEICLOUD_MEETING_HOST_PASSWORD", host_password.as_str())],
            example_args(id),
        )
        .await;
        assert!(
            output.status.success(),
            "{id}: {}\n{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        assert!(
            sim.requests().iter().any(|r| r.operation == id && r.status == 200),
            "{id}: not served: {:?}",
            sim.requests()
        );
        // Not a terminal: compact JSON, one line (or nothing for an empty answer).
        let stdout = text(&output.stdout);
        assert!(stdout.lines().count() <= 1, "{id}: {stdout}");
        if !stdout.is_empty() {
            serde_json::from_str::<Value>(&stdout).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meeting_control_takes_the_host_password_from_the_environment_only() {
    let sim = Simulator::builder().spec_examples(true).start().await.unwrap();
    // No variable and no terminal: refused before anything is sent.
    let output = meeting(&sim, &[], example_args("stop_meeting")).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("HUAWEICLOUD_MEETING_HOST_PASSWORD"));
    assert_eq!(sim.count("create_conf_token"), 0);
    // A wrong one: the authentication error's exit code.
    let output = meeting(
        &sim,
        &[("HUAWEICLOUD_MEETING_HOST_PASSWORD", "000000")],
        example_args("stop_meeting"),
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("MMC.111072065"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_s_commands_take_the_meeting_password_from_the_environment_only() {
    let sim = Simulator::builder().spec_examples(true).start().await.unwrap();
    // The examples' meeting opens to the host password as to the guest's.
    let password = common::example_body("start_meeting").unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    // No variable and no terminal: refused before anything is sent.
    let output = meeting(&sim, &[], example_args("create_anonymous_auth_random")).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("HUAWEICLOUD_MEETING_GUEST_PASSWORD"));
    assert_eq!(sim.count("create_anonymous_auth_random"), 0);
    let output = meeting(
        &sim,
        &[("HUAWEICLOUD_MEETING_GUEST_PASSWORD", password.as_str())],
        example_args("create_anonymous_auth_random"),
    )
    .await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("siteUrl"), "{}", text(&output.stdout));
    // Where the password is optional, the command runs without it and says it is needed.
    let output = meeting(&sim, &[], example_args("create_auth_random")).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["need_password"], true);
    assert!(answer.get("random").is_none(), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_never_shows_a_password() {
    let sim = Simulator::builder().spec_examples(false).start().await.unwrap();
    // update_pwd's example changes the default administrator's password.
    let body = common::example_body("update_pwd").unwrap();
    let file = std::env::temp_dir().join(format!("update-pwd-{}.json", std::process::id()));
    std::fs::write(&file, body.to_string()).unwrap();
    let output = meeting(
        &sim,
        &[],
        args(&["--verbose", "update-pwd", "--body", &format!("@{}", file.display())]),
    )
    .await;
    std::fs::remove_file(&file).unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("> body"), "{stderr}");
    for secret in [&body["oldPwd"], &body["newPwd"]] {
        assert!(!stderr.contains(secret.as_str().unwrap()), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_have_their_own_exit_codes_and_say_why() {
    let sim = Simulator::start().await.unwrap();
    // Bad input: the spec's limit, named; nothing sent.
    let output = meeting(&sim, &[], args(&["search-meetings", "--limit", "501"])).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("limit"), "{}", text(&output.stderr));
    let output = meeting(&sim, &[], args(&["search-meetings", "--limit", "many"])).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--limit \"many\""));
    let output = meeting(&sim, &[], args(&["search-meetings", "--no-such-flag", "1"])).await;
    assert_eq!(output.status.code(), Some(2));
    let output = meeting(&sim, &[], args(&["cancel-meeting"])).await;
    assert_eq!(output.status.code(), Some(2), "a required flag is missing");
    // A key of the body the spec does not declare, with the nearest declared one.
    let typo = r#"{"subject":"x","mediaTypes":"HDVideo","start_time":"2030-12-03 09:00","length":60}"#;
    let output = meeting(&sim, &[], args(&["create-meeting", "--body", typo])).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("body.start_time") && stderr.contains("did you mean `startTime`?"),
        "{stderr}"
    );
    assert!(sim.requests().is_empty());

    // Service error: code, message and request id on stderr.
    let output = meeting(&sim, &[], args(&["show-meeting-detail", "--conference-id", "1"])).await;
    assert_eq!(output.status.code(), Some(4));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("MMC.111070005") && stderr.contains("request id"),
        "{stderr}"
    );

    // Authentication refused.
    let output = meeting(
        &sim,
        &[("HUAWEICLOUD_MEETING_APP_KEY", "wrong-key")],
        args(&["search-meetings"]),
    )
    .await;
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));

    // Nobody listening (port 9, discard, is closed on loopback).
    let output = meeting(
        &sim,
        &[("HUAWEICLOUD_MEETING_ENDPOINT", "http://127.0.0.1:9")],
        args(&["search-meetings"]),
    )
    .await;
    assert_eq!(output.status.code(), Some(5), "{}", text(&output.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_formats_verbose_and_completions() {
    let sim = Simulator::start().await.unwrap();
    let table = meeting(&sim, &[], args(&["search-corp-vmr", "--output", "table"])).await;
    let table = text(&table.stdout);
    assert!(table.contains("vmrId") && table.contains("912992631"), "{table}");
    assert_eq!(table.matches("Cloud meeting room").count(), 3, "{table}");
    let yaml = meeting(&sim, &[], args(&["search-corp-vmr", "-o", "yaml"])).await;
    assert!(text(&yaml.stdout).contains("count: 3"), "{}", text(&yaml.stdout));

    // --verbose shows the request with secrets masked, and the status.
    let output = meeting(
        &sim,
        &[],
        args(&[
            "check-token",
            "--verbose",
            "--body",
            r#"{"token": "stb-a-secret-token", "needGenNewToken": false}"#,
        ]),
    )
    .await;
    let stderr = text(&output.stderr);
    assert!(stderr.contains("> POST /v1/usg/acs/token/validate"), "{stderr}");
    assert!(
        stderr.contains("***") && !stderr.contains("stb-a-secret-token"),
        "{stderr}"
    );
    assert!(stderr.contains("< 401"), "{stderr}");
    assert!(stderr.contains("warning: the body holds a secret"), "{stderr}");

    // Every HTTP call shows, the sign-in included, with its URL; no credential does.
    let output = meeting(&sim, &[], args(&["search-meetings", "--limit", "1", "-v"])).await;
    let stderr = text(&output.stderr);
    let calls: Vec<&str> = stderr.lines().filter(|l| l.contains("call finished")).collect();
    assert_eq!(calls.len(), 2, "{stderr}");
    assert!(calls[0].contains(r#"operation="create_app_id_token""#), "{stderr}");
    let url = format!("url={}/v1/mmc/management/conferences?limit=1", sim.base_url());
    assert!(calls[1].contains(&url) && calls[1].contains("status=200"), "{stderr}");
    let token = sim.issued_tokens().last().cloned().unwrap();
    assert!(!stderr.contains(KEY) && !stderr.contains(&token), "{stderr}");

    let completions = meeting(&sim, &[], args(&["completions", "bash"])).await;
    assert!(completions.status.success());
    assert!(text(&completions.stdout).contains("cancel-meeting"));
    let list = meeting(&sim, &[], args(&["operations"])).await;
    assert_eq!(
        text(&list.stdout).lines().count(),
        huaweicloud_meeting::CALLABLE_OPERATIONS.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_is_generated_from_the_spec() {
    let sim = Simulator::start().await.unwrap();
    for (name, command) in [
        ("cli_help", args(&["--help"])),
        ("cli_cancel_meeting_help", args(&["cancel-meeting", "--help"])),
        ("cli_delete_attendees_help", args(&["delete-attendees", "--help"])),
    ] {
        let output = meeting(&sim, &[], command).await;
        assert!(output.status.success());
        insta::assert_snapshot!(name, text(&output.stdout));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acronym_plural_is_one_word_in_flags_as_in_the_library() {
    let sim = Simulator::start().await.unwrap();
    let help = meeting(&sim, &[], args(&["delete-recordings", "--help"])).await;
    let help = text(&help.stdout);
    // The library's builder method is `conf_uuids` (tests/lifecycle.rs calls it).
    assert!(help.contains("--conf-uuids <STRING>"), "{help}");
    assert!(!help.contains("uui-ds"), "{help}");
}
