//! The contract between the wire and the areas: each operation's typed input (generated from
//! the spec), one trait per tag that an area implements, the context a handler sees, and the
//! reading of an input off the wire. Handlers never see paths, query strings or JSON.

use std::time::Instant;

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::delivery::Delivery;
use super::events::Event;
use super::wire::{Failure, bad_request, hex_id, random_token};
use crate::ErrorCode;

#[allow(unused_imports)]
use crate::types;

include!(concat!(env!("OUT_DIR"), "/simulator.rs"));

/// An operation's input type, with the operation it belongs to and the type of its answer.
pub(crate) trait Operation {
    /// The operationId.
    // Read by `from_examples!`, whose users arrive with the coverage issues.
    #[cfg_attr(not(test), allow(dead_code))]
    const ID: &'static str;
    /// What a successful call answers (`()` for an empty 200).
    type Output;
}

/// An area's handler of one operation: the input typed, the answer typed, the service's
/// error built from `ErrorCode`. The wire (paths, query strings, JSON, the error bodies) is
/// read and written around it, once, by the generated `serve_<tag>`.
pub(crate) trait Handle<I: Operation> {
    fn handle(&mut self, cx: &mut Context<'_>, input: I) -> Answer<I::Output>;
}

/// What a handler answers: its operation's response type, or the service's error.
pub(crate) type Answer<T> = Result<T, Failure>;

/// What the wire writes back: a JSON body (`Some`), an empty 200 (`None`) or an error.
pub(crate) type Outcome = Result<Option<Vec<u8>>, Failure>;

/// Who makes a call, once its credential is checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Caller {
    /// The enterprise the call acts in; none for the SP administrator, who manages
    /// enterprises rather than acting in one.
    pub(crate) corp: Option<String>,
    /// The user; the enterprise's default administrator (and a meeting's host, for meeting
    /// control) is "".
    pub(crate) user: String,
}

impl Caller {
    pub(crate) fn admin(corp: &str) -> Self {
        Caller {
            corp: Some(corp.to_owned()),
            user: String::new(),
        }
    }
}

/// What a handler sees besides its area's state: the time, the caller, the credential the
/// call presented, where the simulator serves, an id generator, and an outbox of events for
/// the other areas.
/// Identifiers unique across the enterprises.
#[derive(Debug)]
pub(crate) struct Ids {
    next_conference: u64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            next_conference: 914_000_001,
        }
    }
}

pub(crate) struct Context<'a> {
    pub(crate) now: DateTime<Utc>,
    /// The same moment on the monotonic clock (token lifetimes).
    pub(crate) instant: Instant,
    pub(crate) caller: Caller,
    /// The value of the header carrying the operation's credential (`Authorization`,
    /// `X-Access-Token`, `X-Password`...), when it has one.
    pub(crate) credential: Option<String>,
    /// The meeting's password a guest presented (the guestPassword scheme's `X-Password`),
    /// when the operation takes one.
    pub(crate) meeting_password: Option<String>,
    /// `http(s)://127.0.0.1:PORT`: where the simulator's own URLs (recording files) point.
    pub(crate) base_url: &'a str,
    ids: &'a mut Ids,
    effects: Effects,
}

/// What a call leaves for the service to do once it is answered.
#[derive(Default)]
pub(crate) struct Effects {
    /// Events for the other areas.
    pub(crate) events: Vec<Event>,
    /// Secret tokens handed out.
    pub(crate) issued: Vec<String>,
    /// POSTs to make outside the simulator.
    pub(crate) deliveries: Vec<Delivery>,
    /// Messages "sent" to people (the outbox).
    pub(crate) messages: Vec<super::outbox::SentMessage>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        now: DateTime<Utc>,
        instant: Instant,
        caller: Caller,
        base_url: &'a str,
        ids: &'a mut Ids,
    ) -> Self {
        Context {
            now,
            instant,
            caller,
            credential: None,
            meeting_password: None,
            base_url,
            ids,
            effects: Effects::default(),
        }
    }

    /// Tells the other areas what happened; they hear it once the call is answered.
    pub(crate) fn emit(&mut self, event: Event) {
        self.effects.events.push(event);
    }

    /// Queues a POST outside the simulator, sent once the call is answered, outside the
    /// service's lock.
    // Event push (its subscribers) is the first user.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn deliver(&mut self, delivery: Delivery) {
        self.effects.deliveries.push(delivery);
    }

    /// A new secret token (`prefix` + 40 letters and digits), recorded so tests can check
    /// that no secret leaks.
    /// "Sends" `message` to a person: into the simulator's outbox.
    pub(crate) fn send_message(&mut self, message: super::outbox::SentMessage) {
        self.effects.messages.push(message);
    }

    pub(crate) fn issue_token(&mut self, prefix: &str) -> String {
        let token = random_token(prefix);
        self.effects.issued.push(token.clone());
        token
    }

    /// A new meeting's conference ID (nine digits, unique across the enterprises).
    pub(crate) fn new_conference_id(&mut self) -> String {
        let id = self.ids.next_conference;
        self.ids.next_conference += 1;
        id.to_string()
    }

    /// A new identifier in the shape of the service's UUIDs (32 hexadecimal digits).
    pub(crate) fn new_id(&self) -> String {
        hex_id()
    }

    /// What the call left to do.
    pub(crate) fn finish(self) -> Effects {
        self.effects
    }
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
}

