//! Benchmarks, side by side in one run:
//! - client overhead: this library (the call pipeline: validation, token injection, retries on) against
//!   hand-written raw reqwest doing the identical request with a fixed token, for a request
//!   with a query, one with a JSON body and one with a JSON array response, at concurrency 1
//!   and 64, against a minimal server in a separate process (so the CPU time measured is the
//!   client's alone);
//! - token stampede: 1,000 concurrent calls on a cold and on an expired token;
//! - the simulator's own throughput for a read and a write at concurrency 64.
//!
//! `cargo bench --bench overhead` prints the figures (medians over rounds, and ratios).
//! Without `--bench` (as `cargo test --benches` runs it) it is a quick smoke run that checks
//! nothing about speed.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{ConferenceInfo, RestListConfResponse, StartMeetingResponse, StartRequest};
use huaweicloud_meeting::{Client, Credentials, RetryConfig};
use serde_json::json;

const TOKEN: &str = "stbBenchmarkFixedAccessToken0123456789";

struct Settings {
    rounds: usize,
    requests_serial: usize,
    requests_concurrent: usize,
    stampede: usize,
    sim_requests: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        serve();
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        // `--profile raw|library|unchecked query|body|array N`: only those calls, for a profiler
        // (e.g. valgrind --tool=callgrind) to count the client's instructions.
        let scenario = match args[at + 2].as_str() {
            "query" => Scenario::Query,
            "body" => Scenario::JsonBody,
            _ => Scenario::ArrayResponse,
        };
        let n: usize = args[at + 3].parse().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(profile(&args[at + 1], scenario, n));
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let settings = if full {
        Settings {
            rounds: 9,
            requests_serial: 5_000,
            requests_concurrent: 20_000,
            stampede: 1_000,
            sim_requests: 20_000,
        }
    } else {
        Settings {
            rounds: 2,
            requests_serial: 50,
            requests_concurrent: 200,
            stampede: 100,
            sim_requests: 200,
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        println!(
            "# huaweicloud-meeting benchmarks ({})",
            if full { "full" } else { "quick smoke run" }
        );
        overhead(&settings).await;
        stampede(&settings).await;
        simulator_throughput(&settings).await;
    });
}

// ---------------------------------------------------------------- canned server (child)

