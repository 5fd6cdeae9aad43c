//! Runs the Meeting service simulator until interrupted.
//!
//! ```text
//! cargo run --features simulator --bin meeting-simulator -- --listen 127.0.0.1:8443 --tls \
//!     --app-id ID [--account NAME] [--member USER_ID]... [--rooms N] [--webinar-rooms N] \
//!     [--ca-out FILE] \
//!     [--corp-id ID] [--enterprise ID]... [--sp-account NAME]
//! ```
//!
//! The app key and the passwords come from `MEETING_SIMULATOR_APP_KEY`,
//! `MEETING_SIMULATOR_PASSWORD` and `MEETING_SIMULATOR_SP_PASSWORD` (or `--app-key`,
//! `--password`, `--sp-password`, visible to every user of the machine in the process list).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use huaweicloud_meeting::simulator::{DEFAULT_ROOMS, DEFAULT_WEBINAR_ROOMS, Simulator};

/// A local simulator of the Huawei Cloud Meeting service.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// Serve HTTPS with a certificate generated at start.
    #[arg(long)]
    tls: bool,
    /// App ID the enterprise accepts.
    #[arg(long)]
    app_id: String,
    /// App key of that App ID. Prefer the environment variable: a value on the command line
    /// is visible to every user of the machine.
    #[arg(long, env = "MEETING_SIMULATOR_APP_KEY", hide_env_values = true)]
    app_key: String,
    /// Account for account/password authentication.
    #[arg(long, requires = "password")]
    account: Option<String>,
    /// Password of --account. Prefer the environment variable: a value on the command line
    /// is visible to every user of the machine.
    #[arg(
        long,
        requires = "account",
        env = "MEETING_SIMULATOR_PASSWORD",
        hide_env_values = true
    )]
    password: Option<String>,
    /// Member of the enterprise (third-party user ID); repeatable.
    #[arg(long = "member")]
    members: Vec<String>,
    /// Number of cloud meeting rooms.
    #[arg(long, default_value_t = DEFAULT_ROOMS)]
    rooms: usize,
    /// Number of webinar rooms (`vmrMode` 2), where webinars are held.
    #[arg(long, default_value_t = DEFAULT_WEBINAR_ROOMS)]
    webinar_rooms: usize,
    /// ID of the default enterprise (where the App ID without a corp ID, --account and the
    /// members act).
    #[arg(long, default_value = huaweicloud_meeting::simulator::DEFAULT_CORP)]
    corp_id: String,
    /// Another enterprise, with its own directory, rooms, meetings and recordings; repeatable.
    #[arg(long = "enterprise")]
    enterprises: Vec<String>,
    /// The SP administrator's account: the App ID becomes multi-tenant (signed with a corp
    /// ID it acts in that enterprise).
    #[arg(long, requires = "sp_password")]
    sp_account: Option<String>,
    /// Password of --sp-account. Prefer the environment variable.
    #[arg(
        long,
        requires = "sp_account",
        env = "MEETING_SIMULATOR_SP_PASSWORD",
        hide_env_values = true
    )]
    sp_password: Option<String>,
    /// The enterprises do not let guests invite hardware terminals with the guest password
    /// (invite_with_pwd is then refused unless given the host password).
    #[arg(long)]
    no_guest_invites: bool,
    /// Write the PEM of the CA that signed the HTTPS certificate to this file.
    #[arg(long, requires = "tls")]
    ca_out: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut builder = Simulator::builder()
        .listen(args.listen)
        .tls(args.tls)
        .app(args.app_id, args.app_key)
        .rooms(args.rooms)
        .webinar_rooms(args.webinar_rooms)
        .guests_invite_terminals(!args.no_guest_invites)
        .corp_id(args.corp_id);
    for corp_id in args.enterprises {
        builder = builder.enterprise(corp_id);
    }
    if let (Some(account), Some(password)) = (args.sp_account, args.sp_password) {
        builder = builder.sp_account(account, password);
    }
    if let (Some(account), Some(password)) = (args.account, args.password) {
        builder = builder.account(account, password);
    }
    if !args.members.is_empty() {
        builder = builder.members(args.members);
    }
    let sim = builder.start().await?;
    if let (Some(path), Some(pem)) = (&args.ca_out, sim.ca_certificate_pem()) {
        std::fs::write(path, pem)?;
    }
    println!("listening on {}", sim.base_url());
    tokio::signal::ctrl_c().await?;
    sim.shutdown();
    // Give calls in progress their second to finish.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    eprintln!("stopped");
    Ok(())
}