/// A file part of a `multipart/form-data` body.
#[derive(Clone, Debug)]
pub(crate) struct FilePart {
    /// The part's name (`file`).
    pub(crate) name: String,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) bytes: bytes::Bytes,
}

/// A routed call's parts, from which the generated code reads each operation's input.
pub(crate) struct WireInput<'a> {
    /// Path parameters by name, percent-decoded.
    pub(crate) path: Vec<(String, String)>,
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    /// The parts of a `multipart/form-data` body.
    pub(crate) parts: &'a [FilePart],
}

impl WireInput<'_> {
    fn text(&self, location: Location, name: &str) -> Option<String> {
        let find = |pairs: &[(String, String)]| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        match location {
            Location::Path => find(&self.path),
            Location::Query => find(self.query),
            Location::Header => self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned),
        }
    }

    /// An optional parameter, typed (a number or boolean parsed from its text).
    pub(crate) fn optional<T: DeserializeOwned>(&self, location: Location, name: &str) -> Result<Option<T>, Failure> {
        self.text(location, name)
            .map(|text| {
                crate::dispatch::lenient(Value::String(text))
                    .map_err(|reason| bad_request(format!("parameter {name}: {reason}")))
            })
            .transpose()
    }

    /// A required parameter, typed.
    pub(crate) fn required<T: DeserializeOwned>(&self, location: Location, name: &str) -> Result<T, Failure> {
        self.optional(location, name)?
            .ok_or_else(|| bad_request(format!("parameter {name} is required")))
    }

    /// The file part `name` of a multipart body.
    pub(crate) fn file(&self, name: &str) -> Result<FilePart, Failure> {
        self.parts
            .iter()
            .find(|p| p.name == name)
            .cloned()
            .ok_or_else(|| bad_request(format!("the multipart body has no part {name}")))
    }

    /// The body, parsed the way the service does: `null` for an optional field means absent.
    pub(crate) fn body<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        let mut value: Value =
            serde_json::from_slice(self.body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
        crate::validate::drop_nulls(&mut value);
        serde_json::from_value(value).map_err(|e| bad_request(format!("invalid body: {e}")))
    }
}

/// An answer as its JSON body.
fn json<T: Serialize>(answer: &T) -> Outcome {
    // The generated types have string keys only, so serialising cannot fail.
    Ok(Some(serde_json::to_vec(answer).expect("response types serialise")))
}

/// An operation routed to the area of another tag: a bug of the simulator's routing.
fn not_of_tag(operation_id: &str, tag: &str) -> Failure {
    Failure::new(
        500,
        ErrorCode::Other("SIM.ROUTING".into()),
        format!("{operation_id} is not an operation of tag {tag}"),
    )
}

/// Serves operations that have no state of their own from the spec's example response, one
/// line for all of them: `from_examples!(Area: input::ShowA, input::ShowB);`.
// The read-only operations of the coverage issues (QoS, statistics) are its users.
#[allow(unused_macros)]
macro_rules! from_examples {
    ($area:ty: $($input:ty),+ $(,)?) => {$(
        impl $crate::simulator::api::Handle<$input> for $area {
            fn handle(
                &mut self,
                _: &mut $crate::simulator::api::Context<'_>,
                _: $input,
            ) -> $crate::simulator::api::Answer<<$input as $crate::simulator::api::Operation>::Output> {
                $crate::simulator::api::spec_example(<$input as $crate::simulator::api::Operation>::ID)
            }
        }
    )+};
}
#[allow(unused_imports)]
pub(crate) use from_examples;

