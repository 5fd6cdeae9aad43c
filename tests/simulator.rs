//! The simulator's own rules, driven through the generated client where it can reach them
//! and through raw HTTP where the client would refuse to send (bad signatures, bad input).

mod common;

use huaweicloud_meeting::simulator::Simulator;
use huaweicloud_meeting::testing::{app_id_authorization, app_id_signature};
use huaweicloud_meeting::types::{
    CycleParams, CycleParamsCycle, RestConfConfigDto, RestScheduleConfDto, StartRequest, TokenDto,
};
use huaweicloud_meeting::{Client, ErrorCode};
use serde_json::{Value, json};

const APP: &str = "simulator-app-id";
const KEY: &str = "simulator-app-key";

/// A signed App ID authentication sent with plain reqwest.
async fn raw_auth(sim: &Simulator, key: &str, expire_time: i64, nonce: &str, extra: Value) -> (u16, Value) {
    let signature = app_id_signature(APP, key, None, None, expire_time, nonce);
    raw_auth_with(sim, &app_id_authorization(APP, &signature), expire_time, nonce, extra).await
}

async fn raw_auth_with(
    sim: &Simulator,
    authorization: &str,
    expire_time: i64,
    nonce: &str,
    extra: Value,
) -> (u16, Value) {
    let mut body = json!({"appId": APP, "clientType": 72, "expireTime": expire_time, "nonce": nonce});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().cloned().unwrap_or_default());
    let response = common::raw_http()
        .build()
        .unwrap()
        .post(format!("{}/v2/usg/acs/auth/appauth", sim.base_url()))
        .header("authorization", authorization)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!(
        response.headers().contains_key("x-request-id"),
        "every response has X-Request-Id"
    );
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn app_id_signatures_are_verified_as_the_service_does() {
    let sim = Simulator::start().await.unwrap();
    let later = common::unix_now() + 600;
    let (status, body) = raw_auth(&sim, KEY, later, &common::nonce(1), json!({})).await;
    assert_eq!(status, 200, "{body}");
    let token: TokenDto = serde_json::from_value(body).unwrap();
    assert!(token.access_token.is_some() && token.valid_period.is_some() && token.expire_time.is_some());

    let (status, body) = raw_auth(&sim, "wrong-key", later, &common::nonce(2), json!({})).await;
    assert_eq!((status, body["error_code"].as_str()), (401, Some("USG.206010000")));
    assert!(body["request_id"].is_string(), "USG errors carry request_id");

    let (status, body) = raw_auth(&sim, KEY, common::unix_now() - 5, &common::nonce(3), json!({})).await;
    assert_eq!(
        (status, body["error_code"].as_str()),
        (401, Some("USG.206010057")),
        "expired signature"
    );

    let (status, _) = raw_auth(&sim, KEY, later, &common::nonce(1), json!({})).await;
    assert_eq!(status, 401, "a nonce is used once");

    // Hex case does not matter; the legacy header without `access=` is accepted.
    let upper = app_id_signature(APP, KEY, None, None, later, &common::nonce(4)).to_uppercase();
    let (status, _) = raw_auth_with(
        &sim,
        &format!("HMAC-SHA256 signature={upper}"),
        later,
        &common::nonce(4),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);

    // corpId is refused in single-enterprise mode; nulls for optional fields are fine.
    let (status, _) = raw_auth(&sim, KEY, later, &common::nonce(5), json!({"corpId": "807074304"})).await;
    assert_eq!(status, 401);
    let (status, body) = raw_auth(
        &sim,
        KEY,
        later,
        &common::nonce(6),
        json!({"corpId": null, "deptCode": null}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Out-of-range input is rejected with the field named.
    let (status, body) = raw_auth(&sim, KEY, later, "short", json!({})).await;
    assert_eq!(status, 400);
    assert!(body["error_msg"].as_str().unwrap().contains("nonce"), "{body}");
}

#[tokio::test]
async fn a_user_holds_at_most_64_tokens() {
    let sim = Simulator::start().await.unwrap();
    let mut tokens = Vec::new();
    for i in 0..65 {
        let (status, body) = raw_auth(&sim, KEY, common::unix_now() + 600, &common::nonce(100 + i), json!({})).await;
        assert_eq!(status, 200);
        tokens.push(body["accessToken"].as_str().unwrap().to_owned());
    }
    assert_eq!(sim.live_tokens(None), 64);
    let list = |token: String| {
        let url = format!("{}/v1/usg/dcs/corp/vmr", sim.base_url());
        async move {
            common::raw_http()
                .build()
                .unwrap()
                .get(url)
                .header("X-Access-Token", token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(list(tokens[0].clone()).await, 401, "the oldest token died");
    assert_eq!(list(tokens[1].clone()).await, 200);
    assert_eq!(list(tokens[64].clone()).await, 200);
}

fn meeting(subject: &str) -> RestScheduleConfDto {
    RestScheduleConfDto::builder()
        .subject(subject.to_owned())
        .media_types("Voice")
        .start_time("2030-01-01 08:00".to_owned())
        .length(45)
        .try_into()
        .unwrap()
}

async fn create(client: &Client, body: RestScheduleConfDto) -> (String, String, String) {
    let created = client.create_meeting().body(body).send().await.unwrap().into_inner();
    let info = &created[0];
    let password = |role: &str| {
        info.password_entry
            .iter()
            .flatten()
            .find(|p| p.conference_role.as_deref() == Some(role))
            .unwrap()
            .password
            .clone()
            .unwrap()
    };
    (
        info.conference_id.clone().unwrap(),
        password("chair").expose().to_owned(),
        password("general").expose().to_owned(),
    )
}

#[tokio::test]
async fn meetings_go_from_scheduled_to_in_progress_to_cancelled() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let (id, host, guest) = create(&client, meeting("planning")).await;

    let detail = client.show_meeting_detail().conference_id(&id).send().await.unwrap();
    let info = detail.conference_data.as_ref().unwrap();
    assert_eq!(info.conference_state.as_deref(), Some("Schedule"));
    assert_eq!(info.end_time.as_deref(), Some("2030-01-01 08:45"));
    let page = client.search_meetings().search_key("plan").send().await.unwrap();
    assert_eq!(page.count, Some(1));

    // No control token before the meeting starts.
    let control = client.conference(&id, host.as_str());
    let e = control.create_conf_token().conference_id(&id).send().await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotInProgress));

    // The guest password starts a meeting only with allowGuestStartConf.
    let e = client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(guest))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFoundOrAuthFailed));
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(host))
        .send()
        .await
        .unwrap();
    let detail = client.show_meeting_detail().conference_id(&id).send().await.unwrap();
    assert_eq!(
        detail.conference_data.as_ref().unwrap().conference_state.as_deref(),
        Some("Created")
    );

    // A meeting in progress is cancelled only with type=1.
    let e = client.cancel_meeting().conference_id(&id).send().await.unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(e.message().unwrap().contains("type=1"));
    client
        .cancel_meeting()
        .conference_id(&id)
        .type_(1)
        .send()
        .await
        .unwrap();
    let e = client
        .show_meeting_detail()
        .conference_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e}");
    assert_eq!(e.code(), Some(&ErrorCode::MeetingNotFound));
}

