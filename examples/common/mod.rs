//! What the examples share: a client for the embedded simulator or the configured endpoint,
//! and one readable line per step.
#![allow(dead_code)]

use std::process::ExitCode;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::ConferenceInfo;
use huaweicloud_meeting::{Client, Error, ResponseValue, Secret};

/// One readable line per step: operation, outcome, request id.
pub fn report<T>(operation: &str, outcome: &str, response: &ResponseValue<T>) {
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    println!("ok    {operation:<34} {outcome:<52} request-id {request_id}");
}

/// Prints the error of a step (code, message, request id) and fails.
pub fn failed(operation: &str, error: &Error) -> ExitCode {
    println!(
        "FAIL  {operation:<34} {error}\n      code {} | message {} | request-id {}",
        error.code().map_or("-".into(), |c| c.to_string()),
        error.message().unwrap_or("-"),
        error.request_id().unwrap_or("-"),
    );
    ExitCode::FAILURE
}

/// Awaits a call; on failure prints it and returns from `main` with a failure.
/// As `step!`, in a function returning `Result<_, ExitCode>`.
#[allow(unused_macros)]
macro_rules! step_or {
    ($operation:expr, $call:expr) => {
        match $call.await {
            Ok(value) => value,
            Err(error) => return Err(common::failed($operation, &error)),
        }
    };
}

#[allow(unused_macros)]
macro_rules! step {
    ($operation:expr, $call:expr) => {
        match $call.await {
            Ok(value) => value,
            Err(error) => return common::failed($operation, &error),
        }
    };
}

/// The client: for the endpoint of the HUAWEICLOUD_MEETING_* variables when
/// HUAWEICLOUD_MEETING_APP_ID and _APP_KEY are set, else for an embedded simulator (HTTPS,
/// its certificate trusted by the client), which is returned too and must be kept alive.
pub async fn connect() -> Result<(Client, Option<Simulator>), ExitCode> {
    let configured = std::env::var_os("HUAWEICLOUD_MEETING_APP_ID").is_some()
        && std::env::var_os("HUAWEICLOUD_MEETING_APP_KEY").is_some();
    if configured {
        return Client::from_env()
            .map(|client| (client, None))
            .map_err(|error| failed("configure", &error));
    }
    let simulator = Simulator::builder().tls(true).start().await.map_err(|error| {
        println!("FAIL  start simulator: {error}");
        ExitCode::FAILURE
    })?;
    println!(
        "simulator listening on {} (TLS, certificate trusted by the client)",
        simulator.base_url()
    );
    let client = simulator
        .client_builder()
        .build()
        .map_err(|error| failed("configure", &error))?;
    Ok((client, Some(simulator)))
}

/// Starts `builder`'s simulator (HTTPS), for the examples that run on it only.
pub async fn simulator(builder: huaweicloud_meeting::simulator::SimulatorBuilder) -> Result<Simulator, ExitCode> {
    let simulator = builder.tls(true).start().await.map_err(|error| {
        println!("FAIL  start simulator: {error}");
        ExitCode::FAILURE
    })?;
    println!(
        "simulator listening on {} (TLS, certificate trusted by the client)",
        simulator.base_url()
    );
    Ok(simulator)
}

/// The exit code of an example's run, saying so when every step succeeded.
pub fn finish(run: Result<(), ExitCode>) -> ExitCode {
    match run {
        Ok(()) => {
            println!("done: every step succeeded");
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// The client (see [`connect`]), authenticated already so that wrong credentials show at the
/// first step.
pub async fn start() -> Result<(Client, Option<Simulator>), ExitCode> {
    let (client, simulator) = connect().await?;
    authenticate(&client).await?;
    Ok((client, simulator))
}

/// The host password among a meeting's passwords.
pub fn host_password(info: &ConferenceInfo) -> Secret {
    info.password_entry
        .iter()
        .flatten()
        .find(|p| p.conference_role.as_deref() == Some("chair"))
        .and_then(|p| p.password.clone())
        .unwrap_or_default()
}

/// Authenticates now, so wrong credentials show at the first step.
pub async fn authenticate(client: &Client) -> Result<(), ExitCode> {
    client
        .authenticate()
        .await
        .map_err(|error| failed("create_app_id_token", &error))?;
    println!(
        "ok    {:<34} {:<52}",
        "create_app_id_token", "App ID authenticated, access token cached"
    );
    Ok(())
}