/// The example response of operation `id` in the spec: what an operation with no state of
/// its own answers, registered in one line:
/// `fn handle(&mut self, _: &mut Context<'_>, _: input::X) -> Answer<T> { spec_example("x") }`.
// The read-only operations of the coverage issues (QoS, statistics) are its users.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn spec_example<T: DeserializeOwned>(operation_id: &str) -> Answer<T> {
    let examples = super::examples::SpecExamples::load();
    let value = examples.response(operation_id).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| {
        Failure::new(
            500,
            ErrorCode::Other("SIM.EXAMPLE".into()),
            format!("the spec's example response of {operation_id} does not parse: {e}"),
        )
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A context for an area's unit test: the default enterprise's administrator, now.
    pub(crate) fn context(ids: &mut Ids) -> Context<'_> {
        Context::new(
            Utc::now(),
            Instant::now(),
            Caller::admin(crate::simulator::DEFAULT_CORP),
            "http://127.0.0.1:1",
            ids,
        )
    }

    /// An area without state of its own.
    struct Stateless;

    from_examples!(Stateless: input::ShowRegionInfoOfMeeting);

    #[test]
    fn an_operation_registered_from_the_examples_answers_its_example() {
        let mut ids = Ids::default();
        let input = input::ShowRegionInfoOfMeeting {
            conference_id: "914000001".into(),
        };
        let answer = Stateless.handle(&mut context(&mut ids), input).unwrap();
        assert_eq!(
            serde_json::to_value(answer).unwrap(),
            *crate::simulator::examples::SpecExamples::load()
                .response("show_region_info_of_meeting")
                .unwrap()
        );
    }

    #[test]
    fn a_spec_example_answers_as_its_operations_type() {
        let answer: types::ShowRegionInfoOfMeetingResponse =
            spec_example("show_region_info_of_meeting").expect("the example parses");
        assert!(answer.region_ip.is_some(), "{answer:?}");
        let wrong: Answer<types::ConfDetail> = spec_example("search_meetings");
        assert_eq!(wrong.unwrap_err().status, 500);
    }

    #[test]
    fn a_call_s_effects_are_collected_for_the_service() {
        let mut ids = Ids::default();
        let mut cx = Context::new(
            Utc::now(),
            Instant::now(),
            Caller::admin("c"),
            "http://127.0.0.1:1",
            &mut ids,
        );
        assert_eq!(cx.new_conference_id(), "914000001");
        assert_eq!(cx.new_conference_id(), "914000002");
        let token = cx.issue_token("stb");
        cx.emit(Event::MeetingRemoved {
            conference_id: "1".into(),
        });
        cx.deliver(Delivery {
            url: "http://127.0.0.1:2/hook".into(),
            headers: Vec::new(),
            body: Vec::new(),
            retries: Vec::new(),
        });
        let effects = cx.finish();
        assert_eq!(effects.issued, [token]);
        assert_eq!(effects.events.len(), 1);
        assert_eq!(effects.deliveries[0].url, "http://127.0.0.1:2/hook");
    }

    #[test]
    fn parameters_are_read_typed_and_named_when_wrong() {
        let headers = HeaderMap::new();
        let query = [("limit".to_owned(), "5".to_owned()), ("bad".to_owned(), "x".to_owned())];
        let wire = WireInput {
            path: vec![("account".into(), "alice".into())],
            query: &query,
            headers: &headers,
            body: b"{\"a\": null}",
            parts: &[],
        };
        assert_eq!(wire.optional::<i32>(Location::Query, "limit").unwrap(), Some(5));
        assert_eq!(wire.optional::<i32>(Location::Query, "offset").unwrap(), None);
        assert_eq!(wire.required::<String>(Location::Path, "account").unwrap(), "alice");
        let wrong = wire.optional::<i32>(Location::Query, "bad").unwrap_err();
        assert!(wrong.message.starts_with("parameter bad:"), "{}", wrong.message);
        let missing = wire.required::<String>(Location::Query, "conferenceID").unwrap_err();
        assert_eq!(missing.message, "parameter conferenceID is required");
        let body: serde_json::Map<String, Value> = wire.body().unwrap();
        assert!(body.is_empty(), "null is absent: {body:?}");
    }
}