#[tokio::test]
async fn guest_may_start_when_allowed() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let mut body = meeting("guest start");
    body.conf_config_info = Some(
        RestConfConfigDto::builder()
            .allow_guest_start_conf(true)
            .try_into()
            .unwrap(),
    );
    let (id, _, guest) = create(&client, body).await;
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(guest))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn removing_someone_not_in_the_meeting_is_an_error() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let (id, host, _) = create(&client, meeting("control")).await;
    client
        .start_meeting()
        .body(StartRequest::builder().conference_id(&id).password(host.clone()))
        .send()
        .await
        .unwrap();
    let body = huaweicloud_meeting::types::RestBulkDelAttendReqBody::builder().bulk_del_attend_info(vec![
        huaweicloud_meeting::types::DelAttendInfo::builder().number("+100"),
    ]);
    let e = client
        .conference(&id, host)
        .delete_attendees()
        .conference_id(&id)
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(e.message().unwrap().contains("+100"), "{e}");
}

fn series(cycle: CycleParamsCycle, start: &str, end: &str, interval: i32, point: Vec<i32>) -> RestScheduleConfDto {
    let cycle = CycleParams::builder()
        .cycle(cycle)
        .start_date(start)
        .end_date(end)
        .interval(interval)
        .point(point)
        .pre_remind_days(1)
        .try_into()
        .unwrap();
    RestScheduleConfDto::builder()
        .subject("series".to_owned())
        .media_types("HDVideo")
        .start_time(format!("{start} 09:30"))
        .cycle_params(Some(cycle))
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn recurring_series_are_computed_and_replaced_on_modify() {
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let weekly = series(CycleParamsCycle::Week, "2030-01-07", "2030-01-20", 1, vec![1, 3]);
    let created = client
        .create_recurring_meeting()
        .body(weekly)
        .send()
        .await
        .unwrap()
        .into_inner();
    let info = &created[0];
    let starts: Vec<_> = info
        .sub_confs
        .iter()
        .flatten()
        .map(|s| s.start_time.clone().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2030-01-07 09:30",
            "2030-01-09 09:30",
            "2030-01-14 09:30",
            "2030-01-16 09:30"
        ]
    );
    assert_eq!(
        (info.conf_type.as_deref(), info.conference_type),
        (Some("CYCLE"), Some(2))
    );

    // Daily over a year: capped at 50.
    let id = info.conference_id.clone().unwrap();
    let mut daily = series(CycleParamsCycle::Day, "2030-01-07", "2030-12-31", 1, vec![]);
    daily.subject = None;
    let updated = client
        .update_recurring_meeting()
        .conference_id(&id)
        .body(daily)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated[0].sub_confs.as_ref().map(Vec::len), Some(50));
    // Full replacement: the omitted subject is back to its default.
    assert_eq!(updated[0].subject.as_deref(), Some(""));

    // A series longer than a year is refused.
    let too_long = series(CycleParamsCycle::Day, "2030-01-07", "2031-02-01", 1, vec![]);
    let e = client
        .create_recurring_meeting()
        .body(too_long)
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap().contains("one year"), "{e}");
}

