//! A single-flight token cache: any number of callers that find the token missing or due
//! for renewal share one fetch.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use futures::future::{BoxFuture, Shared};
use reqwest::header::HeaderValue;

use crate::error::TokenError;

/// A token and when to renew it.
#[derive(Debug)]
pub(crate) struct Token {
    /// Header value, marked sensitive so reqwest's Debug hides it.
    pub(crate) value: HeaderValue,
    renew_at: Instant,
}

impl Token {
    /// A token valid for `lifetime` from `now`; renewed a margin before it expires
    /// (a tenth of its lifetime, at most five minutes).
    pub(crate) fn new(value: &str, lifetime: Duration, now: Instant) -> Result<Self, String> {
        let mut value = HeaderValue::from_str(value).map_err(|_| "the token is not a valid header value".to_owned())?;
        value.set_sensitive(true);
        let margin = (lifetime / 10).min(Duration::from_secs(300));
        Ok(Token {
            value,
            renew_at: now + lifetime.saturating_sub(margin),
        })
    }

    fn is_fresh(&self, now: Instant) -> bool {
        now < self.renew_at
    }
}

/// A token, or why it could not be obtained (shared by every caller that waited for it).
pub(crate) type FetchResult = Result<Arc<Token>, TokenError>;
type InFlight = Shared<BoxFuture<'static, FetchResult>>;

#[derive(Default)]
struct State {
    current: Option<Arc<Token>>,
    in_flight: Option<(u64, InFlight)>,
    generation: u64,
}

/// Holds at most one token and at most one fetch in flight.
#[derive(Default)]
pub(crate) struct TokenCache {
    state: Mutex<State>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCache { .. }")
    }
}

impl TokenCache {
    /// The current token if it is fresh at `now`, or the result of the one fetch every waiting
    /// caller shares.
    pub(crate) async fn get(
        &self,
        now: Instant,
        fetch: impl FnOnce() -> BoxFuture<'static, FetchResult>,
    ) -> FetchResult {
        let (generation, in_flight) = {
            let mut state = self.state.lock().expect("token cache lock");
            if let Some(token) = state.current.as_ref().filter(|t| t.is_fresh(now)) {
                return Ok(token.clone());
            }
            match &state.in_flight {
                Some((generation, in_flight)) => (*generation, in_flight.clone()),
                None => {
                    state.generation += 1;
                    let in_flight = fetch().shared();
                    state.in_flight = Some((state.generation, in_flight.clone()));
                    (state.generation, in_flight)
                }
            }
        };
        let result = in_flight.await;
        let mut state = self.state.lock().expect("token cache lock");
        if state.in_flight.as_ref().is_some_and(|(g, _)| *g == generation) {
            state.in_flight = None;
            if let Ok(token) = &result {
                state.current = Some(token.clone());
            }
        }
        result
    }

    /// The token held, fresh or not.
    pub(crate) fn current(&self) -> Option<Arc<Token>> {
        self.state.lock().expect("token cache lock").current.clone()
    }

    /// Holds `renewed` instead of `presented` (the service renewed it), unless `presented` was
    /// already replaced by another token.
    pub(crate) fn replace(&self, presented: &HeaderValue, renewed: Arc<Token>) {
        let mut state = self.state.lock().expect("token cache lock");
        if state.current.as_ref().is_some_and(|t| t.value == presented) {
            state.current = Some(renewed);
        }
    }

    /// Forgets `rejected` (the service said it is invalid) unless it was already replaced,
    /// so concurrent rejections of one token cause one renewal.
    pub(crate) fn invalidate(&self, rejected: &HeaderValue) {
        let mut state = self.state.lock().expect("token cache lock");
        if state.current.as_ref().is_some_and(|t| t.value == rejected) {
            state.current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Fetches `token-<n>`, issued at `issued`; slow enough for callers to pile up on it.
    fn fetcher(
        calls: Arc<AtomicUsize>,
        lifetime: Duration,
        issued: Instant,
    ) -> impl FnOnce() -> BoxFuture<'static, FetchResult> {
        move || {
            async move {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok(Arc::new(Token::new(&format!("token-{n}"), lifetime, issued).unwrap()))
            }
            .boxed()
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let (cache, calls) = (cache.clone(), calls.clone());
                let now = Instant::now();
                tokio::spawn(async move {
                    cache
                        .get(now, fetcher(calls, Duration::from_secs(60), now))
                        .await
                        .unwrap()
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().value, "token-0");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidation_of_the_current_token_causes_one_renewal() {
        let cache = TokenCache::default();
        let now = Instant::now();
        let calls = Arc::new(AtomicUsize::new(0));
        let first = cache
            .get(now, fetcher(calls.clone(), Duration::from_secs(60), now))
            .await
            .unwrap();
        cache.invalidate(&first.value);
        let second = cache
            .get(now, fetcher(calls.clone(), Duration::from_secs(60), now))
            .await
            .unwrap();
        assert_eq!(second.value, "token-1");
        // A late rejection of the old token does not throw away the new one.
        cache.invalidate(&first.value);
        let third = cache
            .get(now, fetcher(calls.clone(), Duration::from_secs(60), now))
            .await
            .unwrap();
        assert_eq!(third.value, "token-1");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn token_is_renewed_before_it_expires() {
        let cache = TokenCache::default();
        let calls = Arc::new(AtomicUsize::new(0));
        // Lifetime 2 s: renewal is due after 1.8 s, not at expiry.
        let lifetime = Duration::from_secs(2);
        let issued = Instant::now();
        let at = |millis| issued + Duration::from_millis(millis);
        cache
            .get(issued, fetcher(calls.clone(), lifetime, issued))
            .await
            .unwrap();
        let kept = cache
            .get(at(1790), fetcher(calls.clone(), lifetime, at(1790)))
            .await
            .unwrap();
        assert_eq!(
            (kept.value.to_str().unwrap(), calls.load(Ordering::SeqCst)),
            ("token-0", 1)
        );
        let renewed = cache
            .get(at(1810), fetcher(calls.clone(), lifetime, at(1810)))
            .await
            .unwrap();
        assert_eq!(renewed.value, "token-1");
    }
}
