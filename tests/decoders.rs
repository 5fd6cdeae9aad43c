//! Arbitrary bytes and arbitrary JSON fed to every response and error decoder: an error,
//! never a panic.

use huaweicloud_meeting::ServiceError;
use huaweicloud_meeting::types::{
    ConfDetail, ConferenceInfo, ErrorResponse, QueryOrgVmrPage, RestListConfResponse, RestLoginResponse,
    StartMeetingResponse, TokenDto,
};
use proptest::prelude::*;
use serde_json::Value;

fn decode_all(bytes: &[u8]) {
    let _ = serde_json::from_slice::<Vec<ConferenceInfo>>(bytes);
    let _ = serde_json::from_slice::<RestListConfResponse>(bytes);
    let _ = serde_json::from_slice::<ConfDetail>(bytes);
    let _ = serde_json::from_slice::<StartMeetingResponse>(bytes);
    let _ = serde_json::from_slice::<TokenDto>(bytes);
    let _ = serde_json::from_slice::<RestLoginResponse>(bytes);
    let _ = serde_json::from_slice::<QueryOrgVmrPage>(bytes);
    let _ = serde_json::from_slice::<ErrorResponse>(bytes);
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-zA-Z0-9_.]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("error_code".to_owned()),
            Just("error_msg".to_owned()),
            Just("errorCode".to_owned()),
            Just("code".to_owned()),
            Just("message".to_owned()),
            Just("request_id".to_owned()),
            Just("conferenceID".to_owned()),
            Just("data".to_owned()),
            Just("passwordEntry".to_owned()),
            Just("accessToken".to_owned()),
            "[a-zA-Z]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), status in 400u16..600) {
        decode_all(&bytes);
        let error = ServiceError::from_response_parts(status, &http::HeaderMap::new(), &bytes);
        prop_assert_eq!(error.status, status);
        prop_assert!(error.message.len() <= 600);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value(), status in 400u16..600) {
        let bytes = serde_json::to_vec(&value).unwrap();
        decode_all(&bytes);
        let error = ServiceError::from_response_parts(status, &http::HeaderMap::new(), &bytes);
        prop_assert!(error.body_was_json);
    }
}

#[test]
fn deeply_nested_error_body_does_not_overflow() {
    let deep = format!("{}{}", "{\"a\":".repeat(100), "1".to_owned() + &"}".repeat(100));
    let error = ServiceError::from_response_parts(500, &http::HeaderMap::new(), deep.as_bytes());
    assert_eq!(error.status, 500);
    let too_deep = "[".repeat(100_000);
    let error = ServiceError::from_response_parts(500, &http::HeaderMap::new(), too_deep.as_bytes());
    assert!(!error.body_was_json);
    decode_all(too_deep.as_bytes());
}
