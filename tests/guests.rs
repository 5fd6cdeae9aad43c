//! Joining by meeting ID and password (issue 25): the `Guest` handle and its credential
//! (`X-Password`, optional for create_auth_random), invitations by password with and without
//! the enterprise's permission, whether a number is in a meeting, and the management site.

mod common;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::types::{ConferenceInfo, RestConfConfigDto, RestInviteWithPwdReqBody, RestScheduleConfDto};
use huaweicloud_meeting::{Client, Error};

/// A meeting scheduled by `client` (guests need its guest password unless `free`), started.
async fn started_meeting(client: &Client, free: bool) -> ConferenceInfo {
    let config: RestConfConfigDto = RestConfConfigDto::builder().is_guest_free_pwd(free).try_into().unwrap();
    let body = RestScheduleConfDto::builder()
        .subject("Open day")
        .media_types("Voice")
        .start_time(common::in_five_minutes())
        .length(60)
        .conf_config_info(config);
    common::started_meeting(client, body).await
}

fn config_error(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_guest_checks_a_meeting_with_its_password() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let meeting = started_meeting(&client, false).await;
    let id = meeting.conference_id.clone().unwrap();
    let guest_password = meeting.guest_password().unwrap().clone();

    // Without a password: the meeting says it needs one, and gives no random.
    let unchecked = client
        .guest(&id)
        .create_auth_random()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(unchecked.need_password, Some(true));
    assert!(unchecked.random.is_none());
    assert_eq!(unchecked.subject.as_deref(), Some("Open day"));

    // The guest password, or the host's, gives a random; each call a new one.
    let guest = client.guest(&id).with_password(guest_password.clone());
    let first = guest.create_auth_random().send().await.unwrap().into_inner();
    let second = guest.create_auth_random().send().await.unwrap().into_inner();
    let (first, second) = (first.random.unwrap(), second.random.unwrap());
    assert_eq!(first.expose().len(), 15);
    assert_ne!(first.expose(), second.expose(), "a random is unique per call");
    let host = client.guest(&id).with_password(common::host_password(&meeting));
    assert!(host.create_auth_random().send().await.unwrap().random.is_some());
    // The random is a secret: Debug does not show it.
    assert!(!format!("{first:?}").contains(first.expose()));

    // A wrong password is refused, with the service's code.
    let wrong = client.guest(&id).with_password("000000");
    let error = wrong.create_auth_random().send().await.unwrap_err();
    assert_eq!(common::code(&error), Some("MMC.111072065"), "{error}");

    // Without an account: the anonymous check needs the password.
    let anonymous = sim.client_builder().without_credentials().build().unwrap();
    let answer = anonymous
        .guest(&id)
        .with_password(guest_password)
        .create_anonymous_auth_random()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(answer.random.is_some());
    assert_eq!(answer.site_url, Some(format!("{}/conferences", sim.base_url())));
    let error = anonymous
        .guest(&id)
        .with_password("000000")
        .create_anonymous_auth_random()
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&error), Some("MMC.111072065"), "{error}");

    // The handle sent the password as X-Password; the log never shows it.
    let sent = sim.requests().len();
    let message = config_error(anonymous.guest(&id).create_anonymous_auth_random().send().await);
    assert!(
        message.contains("create_anonymous_auth_random needs the meeting's password"),
        "{message}"
    );
    assert_eq!(sim.requests().len(), sent, "a call missing its credential is not sent");
}

#[tokio::test]
async fn a_meeting_open_to_guests_needs_no_password() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let meeting = started_meeting(&client, true).await;
    let id = meeting.conference_id.clone().unwrap();
    let answer = client
        .guest(&id)
        .create_auth_random()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(answer.need_password, Some(false));
    assert!(answer.random.is_some());
}

