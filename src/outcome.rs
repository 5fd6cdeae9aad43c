//! How a failure found inside progenitor's hooks reaches the caller of `send()` as a typed
//! [`Error`].
//!
//! progenitor's hooks can only fail with its own error type (`pre`) or a `reqwest::Error`
//! (`exec`). So every public `send()` (build.rs wraps the generated one) gives the call a
//! [`Slot`] on its own stack and polls the generated future through [`WithSlot`], which makes
//! the slot the current one (scoped thread-local) for the duration of each poll; a hook that
//! fails parks the typed error there and returns a placeholder that nobody reads, and `send()`
//! returns the parked error. Errors progenitor produces by itself (builder input, decoding) are
//! mapped here too. No strings are parsed back, no response is invented.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use crate::error::{Error, invalid_builder_input, request_id_header, snippet};

scoped_tls::scoped_thread_local!(static CURRENT: Slot);

/// Where the hooks of one call park its failure.
#[derive(Default)]
pub(crate) struct Slot(Mutex<Option<Error>>);

/// Polls `call` with `slot` as the current slot.
pub(crate) struct WithSlot<'a, F> {
    pub(crate) slot: &'a Slot,
    pub(crate) call: Pin<&'a mut F>,
}

impl<F: Future> Future for WithSlot<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        CURRENT.set(this.slot, || this.call.as_mut().poll(cx))
    }
}

/// The result of a generated `send`, with the error typed: the parked one, else progenitor's.
pub(crate) fn finish<T, E>(slot: &Slot, result: Result<T, progenitor_client::Error<E>>) -> Result<T, Error> {
    result.map_err(|error| {
        let parked = slot.0.lock().expect("slot lock").take();
        parked.unwrap_or_else(|| from_progenitor(error))
    })
}

fn park(error: Error) -> Option<Error> {
    if CURRENT.is_set() {
        CURRENT.with(|slot| *slot.0.lock().expect("slot lock") = Some(error));
        None
    } else {
        // Not called through a wrapped `send()` (cannot happen: the generated one is private).
        Some(error)
    }
}

/// Parks `error` for `send()` and returns what the `pre` hook returns instead.
pub(crate) fn fail_pre<E>(error: Error) -> progenitor_client::Error<E> {
    match park(error) {
        None => progenitor_client::Error::Custom("see the parked error".into()),
        Some(error) => progenitor_client::Error::Custom(error.to_string()),
    }
}

/// Parks `error` for `send()` and returns what the `exec` hook returns instead: a request
/// builder error from `http` (a request with no URL), which is never shown.
pub(crate) fn fail_exec(http: &reqwest::Client, error: Error) -> reqwest::Error {
    park(error);
    http.request(reqwest::Method::GET, "")
        .build()
        .expect_err("a request without a URL cannot be built")
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
