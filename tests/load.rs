//! 10,000 calls from 256 concurrent tasks through one client while access tokens expire
//! every two seconds: every call succeeds, tokens are renewed once per expiry (never used
//! after expiry), and memory stays flat. Loopback only, bounded in count and time.

use std::time::{Duration, Instant};

use huaweicloud_meeting::simulator::Simulator;

const CALLS: usize = 10_000;
const TASKS: usize = 256;
const VALIDITY: Duration = Duration::from_secs(2);

/// Resident set size of this process, in KiB.
fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

async fn run(client: &huaweicloud_meeting::Client, calls: usize) -> Vec<Result<(), huaweicloud_meeting::Error>> {
    let per_task = calls / TASKS;
    let extra = calls % TASKS;
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let client = client.clone();
            let n = per_task + usize::from(t < extra);
            tokio::spawn(async move {
                let mut results = Vec::with_capacity(n);
                for _ in 0..n {
                    results.push(client.search_corp_vmr().limit(5).send().await.map(|_| ()));
                }
                results
            })
        })
        .collect();
    let mut results = Vec::with_capacity(calls);
    for task in tasks {
        results.extend(task.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_with_expiring_tokens() {
    let sim = Simulator::builder()
        .access_token_validity(VALIDITY)
        .start()
        .await
        .unwrap();
    let client = sim.client_builder().build().unwrap();
    let test = async {
        let started = Instant::now();
        // Warm-up: a fifth of the calls, then measure memory over the rest.
        let warm = run(&client, CALLS / 5).await;
        let rss_before = rss_kib();
        let rest = run(&client, CALLS - CALLS / 5).await;
        let rss_after = rss_kib();
        (
            started.elapsed(),
            warm.into_iter().chain(rest).collect::<Vec<_>>(),
            rss_before,
            rss_after,
        )
    };
    let (elapsed, results, rss_before, rss_after) = tokio::time::timeout(Duration::from_secs(300), test)
        .await
        .expect("the load test stops by itself");

    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(results.len(), CALLS);
    assert!(
        failures.is_empty(),
        "{} calls failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    let log = sim.requests();
    let calls: Vec<_> = log.iter().filter(|r| r.operation == "search_corp_vmr").collect();
    assert_eq!(
        calls.iter().filter(|r| r.status == 200).count(),
        CALLS,
        "each call was answered once"
    );
    // Renewal happens before expiry; on a loaded machine a call can still wait in a queue past
    // its token's expiry: it is rejected unprocessed and replayed once with the new token.
    let rejected = calls.iter().filter(|r| r.status == 401).count();
    assert_eq!(calls.len(), CALLS + rejected, "only rejected calls were sent again");
    assert!(
        rejected < CALLS / 20,
        "{rejected} calls presented an expired token: renewal is not ahead of expiry"
    );

    // One authentication per token lifetime: renewal is single-flight and happens before
    // expiry. The lifetime the client sees is 1 to 2 s (expireTime has second resolution).
    let auths = sim.count("create_app_id_token") as f64;
    let ceiling = elapsed.as_secs_f64() / 0.9 + 1.0;
    let floor = elapsed.as_secs_f64() / VALIDITY.as_secs_f64();
    assert!(
        auths >= floor.floor() && auths <= ceiling,
        "{auths} authentications in {elapsed:?}"
    );

    let growth_kib = rss_after.saturating_sub(rss_before);
    assert!(
        growth_kib < 32 * 1024,
        "memory grew by {growth_kib} KiB over {} calls",
        CALLS - CALLS / 5
    );
    println!("{CALLS} calls in {elapsed:?}, {auths} authentications, RSS {rss_before} -> {rss_after} KiB");
}