#[tokio::test]
async fn cloud_meeting_rooms_are_listed_assigned_and_reclaimed() {
    let sim = Simulator::builder().rooms(4).members(["carol"]).start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    let page = client.search_corp_vmr().send().await.unwrap().into_inner();
    assert_eq!(page.count, Some(4));
    let room = page.data.unwrap()[0].id.clone().unwrap();

    let e = client
        .associate_vmr()
        .account("mallory")
        .account_type(1)
        .body(vec![room.clone()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::UserNotFound));
    let e = client
        .disassociate_vmr()
        .account("carol")
        .account_type(1)
        .body(vec![room.clone()])
        .send()
        .await
        .unwrap_err();
    assert!(e.message().unwrap().contains("not assigned"), "{e}");

    client
        .associate_vmr()
        .account("carol")
        .account_type(1)
        .body(vec![room.clone()])
        .send()
        .await
        .unwrap();
    let assigned = client.search_corp_vmr().status(0).send().await.unwrap().into_inner();
    assert_eq!(assigned.count, Some(1));
    assert_eq!(
        assigned.data.unwrap()[0]
            .member
            .as_ref()
            .and_then(|m| m.id.clone())
            .as_deref(),
        Some("carol")
    );
    client
        .disassociate_vmr()
        .account("carol")
        .account_type(1)
        .body(vec![room.clone()])
        .send()
        .await
        .unwrap();
    assert_eq!(client.search_corp_vmr().status(2).send().await.unwrap().count, Some(4));
}

