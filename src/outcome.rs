//! How a failure found inside progenitor's hooks reaches the caller of `send()` as a typed
//! [`Error`].
//!
//! progenitor's hooks can only fail with its own error type (`pre`) or a `reqwest::Error`
//! (`exec`). So every public `send()` (build.rs wraps the generated one) runs the call inside
//! a task-local slot; a hook that fails parks the typed error there and returns a placeholder
//! that nobody reads, and `send()` returns the parked error. Errors progenitor produces by
//! itself (builder input, decoding) are mapped here too. No strings are parsed back, no
//! response is invented.

use std::cell::Cell;
use std::future::Future;

use crate::error::{Error, invalid_builder_input, request_id_header, snippet};

tokio::task_local! {
    // Boxed: the slot is swapped in and out of thread-local storage on every poll.
    static PARKED: Cell<Option<Box<Error>>>;
}

/// Runs a generated `send` and returns its result with the error typed.
pub(crate) async fn run<T, E>(send: impl Future<Output = Result<T, progenitor_client::Error<E>>>) -> Result<T, Error> {
    let mut scoped = std::pin::pin!(PARKED.scope(Cell::new(None), send));
    let result = scoped.as_mut().await;
    result.map_err(|error| {
        let parked = scoped.as_mut().take_value().and_then(Cell::into_inner);
        parked.map_or_else(|| from_progenitor(error), |parked| *parked)
    })
}

/// Parks `error` for `send()` and returns what the `pre` hook returns instead.
pub(crate) fn fail_pre<E>(error: Error) -> progenitor_client::Error<E> {
    park(error);
    progenitor_client::Error::Custom("see the parked error".into())
}

/// Parks `error` for `send()` and returns what the `exec` hook returns instead: a request
/// builder error from `http` (a request with no URL), which is never shown.
pub(crate) fn fail_exec(http: &reqwest::Client, error: Error) -> reqwest::Error {
    park(error);
    http.request(reqwest::Method::GET, "")
        .build()
        .expect_err("a request without a URL cannot be built")
}

fn park(error: Error) {
    let parked = PARKED.try_with(|slot| slot.set(Some(Box::new(error))));
    debug_assert!(parked.is_ok(), "hooks run only inside outcome::run");
}

/// What progenitor's own errors mean (the hooks' errors never get here: they are parked).
fn from_progenitor<E>(error: progenitor_client::Error<E>) -> Error {
    use progenitor_client::Error as P;
    match error {
        P::InvalidRequest(message) => invalid_builder_input(&message),
        P::CommunicationError(e) if e.is_builder() => Error::InvalidInput {
            field: "request".into(),
            reason: crate::error::chain(&e),
        },
        P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => Error::from_transport(e),
        P::InvalidResponsePayload(bytes, source) => Error::Decode {
            snippet: snippet(&bytes),
            source,
        },
        P::UnexpectedResponse(response) => Error::UnexpectedResponse {
            status: response.status().as_u16(),
            request_id: request_id_header(response.headers()),
        },
        // The exec hook parks every error status; these arms are for completeness.
        P::ErrorResponse(response) => Error::UnexpectedResponse {
            status: response.status().as_u16(),
            request_id: request_id_header(response.headers()),
        },
        P::Custom(message) => Error::Config(message),
    }
}
