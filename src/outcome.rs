//! How a failure found inside progenitor's hooks reaches the caller of `send()` as a typed
//! [`Error`].
//!
//! progenitor's hooks can only fail with its own error type (`pre`) or a `reqwest::Error`
//! (`exec`). So every public `send()` (build.rs wraps the generated one) gives the call a
//! [`Slot`] of its own, carried by the client handle the hooks see; a hook that fails parks
//! the typed error there and returns a placeholder that nobody reads, and `send()` returns the
//! parked error. Errors progenitor produces by itself (builder input, decoding) are mapped
//! here too. No strings are parsed back, no response is invented.

use std::sync::{Arc, Mutex};

use crate::error::{Error, invalid_builder_input, request_id_header, snippet};

/// Where the hooks of one call park its failure.
#[derive(Clone, Default)]
pub(crate) struct Slot(Arc<Mutex<Option<Error>>>);

impl Slot {
    fn park(&self, error: Error) {
        *self.0.lock().expect("slot lock") = Some(error);
    }

    fn take(&self) -> Option<Error> {
        self.0.lock().expect("slot lock").take()
    }
}

/// The result of a generated `send`, with the error typed: the parked one, else progenitor's.
pub(crate) fn finish<T, E>(slot: &Slot, result: Result<T, progenitor_client::Error<E>>) -> Result<T, Error> {
    result.map_err(|error| slot.take().unwrap_or_else(|| from_progenitor(error)))
}

/// Parks `error` for `send()` and returns what the `pre` hook returns instead.
pub(crate) fn fail_pre<E>(slot: Option<&Slot>, error: Error) -> progenitor_client::Error<E> {
    match slot {
        Some(slot) => {
            slot.park(error);
            progenitor_client::Error::Custom("see the parked error".into())
        }
        // Not called through a wrapped `send()` (cannot happen: the generated one is private).
        None => progenitor_client::Error::Custom(error.to_string()),
    }
}

/// Parks `error` for `send()` and returns what the `exec` hook returns instead: a request
/// builder error from `http` (a request with no URL), which is never shown.
pub(crate) fn fail_exec(slot: Option<&Slot>, http: &reqwest::Client, error: Error) -> reqwest::Error {
    if let Some(slot) = slot {
        slot.park(error);
    }
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