/// A minimal HTTP server answering canned bodies; prints its port and serves until stdin closes.
fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let meeting = json!({"conferenceID": "914000001", "subject": "Quarterly review", "mediaTypes": "HDVideo,Data,Voice",
            "startTime": "2030-01-01 08:00", "endTime": "2030-01-01 09:00", "conferenceState": "Schedule",
            "passwordEntry": [{"conferenceRole": "chair", "password": "123456"}, {"conferenceRole": "general", "password": "654321"}],
            "confConfigInfo": {"isSendNotify": true, "callInRestriction": 0}});
        let list: &'static str = Box::leak(json!({"offset": 0, "limit": 20, "count": 3, "data": [meeting, meeting, meeting]}).to_string().into_boxed_str());
        let array: &'static str = Box::leak(json!([meeting]).to_string().into_boxed_str());
        let start: &'static str = Box::leak(json!({"uuid": "x", "regionIP": "127.0.0.1"}).to_string().into_boxed_str());
        let canned = |body: &'static str| move || async move { ([("content-type", "application/json;charset=UTF-8")], body) };
        let app = axum::Router::new()
            .route("/v1/mmc/management/conferences", axum::routing::get(canned(list)).post(canned(array)))
            .route("/v1/mmc/management/conferences/start", axum::routing::post(canned(start)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        std::io::stdout().flush().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        // Stop when the parent closes our stdin (or dies).
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await
        .unwrap();
    });
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Server {
            child,
            base: format!("http://127.0.0.1:{}", line.trim()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- measurement

/// CPU time (user + system) this process used so far.
fn cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

struct Round {
    cpu_per_request: Duration,
    requests_per_second: f64,
}

/// Runs `requests` calls of `call` with `concurrency` tasks.
async fn round<F, Fut>(requests: usize, concurrency: usize, call: Arc<F>) -> Round
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let cpu = cpu_time();
    let wall = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|t| {
            let call = call.clone();
            let n = requests / concurrency + usize::from(t < requests % concurrency);
            tokio::spawn(async move {
                for _ in 0..n {
                    call().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let wall = wall.elapsed();
    Round {
        cpu_per_request: (cpu_time() - cpu) / requests as u32,
        requests_per_second: requests as f64 / wall.as_secs_f64(),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

#[derive(Clone, Copy)]
enum Scenario {
    Query,
    JsonBody,
    ArrayResponse,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Query => "GET with query (search_meetings)",
            Scenario::JsonBody => "POST JSON body (start_meeting)",
            Scenario::ArrayResponse => "JSON array response (create_meeting)",
        }
    }
}

async fn library_call(client: &Client, scenario: Scenario) {
    match scenario {
        Scenario::Query => {
            let page = client.search_meetings().offset(0).limit(20).send().await.unwrap();
            assert_eq!(page.count, Some(3));
        }
        Scenario::JsonBody => {
            let body = StartRequest::builder().conference_id("914000001").password("123456");
            let started = client.start_meeting().body(body).send().await.unwrap();
            assert!(started.region_ip.is_some());
        }
        Scenario::ArrayResponse => {
            let body = huaweicloud_meeting::types::RestScheduleConfDto::builder()
                .subject("Quarterly review".to_owned())
                .media_types("HDVideo")
                .start_time("2030-01-01 08:00".to_owned())
                .length(60);
            let created = client.create_meeting().body(body).send().await.unwrap();
            assert_eq!(created.len(), 1);
        }
    }
}

/// The same requests written by hand with reqwest: same URL, query, headers, body, and
/// decoding into the same types.
async fn raw_call(http: &reqwest::Client, base: &str, scenario: Scenario) {
    match scenario {
        Scenario::Query => {
            let page: RestListConfResponse = http
                .get(format!("{base}/v1/mmc/management/conferences"))
                .query(&[("offset", "0"), ("limit", "20")])
                .header("x-access-token", TOKEN)
                .header("accept", "application/json")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(page.count, Some(3));
        }
        Scenario::JsonBody => {
            let started: StartMeetingResponse = http
                .post(format!("{base}/v1/mmc/management/conferences/start"))
                .header("x-access-token", TOKEN)
                .header("accept", "application/json")
                .json(&json!({"conferenceID": "914000001", "password": "123456"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(started.region_ip.is_some());
        }
        Scenario::ArrayResponse => {
            let created: Vec<ConferenceInfo> = http
                .post(format!("{base}/v1/mmc/management/conferences"))
                .header("x-access-token", TOKEN)
                .header("accept", "application/json")
                .json(&json!({"subject": "Quarterly review", "mediaTypes": "HDVideo", "startTime": "2030-01-01 08:00", "length": 60}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(created.len(), 1);
        }
    }
}

/// Raw reqwest with the library's default timeouts.
fn raw_client() -> reqwest::Client {
    // reqwest is built without a crypto provider of its own (the library picks ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .user_agent("huaweicloud-meeting-rust/0.1.0")
        .build()
        .unwrap()
}

/// The library with a fixed token (so no authentication call), retries on.
fn library_client(base: &str, validate: bool) -> Client {
    Client::builder()
        .endpoint(base)
        .credentials(Credentials::access_token(TOKEN))
        .retry(RetryConfig::default())
        .validate_requests(validate)
        .build()
        .unwrap()
}

async fn profile(which: &str, scenario: Scenario, n: usize) {
    let server = Server::start();
    let http = raw_client();
    let library = library_client(&server.base, which != "unchecked");
    for _ in 0..n {
        if which == "raw" {
            raw_call(&http, &server.base, scenario).await;
        } else {
            library_call(&library, scenario).await;
        }
    }
}

async fn overhead(settings: &Settings) {
    let server = Server::start();
    let http = raw_client();
    let checked = library_client(&server.base, true);
    let unchecked = library_client(&server.base, false);
    println!(
        "\n## Client overhead: library vs raw reqwest (medians of {} rounds)\n",
        settings.rounds
    );
    println!("CPU time per request is the client process's (the server runs in another process).");
    println!("\"library\" validates every request against the spec; \"unchecked\" is `validate_requests(false)`.\n");
    println!(
        "| request | concurrency | raw CPU/req | library CPU/req (ratio) | unchecked CPU/req (ratio) | raw req/s | library req/s (ratio) | unchecked req/s (ratio) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for scenario in [Scenario::Query, Scenario::JsonBody, Scenario::ArrayResponse] {
        for concurrency in [1, 64] {
            let requests = if concurrency == 1 {
                settings.requests_serial
            } else {
                settings.requests_concurrent
            };
            let raw = {
                let (http, base) = (http.clone(), server.base.clone());
                Arc::new(move || {
                    let (http, base) = (http.clone(), base.clone());
                    async move { raw_call(&http, &base, scenario).await }
                })
            };
            let lib = |client: &Client| {
                let client = client.clone();
                Arc::new(move || {
                    let client = client.clone();
                    async move { library_call(&client, scenario).await }
                })
            };
            let (lib, unlib) = (lib(&checked), lib(&unchecked));
            // Warm up connections, then alternate the clients' rounds so drift hits all three.
            round(requests / 10 + 1, concurrency, raw.clone()).await;
            round(requests / 10 + 1, concurrency, lib.clone()).await;
            round(requests / 10 + 1, concurrency, unlib.clone()).await;
            let mut samples = [(vec![], vec![]), (vec![], vec![]), (vec![], vec![])];
            for _ in 0..settings.rounds {
                for (i, r) in [
                    round(requests, concurrency, raw.clone()).await,
                    round(requests, concurrency, lib.clone()).await,
                    round(requests, concurrency, unlib.clone()).await,
                ]
                .into_iter()
                .enumerate()
                {
                    samples[i].0.push(r.cpu_per_request.as_secs_f64() * 1e6);
                    samples[i].1.push(r.requests_per_second);
                }
            }
            let [raw_s, lib_s, unlib_s] = samples.map(|(cpu, rps)| (median(cpu), median(rps)));
            println!(
                "| {} | {concurrency} | {:.1} µs | {:.1} µs ({:.3}) | {:.1} µs ({:.3}) | {:.0} | {:.0} ({:.3}) | {:.0} ({:.3}) |",
                scenario.name(),
                raw_s.0,
                lib_s.0,
                lib_s.0 / raw_s.0,
                unlib_s.0,
                unlib_s.0 / raw_s.0,
                raw_s.1,
                lib_s.1,
                lib_s.1 / raw_s.1,
                unlib_s.1,
                unlib_s.1 / raw_s.1,
            );
        }
    }
}

/// `calls` concurrent `search_corp_vmr` calls; the wall time until all are answered.
async fn fire(client: &Client, calls: usize) -> Duration {
    let t = Instant::now();
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.search_corp_vmr().send().await.unwrap() })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    t.elapsed()
}

async fn stampede(settings: &Settings) {
    let calls = settings.stampede;
    println!(
        "\n## Token stampede: {calls} concurrent calls (simulator, search_corp_vmr; medians of {} runs)\n",
        settings.rounds
    );
    println!("Cold: a new client (empty connection pool, no token) against the same calls from a new client holding a");
    println!("valid token. Expired: the token is revoked by the service, so every call is rejected once and replayed");
    println!("after the one renewal; compared with the same client once renewed.\n");
    println!("| token | authentication requests | wall time | baseline | added | one authentication round trip |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let sim = Simulator::builder().start().await.unwrap();
    // Warm-up: the simulator's and the client's one-time set-up (validators) is not measured.
    let probe = sim.client_builder().build().unwrap();
    probe.search_corp_vmr().send().await.unwrap();
    let (mut auth_rtt, mut cold, mut cold_base, mut expired, mut expired_base) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..settings.rounds {
        let fresh = sim.client_builder().build().unwrap();
        let t = Instant::now();
        fresh.authenticate().await.unwrap();
        auth_rtt.push(t.elapsed().as_secs_f64() * 1e3);
        let token = sim.issued_tokens().pop().unwrap();
        let fixed = sim
            .client_builder()
            .credentials(Credentials::access_token(token))
            .build()
            .unwrap();
        cold_base.push(fire(&fixed, calls).await.as_secs_f64() * 1e3);

        sim.clear_log();
        let client = sim.client_builder().build().unwrap();
        cold.push(fire(&client, calls).await.as_secs_f64() * 1e3);
        assert_eq!(sim.count("create_app_id_token"), 1, "single flight on a cold token");

        sim.expire_access_tokens();
        sim.clear_log();
        expired.push(fire(&client, calls).await.as_secs_f64() * 1e3);
        assert_eq!(sim.count("create_app_id_token"), 1, "single flight on an expired token");
        expired_base.push(fire(&client, calls).await.as_secs_f64() * 1e3);
    }
    let rtt = median(auth_rtt);
    for (name, wall, base) in [
        ("cold (none yet)", median(cold), median(cold_base)),
        ("expired (revoked, renewed)", median(expired), median(expired_base)),
    ] {
        println!(
            "| {name} | 1 | {wall:.1} ms | {base:.1} ms | {:.1} ms | {rtt:.1} ms |",
            wall - base
        );
    }
}

async fn simulator_throughput(settings: &Settings) {
    let sim = Simulator::builder().start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    client.authenticate().await.unwrap();
    println!(
        "\n## Simulator throughput, concurrency 64 ({} requests, through this client)\n",
        settings.sim_requests
    );
    println!("| operation | requests/s |");
    println!("| --- | --- |");
    let read = {
        let client = client.clone();
        Arc::new(move || {
            let client = client.clone();
            async move {
                client.search_corp_vmr().limit(10).send().await.unwrap();
            }
        })
    };
    let write = {
        let client = client.clone();
        Arc::new(move || {
            let client = client.clone();
            async move {
                let body = huaweicloud_meeting::types::RestScheduleConfDto::builder()
                    .media_types("Voice")
                    .start_time("2030-01-01 08:00".to_owned());
                client.create_meeting().body(body).send().await.unwrap();
            }
        })
    };
    let r = round(settings.sim_requests, 64, read).await;
    println!("| read (search_corp_vmr) | {:.0} |", r.requests_per_second);
    let w = round(settings.sim_requests, 64, write).await;
    println!("| write (create_meeting) | {:.0} |", w.requests_per_second);
}
