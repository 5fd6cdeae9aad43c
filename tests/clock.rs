//! The client reads and waits on the clock it shares with the simulator: an hour-long back-off
//! or attempt timeout passes when the test moves the simulator's time, not in real time.
//! Each call is bounded by a real-time limit far below the hour, so a client that waited on
//! the real time fails the test instead of hanging.

use std::time::Duration;

use huaweicloud_meeting::simulator::{Fault, Simulator};
use huaweicloud_meeting::{DispatchError, Error, OffsetClock, RetryConfig};

const HOUR: Duration = Duration::from_secs(3600);
/// Far below the hour the call would wait on the real time.
const REAL_LIMIT: Duration = Duration::from_secs(20);

/// Waits (in real time, bounded) until the simulator has received `n` calls of `operation`.
async fn arrived(sim: &Simulator, operation: &str, n: usize) {
    tokio::time::timeout(REAL_LIMIT, async {
        while sim.count(operation) < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{operation} did not arrive {n} times"));
}

#[tokio::test]
async fn an_attempt_timeout_runs_out_when_the_simulator_s_time_moves() {
    let sim = Simulator::start().await.unwrap();
    let client = sim
        .client_builder()
        .timeout(HOUR)
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    client.authenticate().await.unwrap();
    sim.inject("search_meetings", Fault::Delay(2 * HOUR));
    let call = tokio::spawn(async move { client.search_meetings().send().await });
    // The attempt's deadline is fixed before the request leaves, so once the simulator has it
    // the advance passes the deadline.
    arrived(&sim, "search_meetings", 1).await;
    sim.advance(HOUR + Duration::from_secs(1));
    let error = tokio::time::timeout(REAL_LIMIT, call)
        .await
        .expect("timed out on the shared clock, not after an hour")
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&error, Error::Dispatch(DispatchError::TimedOut { after, earlier_attempts }) if *after == HOUR && earlier_attempts.is_empty()),
        "{error:?}"
    );
    assert!(error.is_timeout() && error.is_retryable(), "{error}");
}

#[tokio::test]
async fn a_back_off_passes_when_the_simulator_s_time_moves() {
    let sim = Simulator::start().await.unwrap();
    let client = sim
        .client_builder()
        .retry(RetryConfig::default().with_backoff(HOUR, HOUR).with_deadline(3 * HOUR))
        .build()
        .unwrap();
    client.authenticate().await.unwrap();
    sim.inject("search_meetings", Fault::Status(503));
    let call = tokio::spawn(async move { client.search_meetings().send().await });
    arrived(&sim, "search_meetings", 1).await;
    // The back-off is at most an hour (equal jitter: half to all of it).
    sim.advance(HOUR);
    let answer = tokio::time::timeout(REAL_LIMIT, call)
        .await
        .expect("the back-off ran on the shared clock, not for an hour")
        .unwrap();
    answer.unwrap();
    assert_eq!(sim.count("search_meetings"), 2);
}

#[tokio::test]
async fn a_cached_token_ages_with_the_simulator_s_time() {
    let sim = Simulator::builder().access_token_validity(HOUR).start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    client.authenticate().await.unwrap();
    // Expired on both sides: without the shared clock the client would present a token the
    // simulator refuses, then renew it (a 401 in the log).
    sim.advance(2 * HOUR);
    client.search_meetings().send().await.unwrap();
    assert_eq!(sim.count("create_app_id_token"), 2);
    assert!(
        sim.requests().iter().all(|r| r.status == 200),
        "renewed before the call, not after a refusal: {:?}",
        sim.requests()
    );
}

#[tokio::test]
async fn an_offset_clock_is_the_real_time_until_moved() {
    let clock = OffsetClock::new();
    assert_eq!(clock.offset(), Duration::ZERO);
    let other = clock.clone();
    other.advance(HOUR);
    assert_eq!(clock.offset(), HOUR, "clones move together");
}
