//! Outbound delivery: POSTs the simulator makes to URLs outside itself (the subscribers of
//! event push), sent by a task of their own, outside the service's lock, on the simulator's
//! clock: a delivery (or a retry) due after [`advance`](super::Simulator::advance) goes out
//! then. Handlers only queue them (`Context::deliver`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::clock::{Clock as _, OffsetClock};

/// One POST to make, with the waits before each retry after a failed attempt (a status other
/// than 2xx, or no answer).
#[derive(Clone, Debug)]
pub(crate) struct Delivery {
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) retries: Vec<Duration>,
}

/// What became of one attempt of a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub(crate) url: String,
    /// 1 for the first attempt.
    pub(crate) number: usize,
    /// The answer's status, or `None` when none came.
    pub(crate) status: Option<u16>,
}

struct Scheduled {
    delivery: Delivery,
    due: Instant,
    /// Attempts made so far.
    attempts: usize,
}

/// The queue of deliveries and the task that sends them.
pub(crate) struct Outbound {
    clock: OffsetClock,
    queue: Mutex<Vec<Scheduled>>,
    attempts: Mutex<Vec<Attempt>>,
    wake: Notify,
    stopped: Notify,
    http: reqwest::Client,
}

/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

impl Outbound {
    /// The queue, and its sending task on the current runtime (until `stop`).
    pub(crate) fn start(clock: OffsetClock) -> Arc<Self> {
        let outbound = Arc::new(Outbound {
            clock,
            queue: Mutex::new(Vec::new()),
            attempts: Mutex::new(Vec::new()),
            wake: Notify::new(),
            stopped: Notify::new(),
            // The library's TLS set-up (no process-wide crypto provider needed).
            http: crate::tls::http_client_builder(&[])
                .expect("the platform's roots load")
                .timeout(ATTEMPT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a plain HTTP client builds"),
        });
        tokio::spawn(run(outbound.clone()));
        outbound
    }

    /// Ends the sending task (what is still queued is not sent).
    pub(crate) fn stop(&self) {
        self.stopped.notify_one();
    }

    /// Queues deliveries to go out now.
    pub(crate) fn send(&self, deliveries: Vec<Delivery>) {
        if deliveries.is_empty() {
            return;
        }
        let due = self.clock.now();
        let mut queue = self.queue.lock().expect("outbound lock");
        queue.extend(deliveries.into_iter().map(|delivery| Scheduled {
            delivery,
            due,
            attempts: 0,
        }));
        drop(queue);
        self.wake.notify_one();
    }

    /// Every attempt made so far, in order.
    // Event push's tests and control endpoints read it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn attempts(&self) -> Vec<Attempt> {
        self.attempts.lock().expect("attempts lock").clone()
    }

    /// The deliveries due now (taken off the queue), and when the next one falls due.
    fn due(&self) -> (Vec<Scheduled>, Option<Instant>) {
        let now = self.clock.now();
        let mut queue = self.queue.lock().expect("outbound lock");
        let (due, later): (Vec<_>, Vec<_>) = queue.drain(..).partition(|s| s.due <= now);
        *queue = later;
        (due, queue.iter().map(|s| s.due).min())
    }

    /// Makes one attempt; a failed one is queued again after its wait, while waits remain.
    async fn attempt(&self, mut scheduled: Scheduled) {
        let delivery = &scheduled.delivery;
        let mut request = self.http.post(&delivery.url).body(delivery.body.clone());
        for (name, value) in &delivery.headers {
            request = request.header(name, value);
        }
        let status = request.send().await.ok().map(|r| r.status().as_u16());
        scheduled.attempts += 1;
        self.attempts.lock().expect("attempts lock").push(Attempt {
            url: delivery.url.clone(),
            number: scheduled.attempts,
            status,
        });
        let delivered = status.is_some_and(|s| (200..300).contains(&s));
        if let (false, Some(wait)) = (delivered, delivery.retries.get(scheduled.attempts - 1)) {
            scheduled.due = self.clock.now() + *wait;
            self.queue.lock().expect("outbound lock").push(scheduled);
        }
    }
}

/// Sends what is due, then sleeps until the next delivery falls due (on the simulator's clock,
/// so an advance wakes it) or a new one is queued; ends on `stop`.
async fn run(outbound: Arc<Outbound>) {
    loop {
        let (due, next) = outbound.due();
        if !due.is_empty() {
            for scheduled in due {
                outbound.attempt(scheduled).await;
            }
            continue;
        }
        let sleep = async {
            match next {
                Some(at) => outbound.clock.sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = sleep => {}
            () = outbound.wake.notified() => {}
            () = outbound.stopped.notified() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A receiver on 127.0.0.1 that answers 503 to its first POST and 200 after, counting
    /// what arrives.
    async fn receiver() -> (String, Arc<AtomicUsize>, Arc<Mutex<Vec<Vec<u8>>>>) {
        let count = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (c, b) = (count.clone(), bodies.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |body: axum::body::Bytes| {
                let (c, b) = (c.clone(), b.clone());
                async move {
                    b.lock().unwrap().push(body.to_vec());
                    if c.fetch_add(1, Ordering::SeqCst) == 0 {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        axum::http::StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, count, bodies)
    }

    /// Waits (bounded) until `attempts` attempts were made.
    async fn until_attempts(outbound: &Outbound, attempts: usize) -> Vec<Attempt> {
        for _ in 0..500 {
            let made = outbound.attempts();
            if made.len() >= attempts {
                return made;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("only {:?} after 5 s", outbound.attempts());
    }

    #[tokio::test]
    async fn a_failed_delivery_is_retried_when_the_clock_reaches_its_wait() {
        let (url, count, bodies) = receiver().await;
        let clock = OffsetClock::new();
        let outbound = Outbound::start(clock.clone());
        outbound.send(vec![Delivery {
            url: url.clone(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"event":"meeting.started"}"#.to_vec(),
            retries: vec![Duration::from_secs(60), Duration::from_secs(600)],
        }]);
        let first = until_attempts(&outbound, 1).await;
        assert_eq!(first[0].status, Some(503));
        // The retry waits a minute of the simulator's clock: not before.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(count.load(Ordering::SeqCst), 1);
        clock.advance(Duration::from_secs(61));
        let made = until_attempts(&outbound, 2).await;
        assert_eq!(
            made[1],
            Attempt {
                url,
                number: 2,
                status: Some(200)
            }
        );
        // Delivered: no third attempt, whatever time passes.
        clock.advance(Duration::from_secs(3600));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(outbound.attempts().len(), 2);
        assert_eq!(bodies.lock().unwrap()[1], br#"{"event":"meeting.started"}"#);
    }

    #[tokio::test]
    async fn an_unreachable_receiver_gets_its_retries_and_no_more() {
        // A port nothing listens on: bound, then closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let clock = OffsetClock::new();
        let outbound = Outbound::start(clock.clone());
        outbound.send(vec![Delivery {
            url: format!("http://127.0.0.1:{port}/hook"),
            headers: Vec::new(),
            body: Vec::new(),
            retries: vec![Duration::from_secs(1)],
        }]);
        until_attempts(&outbound, 1).await;
        clock.advance(Duration::from_secs(2));
        let made = until_attempts(&outbound, 2).await;
        assert!(made.iter().all(|a| a.status.is_none()), "{made:?}");
        clock.advance(Duration::from_secs(3600));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(outbound.attempts().len(), 2);
    }
}