#[tokio::test]
async fn bad_input_is_rejected_with_the_service_codes_and_leniency_where_the_service_is_lenient() {
    let sim = Simulator::start().await.unwrap();
    let (_, body) = raw_auth(&sim, KEY, common::unix_now() + 600, &common::nonce(7), json!({})).await;
    let token = body["accessToken"].as_str().unwrap().to_owned();
    let post = |body: &'static str, content_type: &'static str| {
        let (url, token) = (
            format!("{}/v1/mmc/management/conferences", sim.base_url()),
            token.clone(),
        );
        async move {
            let r = common::raw_http()
                .build()
                .unwrap()
                .post(url)
                .header("X-Access-Token", token)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (status, body) = post(r#"{"subject": "no media"}"#, "application/json").await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("MMC.111070001")));
    assert!(body["error_msg"].as_str().unwrap().contains("mediaTypes"), "{body}");
    assert!(
        body.get("request_id").is_none(),
        "MMC errors have no request_id in the body"
    );
    let (status, body) = post(r#"{"mediaTypes": "Voice", "length": 5000}"#, "application/json").await;
    assert_eq!(status, 400);
    assert!(body["error_msg"].as_str().unwrap().contains("body.length"), "{body}");
    // Nulls for optional fields and a loose content type are accepted.
    let (status, body) = post(
        r#"{"mediaTypes": "Voice", "subject": null, "attendees": null}"#,
        "text/plain",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // An unknown path is a gateway 404.
    let r = reqwest::get(format!("{}/v1/nothing", sim.base_url())).await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn every_successful_response_parses_into_the_generated_types() {
    // The quickstart drives every operation through the typed client; here the raw bodies the
    // simulator sends (read with plain reqwest) are checked against the types' JSON schemas.
    use huaweicloud_meeting::types::{ConfDetail, ConferenceInfo, QueryOrgVmrPage, RestListConfResponse};
    fn check<T: schemars::JsonSchema + serde::de::DeserializeOwned>(body: &Value) {
        let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}\n{body}", std::any::type_name::<T>());
        serde_json::from_value::<T>(body.clone()).unwrap();
    }
    let sim = Simulator::start().await.unwrap();
    let client = sim.client_builder().build().unwrap();
    client.authenticate().await.unwrap();
    let token = sim.issued_tokens().pop().unwrap();
    let http = common::raw_http().build().unwrap();
    let get = |path: String| {
        let request = http
            .get(format!("{}{path}", sim.base_url()))
            .header("X-Access-Token", &token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let created: Value = http
        .post(format!("{}/v1/mmc/management/cycleconferences", sim.base_url()))
        .header("X-Access-Token", &token)
        .json(&json!({"subject": "schema", "mediaTypes": "Voice",
            "cycleParams": {"startDate": "2030-01-07", "endDate": "2030-01-09", "cycle": "Day", "preRemindDays": 1}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    check::<Vec<ConferenceInfo>>(&created);
    let id = created[0]["conferenceID"].as_str().unwrap().to_owned();
    check::<RestListConfResponse>(&get("/v1/mmc/management/conferences".into()).await);
    check::<ConfDetail>(&get(format!("/v1/mmc/management/conferences/confDetail?conferenceID={id}")).await);
    check::<QueryOrgVmrPage>(&get("/v1/usg/dcs/corp/vmr".into()).await);
}

/// Every operation of the spec is served: its example request, on a simulator seeded with the
/// world the examples assume (the meeting in progress for meeting-control operations), gets
/// a success whose body decodes into the operation's response type. An operation added to
/// the spec without a simulator handler fails here, named.
#[tokio::test]
async fn every_operation_is_served_with_its_example_request() {
    use huaweicloud_meeting::operations::{Scheme, operations};
    const KEY: &str = "example-app-key";
    const PASSWORD: &str = "example-password";
    const SP_ACCOUNT: &str = "example-sp";
    // The host password of the examples' meeting (what start_meeting's example presents).
    let host_password = common::example_body("start_meeting").unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    for op in operations() {
        let needs = |scheme: Scheme| op.security.contains(&scheme);
        let params = common::example_params(op.id);
        let body = common::example_body(op.id);
        let text = |key: &str| body.as_ref().and_then(|b| b[key].as_str()).map(str::to_owned);
        // The SP's operations are called by the SP administrator, signed in with the SP account.
        let sp = common::spec_operation(op.id).tag() == Some("sp");
        let mut builder = Simulator::builder().spec_examples(op.needs_meeting_in_progress);
        if sp {
            builder = builder.sp_account(SP_ACCOUNT, PASSWORD);
        }
        if let Some(app_id) = text("appId") {
            builder = builder.app(app_id, KEY);
        }
        if let (true, Some(account)) = (needs(Scheme::AccountPassword), text("account")) {
            builder = builder.account(account, PASSWORD);
        }
        let sim = builder.start().await.unwrap();
        let outcome = if let Some(credentials) = common::example_credentials(op.id, KEY, PASSWORD) {
            let client = sim.client_builder().credentials(credentials).build().unwrap();
            client.authenticate().await.map(|_| serde_json::Value::Null)
        } else {
            let mut client = sim.client_builder();
            if sp {
                client = client.credentials(huaweicloud_meeting::Credentials::account(SP_ACCOUNT, PASSWORD));
            }
            let client = client.build().unwrap();
            // The host password opens the examples' meeting to a guest too; a password reset
            // presents the token check_verify_code's example answers.
            let meeting = common::meeting_of(op, &params).unwrap_or_default();
            let secret = match op.handle {
                huaweicloud_meeting::operations::Handle::PasswordReset => common::example_response("check_verify_code")
                    .unwrap()["token"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                _ => host_password.clone(),
            };
            common::call_on_handle(&client, op, &meeting, &secret, params, body)
                .await
                .map(|r| r.into_inner())
        };
        if let Err(e) = outcome {
            panic!("{}: the simulator does not serve its example request: {e}", op.id);
        }
        assert!(
            sim.requests().iter().any(|r| r.operation == op.id && r.status == 200),
            "{}: no successful call in the simulator's log: {:?}",
            op.id,
            sim.requests()
        );
    }
}

/// Every meeting-control operation the spec calls idempotent is: its example request sent
/// twice succeeds twice (muting a muted participant, locking a locked meeting...), unless the
/// first one ended the meeting (stop_meeting), after which the meeting's controls are refused
/// as the service refuses them.
#[tokio::test]
async fn idempotent_meeting_controls_can_be_repeated() {
    use huaweicloud_meeting::operations::{Handle, RetryClass, operations};
    let host_password = common::example_body("start_meeting").unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut repeated = 0;
    for op in operations()
        .iter()
        .filter(|op| op.handle == Handle::Conference && op.retry == RetryClass::Idempotent)
    {
        let sim = Simulator::builder().spec_examples(true).start().await.unwrap();
        let params = common::example_params(op.id);
        let id = common::meeting_of(op, &params).unwrap();
        let client = sim.client_builder().build().unwrap();
        let body = common::example_body(op.id);
        let call = || common::call_on_handle(&client, op, &id, &host_password, params.clone(), body.clone());
        call().await.unwrap_or_else(|e| panic!("{}: {e}", op.id));
        let before = sim.live_meeting(&id).map(|m| format!("{m:?}"));
        match call().await {
            Ok(_) => {
                let after = sim.live_meeting(&id).map(|m| format!("{m:?}"));
                assert_eq!(before, after, "{}: the repeat changed the meeting", op.id);
                repeated += 1;
            }
            Err(e) => assert!(
                sim.live_meeting(&id).is_none(),
                "{}: the repeat failed while the meeting is in progress: {e}",
                op.id
            ),
        }
    }
    assert!(repeated >= 20, "only {repeated} idempotent controls were repeated");
}
