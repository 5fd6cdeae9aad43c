//! Access tokens after they are obtained: sign-out, renewal, validation; the client's cache
//! follows what each call did to its token (the spec's `x-meeting-token-effect`).

use std::time::Duration;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::ValidateTokenReqDto;
use huaweicloud_meeting::{Client, Error};

/// Calls answered 401 so far.
fn rejections(sim: &Simulator) -> usize {
    sim.requests().iter().filter(|r| r.status == 401).count()
}

async fn any_call(client: &Client) {
    client.search_meetings().send().await.unwrap();
}

#[tokio::test]
async fn sign_out_frees_the_token_slot_and_the_next_call_signs_in_again() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();

    // Nothing to sign out yet: nothing is sent.
    client.sign_out().await.unwrap();
    assert!(sim.requests().is_empty());

    any_call(&client).await;
    assert_eq!(sim.live_tokens(None), 1);
    client.sign_out().await.unwrap();
    assert_eq!(sim.live_tokens(None), 0, "the service forgot the token");
    assert_eq!(sim.count("delete_token"), 1);
    // Signed out already: the second sign-out sends nothing.
    client.sign_out().await.unwrap();
    assert_eq!(sim.count("delete_token"), 1);

    // The next call authenticates first instead of presenting the dead token.
    any_call(&client).await;
    assert_eq!(sim.count("create_app_id_token"), 2);
    assert_eq!(rejections(&sim), 0);
}

#[tokio::test]
async fn signing_out_a_token_the_service_already_dropped_succeeds_without_a_new_token() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    any_call(&client).await;
    sim.expire_access_tokens();
    client.sign_out().await.unwrap();
    assert_eq!(sim.count("delete_token"), 1);
    assert_eq!(
        sim.count("create_app_id_token"),
        1,
        "no token fetched just to sign it out"
    );
    any_call(&client).await;
    assert_eq!(sim.count("create_app_id_token"), 2);
}

#[tokio::test]
async fn delete_token_called_directly_makes_the_client_forget_its_token() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    any_call(&client).await;
    client.delete_token().send().await.unwrap();
    any_call(&client).await;
    assert_eq!(sim.count("create_app_id_token"), 2);
    assert_eq!(rejections(&sim), 0, "the dead token was never presented");
}

#[tokio::test]
async fn check_token_reports_when_a_token_was_issued_and_the_time_it_has_left() {
    let sim = Simulator::start().await.unwrap();
    let signed_in = sim.client_builder().build().unwrap();
    any_call(&signed_in).await;
    let token = sim.issued_tokens()[0].clone();
    let anonymous = Client::builder().endpoint(sim.base_url()).build().unwrap();
    let check = || {
        anonymous
            .check_token()
            .body(
                ValidateTokenReqDto::builder()
                    .token(token.clone())
                    .need_gen_new_token(false),
            )
            .send()
    };
    let first = check().await.unwrap().into_inner();
    let first_left = first.valid_period.unwrap();
    // A minute of slack for a slow machine; the simulated hour is exact.
    assert!((24 * 3600 - 60..=24 * 3600).contains(&first_left), "{first_left}");
    sim.advance(Duration::from_secs(3600));
    let later = check().await.unwrap().into_inner();
    let later_left = later.valid_period.unwrap();
    assert!(
        (first_left - 3600 - 60..=first_left - 3600).contains(&later_left),
        "an hour of its day is gone: {first_left} then {later_left}"
    );
    assert_eq!(later.expire_time, first.expire_time, "checking does not extend it");
    assert_eq!(later.create_time, first.create_time);
    sim.advance(Duration::from_secs(23 * 3600));
    let e = check().await.unwrap_err();
    assert_eq!(e.code().map(|c| c.as_str()), Some("USG.000000004"), "{e}");
}

#[tokio::test]
async fn a_renewed_token_is_kept_past_its_first_lifetime() {
    let sim = Simulator::builder()
        .access_token_validity(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let client = sim.client_builder().build().unwrap();
    any_call(&client).await;
    // The renewal gives the same token an hour.
    sim.set_access_token_validity(Duration::from_secs(3600));
    let renewed = client.update_token().send().await.unwrap().into_inner();
    assert_eq!(renewed.valid_period, Some(3600));
    assert_eq!(
        renewed.access_token.as_ref().map(|t| t.expose().to_owned()),
        sim.issued_tokens().first().cloned()
    );
    // Past the first lifetime (renewal was due after 1.8 s) the client still uses it.
    sim.advance(Duration::from_millis(2100));
    any_call(&client).await;
    assert_eq!(sim.count("create_app_id_token"), 1);
    assert_eq!(rejections(&sim), 0);
}

#[tokio::test]
async fn check_token_needs_no_credentials_and_says_whether_a_token_lives() {
    let sim = Simulator::start().await.unwrap();
    let signed_in = sim.client_builder().build().unwrap();
    any_call(&signed_in).await;
    let token = sim.issued_tokens()[0].clone();
    let anonymous = Client::builder().endpoint(sim.base_url()).build().unwrap();
    let check = |token: &str, new: bool| {
        anonymous.check_token().body(
            ValidateTokenReqDto::builder()
                .token(token.to_owned())
                .need_gen_new_token(new)
                .need_account_info(true),
        )
    };
    let checked = check(&token, false).send().await.unwrap().into_inner();
    assert_eq!(checked.access_token.unwrap().expose(), token);
    assert!(checked.user.is_some());
    let fresh = check(&token, true).send().await.unwrap().into_inner();
    assert_ne!(fresh.access_token.unwrap().expose(), token);
    assert_eq!(sim.live_tokens(None), 2);

    let e = check("stb-no-such-token", false).send().await.unwrap_err();
    assert!(e.is_auth(), "{e}");
    assert_eq!(e.code().map(|c| c.as_str()), Some("USG.000000004"));
    // No credential was involved: nothing was renewed or retried.
    assert_eq!(sim.count("check_token"), 3);
    assert_eq!(sim.count("create_app_id_token"), 1);
    // The token given is a secret: not in Debug output.
    let request = ValidateTokenReqDto::builder()
        .token("stb-secret-token".to_owned())
        .need_gen_new_token(false);
    assert!(!format!("{request:?}").contains("stb-secret-token"));
    assert!(matches!(e, Error::Service(_)));
}