#[tokio::test]
async fn the_guest_handle_is_for_its_meeting_only() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let guest = client.guest("914087436").with_password("123456");
    let sent = sim.requests().len();
    let message = config_error(guest.create_auth_random().conf_id("914000000").send().await);
    assert!(
        message.contains("was called for conf_id \"914000000\" on the handle of conference \"914087436\""),
        "{message}"
    );
    // By name too, and a guest's operation on another handle says where it lives.
    let message = config_error(client.call("create_auth_random", serde_json::Map::new(), None).await);
    assert!(
        message.contains("is a guest operation: call it on `client.guest(conference_id)`"),
        "{message}"
    );
    let message = config_error(guest.call("search_meetings", serde_json::Map::new(), None).await);
    assert!(message.contains("is an operation of the plain client"), "{message}");
    assert_eq!(sim.requests().len(), sent);
    // The password never shows in the handle's Debug.
    assert!(!format!("{guest:?}").contains("123456"), "{guest:?}");
}

#[tokio::test]
async fn terminals_are_invited_by_password_where_the_enterprise_allows_it() {
    for allowed in [true, false] {
        let sim = Simulator::builder()
            .guests_invite_terminals(allowed)
            .start()
            .await
            .unwrap();
        let client = sim.client_builder().build().unwrap();
        let meeting = started_meeting(&client, false).await;
        let id = meeting.conference_id.clone().unwrap();
        // No token: a client without credentials may invite.
        let anonymous = sim.client_builder().without_credentials().build().unwrap();
        let invite = |password: &str, number: &str| {
            let body = RestInviteWithPwdReqBody::builder()
                .call_num(number)
                .conf_id(&id)
                .pwd(password);
            anonymous.invite_with_pwd().conference_id(&id).body(body).send()
        };
        let guest_password = meeting.guest_password().unwrap().expose().to_owned();
        let by_guest = invite(&guest_password, "+99111283609966").await;
        let in_meeting = |number: &str| {
            sim.live_meeting(&id)
                .unwrap()
                .participants
                .iter()
                .any(|p| p.number == number && p.participant_id.is_some())
        };
        if allowed {
            by_guest.unwrap();
            assert!(in_meeting("+99111283609966"));
        } else {
            let error = by_guest.unwrap_err();
            assert_eq!(common::code(&error), Some("MMC.111070002"), "{error}");
            assert!(!in_meeting("+99111283609966"));
        }
        // The host password may always; a wrong one never.
        invite(&common::host_password(&meeting), "+99111283609977")
            .await
            .unwrap();
        assert!(in_meeting("+99111283609977"));
        let error = invite("000000", "+99111283609988").await.unwrap_err();
        assert_eq!(common::code(&error), Some("MMC.111072065"), "{error}");
        // The password is masked in the request log.
        let logged = sim
            .requests()
            .into_iter()
            .find(|r| r.operation == "invite_with_pwd")
            .unwrap();
        assert_eq!(logged.body.unwrap()["pwd"], "***");

        // Whether a number is in a meeting, and which.
        let check = |number: &'static str| client.check_call_number_in_conf().call_number(number).send();
        let present = check("+99111283609977").await.unwrap().into_inner();
        assert_eq!(
            (present.in_conf, present.conf_id.as_deref()),
            (Some(true), Some(id.as_str()))
        );
        let absent = check("+99111283609988").await.unwrap().into_inner();
        assert_eq!(absent.in_conf, Some(false));
    }
}

#[tokio::test]
async fn the_meeting_must_match_and_blank_numbers_are_refused() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let meeting = started_meeting(&client, false).await;
    let id = meeting.conference_id.clone().unwrap();
    let error = client
        .invite_with_pwd()
        .conference_id(&id)
        .body(
            RestInviteWithPwdReqBody::builder()
                .call_num("+99111283609966")
                .conf_id("914000000")
                .pwd(common::host_password(&meeting)),
        )
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("name different meetings"), "{error}");
    let status = client.show_mgmt_site_status().send().await.unwrap().into_inner();
    assert_eq!(status.status.as_deref(), Some("NORMAL"));
}
