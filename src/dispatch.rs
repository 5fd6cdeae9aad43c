//! The runtime half of `Client::call` (the generated dispatcher): JSON parameters and bodies
//! turned into the typed builder's values, with errors that name what is wrong.

use progenitor_client::ResponseValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Error;

/// The parameters of one call, consumed as the dispatcher sets them.
pub(crate) struct Params {
    operation: String,
    values: Map<String, Value>,
    known: Vec<&'static str>,
}

impl Params {
    pub(crate) fn new(operation: &str, values: Map<String, Value>) -> Self {
        Params {
            operation: operation.to_owned(),
            values,
            known: Vec::new(),
        }
    }

    /// A required parameter's value.
    // A build with only the authentication operations calls none with a required parameter.
    #[cfg_attr(not(feature = "meetings"), allow(dead_code))]
    pub(crate) fn required<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, Error> {
        let operation = self.operation.clone();
        self.optional(name)?.ok_or_else(|| Error::InvalidInput {
            field: format!("parameter `{name}`"),
            reason: format!("is required by `{operation}` but was not given"),
        })
    }

    /// An optional parameter's value; `null` is the same as absent.
    pub(crate) fn optional<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Option<T>, Error> {
        self.known.push(name);
        match self.values.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => lenient(value).map(Some).map_err(|reason| Error::InvalidInput {
                field: format!("parameter `{name}`"),
                reason,
            }),
        }
    }

    /// The request body, which the operation requires.
    pub(crate) fn body<T: DeserializeOwned>(&self, body: Option<Value>) -> Result<T, Error> {
        let body = body.ok_or_else(|| Error::InvalidInput {
            field: "body".into(),
            reason: format!("is required by `{}` but was not given", self.operation),
        })?;
        let mut body = body;
        // The spec's rules first, so fields are named as for a typed call; a key the spec
        // does not know first of all (a typo of an optional field would be lost otherwise).
        if let Some(op) = crate::operations::operation(&self.operation) {
            let invalid = |v: crate::validate::Violation| Error::InvalidInput {
                field: v.field,
                reason: v.reason,
            };
            crate::validate::check_unknown_fields(op, &body).map_err(invalid)?;
            crate::validate::check_body(op, &mut body).map_err(|v| Error::InvalidInput {
                field: v.field,
                reason: v.reason,
            })?;
        }
        serde_path_to_error::deserialize(body).map_err(|e| {
            // `body.attendees.0.role`, as the spec validator names body fields.
            let mut field = String::from("body");
            for segment in e.path().iter() {
                use serde_path_to_error::Segment;
                match segment {
                    Segment::Seq { index } => field.push_str(&format!(".{index}")),
                    Segment::Map { key } => field.push_str(&format!(".{key}")),
                    Segment::Enum { variant } => field.push_str(&format!(".{variant}")),
                    Segment::Unknown => field.push_str(".?"),
                }
            }
            Error::InvalidInput {
                field,
                reason: e.into_inner().to_string(),
            }
        })
    }

    /// The operation takes no body: one given is a mistake.
    pub(crate) fn no_body(&self, body: Option<Value>) -> Result<(), Error> {
        match body {
            None | Some(Value::Null) => Ok(()),
            Some(_) => Err(Error::InvalidInput {
                field: "body".into(),
                reason: format!("`{}` takes no body", self.operation),
            }),
        }
    }

    /// Every parameter given was one of the operation's.
    pub(crate) fn finish(self) -> Result<(), Error> {
        match self.values.keys().next() {
            None => Ok(()),
            Some(unknown) => Err(Error::InvalidInput {
                field: format!("parameter `{unknown}`"),
                reason: format!(
                    "is not a parameter of `{}` (its parameters: {})",
                    self.operation,
                    if self.known.is_empty() {
                        "none".to_owned()
                    } else {
                        self.known.join(", ")
                    }
                ),
            }),
        }
    }
}

/// `value` as a `T`, also when a number or boolean comes as a string or the other way round
/// (command lines and query strings carry text).
pub(crate) fn lenient<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    let first = match serde_json::from_value::<T>(value.clone()) {
        Ok(parsed) => return Ok(parsed),
        Err(e) => e.to_string(),
    };
    let retried = match &value {
        Value::String(text) => serde_json::from_str::<T>(text).ok(),
        Value::Number(_) | Value::Bool(_) => serde_json::from_value::<T>(Value::String(value.to_string())).ok(),
        _ => None,
    };
    retried.ok_or(first)
}

/// A typed response as JSON.
pub(crate) fn to_json<T: Serialize>(response: ResponseValue<T>) -> Result<ResponseValue<Value>, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let value = serde_json::to_value(response.into_inner()).map_err(|source| Error::Decode {
        snippet: String::new(),
        source,
    })?;
    Ok(ResponseValue::new(value, status, headers))
}

/// An operation of `handle` called on another handle.
pub(crate) fn on_handle(operation: &str, handle: &str) -> Error {
    let call_it = match handle {
        "Conference" => "is a meeting-control operation: call it on `client.conference(conference_id, host_password)`",
        "Guest" => {
            "is a guest operation: call it on `client.guest(conference_id)` (`.with_password(..)` for a meeting with a password)"
        }
        "PasswordReset" => {
            "needs the token a checked verification code gives: call it on `client.password_reset(token)`"
        }
        _ => "is an operation of the plain client: call it on the `Client`, not on a handle",
    };
    Error::Config(format!("{operation} {call_it}"))
}

pub(crate) fn unknown_operation(operation: &str) -> Error {
    Error::InvalidInput {
        field: "operation".into(),
        reason: format!(
            "`{operation}` is not an operation of this client (see `huaweicloud_meeting::CALLABLE_OPERATIONS`)"
        ),
    }
}
