//! The simulated enterprise: authentication, meetings, series and cloud meeting rooms.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime};
use rand::Rng as _;
use rand::distr::Alphanumeric;
use serde_json::{Value, json};

use super::SimulatorBuilder;
use crate::operations::{ErrorFormat, OperationMeta, Scheme, operations, scheme};
use crate::types::{AppAuthInfoV2, AuthReqDtov1, RestBulkDelAttendReqBody, RestScheduleConfDto, StartRequest};

/// Cloud meeting rooms of a new enterprise.
pub const DEFAULT_ROOMS: usize = 3;
/// Live tokens a user may hold with clientType 72; the next one evicts the oldest.
const MAX_TOKENS_PER_USER: usize = 64;
/// Sub-meetings of a series at most.
const MAX_SUB_MEETINGS: usize = 50;
/// Key of the enterprise's default administrator in the token tables.
const ADMIN: &str = "";

type Outcome = Result<Option<Value>, Failure>;

#[derive(Debug)]
struct Failure {
    status: u16,
    code: &'static str,
    message: String,
}

fn fail(status: u16, code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        status,
        code,
        message: message.into(),
    }
}

fn bad_request(message: impl Into<String>) -> Failure {
    fail(400, "MMC.111070001", message)
}

fn not_found(conference_id: &str) -> Failure {
    fail(
        400,
        "MMC.111070005",
        format!("CONF_DATA_NOT_FOUND: meeting {conference_id} does not exist"),
    )
}

/// The operation a method and path belong to.
pub(crate) fn route(method: &Method, path: &str) -> Option<&'static OperationMeta> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    operations().iter().find(|op| {
        let template: Vec<&str> = op.path.trim_matches('/').split('/').collect();
        op.method == method.as_str()
            && template.len() == segments.len()
            && template
                .iter()
                .zip(&segments)
                .all(|(t, s)| t.starts_with('{') || t == s)
    })
}

fn request_id() -> String {
    let mut rng = rand::rng();
    (0..32)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).expect("hex digit"))
        .collect()
}

fn random_token(prefix: &str) -> String {
    let tail: String = rand::rng().sample_iter(Alphanumeric).take(40).map(char::from).collect();
    format!("{prefix}{tail}")
}

fn with_common_headers(mut response: Response, request_id: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        "x-request-id",
        HeaderValue::from_str(request_id).expect("hex is a header value"),
    );
    headers.insert(
        "x-apig-ratelimit-api",
        HeaderValue::from_static("remain:99,limit:100,time:1 minute"),
    );
    headers.insert(
        "x-apig-ratelimit-api-allenv",
        HeaderValue::from_static("remain:199,limit:200,time:1 second"),
    );
    headers.insert("server", HeaderValue::from_static("api-gateway"));
    response
}

/// A response with any body.
pub(crate) fn raw(status: u16, content_type: &'static str, body: &'static str) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    with_common_headers(response, &request_id())
}

fn json_response(status: u16, body: &Value, request_id: &str) -> Response {
    let mut response = Response::new(Body::from(serde_json::to_vec(body).expect("JSON serializes")));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    with_common_headers(response, request_id)
}

/// The error body format of the operation (the spec's `x-meeting-error-format`); the API
/// gateway's own errors (no operation) have the meeting-management format.
fn error_format(op: Option<&OperationMeta>) -> ErrorFormat {
    op.map_or(ErrorFormat::Mmc, |op| op.error_format)
}

fn error_with_id(status: u16, code: &str, message: &str, format: ErrorFormat, request_id: &str) -> Response {
    let body = match format {
        ErrorFormat::Usg => json!({"error_code": code, "error_msg": message, "request_id": request_id}),
        _ => json!({"error_code": code, "error_msg": message}),
    };
    json_response(status, &body, request_id)
}

/// An error response as the service writes it for this operation.
pub(crate) fn error(status: u16, code: &str, message: &str, op: Option<&OperationMeta>) -> Response {
    error_with_id(status, code, message, error_format(op), &request_id())
}

struct AccessToken {
    user: String,
    expires: Instant,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MeetingState {
    Scheduled,
    InProgress,
}

struct Participant {
    number: String,
    name: String,
    participant_id: Option<String>,
}

struct Meeting {
    conference_id: String,
    definition: RestScheduleConfDto,
    host_password: String,
    guest_password: String,
    state: MeetingState,
    sub_meetings: Vec<NaiveDate>,
    participants: Vec<Participant>,
    owner: String,
}

struct Room {
    id: String,
    vmr_id: String,
    name: String,
    member: Option<String>,
}

pub(crate) struct Service {
    app_id: String,
    app_key: String,
    accounts: HashMap<String, String>,
    members: Vec<String>,
    rooms: Vec<Room>,
    tokens: HashMap<String, AccessToken>,
    tokens_by_user: HashMap<String, VecDeque<String>>,
    nonces: HashSet<String>,
    meetings: BTreeMap<String, Meeting>,
    conference_tokens: HashMap<String, (String, Instant)>,
    next_conference: u64,
    next_participant: u64,
    pub(crate) issued: Vec<String>,
    pub(crate) access_token_validity: Duration,
    pub(crate) conference_token_validity: Duration,
}

impl Service {
    pub(crate) fn new(config: &SimulatorBuilder) -> Self {
        let rooms = (0..config.rooms)
            .map(|i| Room {
                id: format!("5162fa32dc7e47afafeee39a72a2{i:04x}"),
                vmr_id: format!("{}", 912_992_631 + i),
                name: format!("Cloud meeting room {}", i + 1),
                member: None,
            })
            .collect();
        Service {
            app_id: config.app_id.clone(),
            app_key: config.app_key.clone(),
            accounts: config.accounts.iter().cloned().collect(),
            members: config.members.clone(),
            rooms,
            tokens: HashMap::new(),
            tokens_by_user: HashMap::new(),
            nonces: HashSet::new(),
            meetings: BTreeMap::new(),
            conference_tokens: HashMap::new(),
            next_conference: 914_000_001,
            next_participant: 1,
            issued: Vec::new(),
            access_token_validity: config.access_token_validity,
            conference_token_validity: config.conference_token_validity,
        }
    }

    pub(crate) fn expire_access_tokens(&mut self) {
        let now = Instant::now();
        self.tokens.values_mut().for_each(|t| t.expires = now);
    }

    pub(crate) fn expire_conference_tokens(&mut self) {
        let now = Instant::now();
        self.conference_tokens
            .values_mut()
            .for_each(|(_, expires)| *expires = now);
    }

    /// Expires the token a request presents.
    pub(crate) fn expire_presented(&mut self, headers: &HeaderMap) {
        let now = Instant::now();
        if let Some(token) = header(headers, "x-access-token").and_then(|t| self.tokens.get_mut(&t)) {
            token.expires = now;
        }
        if let Some(token) =
            header(headers, "x-conference-authorization").and_then(|t| self.conference_tokens.get_mut(&t))
        {
            token.1 = now;
        }
    }

    pub(crate) fn live_tokens(&self, user_id: Option<&str>) -> usize {
        let now = Instant::now();
        self.tokens_by_user.get(user_id.unwrap_or(ADMIN)).map_or(0, |queue| {
            queue
                .iter()
                .filter(|t| self.tokens.get(*t).is_some_and(|t| t.expires > now))
                .count()
        })
    }

    pub(crate) fn handle(
        &mut self,
        op: Option<&'static OperationMeta>,
        method: &Method,
        path: &str,
        query: &[(String, String)],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        let request_id = header(headers, "x-request-id")
            .filter(|id| HeaderValue::from_str(id).is_ok())
            .unwrap_or_else(request_id);
        let outcome = match op {
            None => Err(fail(
                404,
                "APIGW.0101",
                format!("The API does not exist: {method} {path}"),
            )),
            Some(op) => self.authorized(op, query, headers).and_then(|user| {
                crate::validate::check_parts(op, path, query, headers, Some(body)).map_err(|v| {
                    let code = match op.error_format {
                        ErrorFormat::Usg => "USG.000000001",
                        _ => "MMC.111070001",
                    };
                    fail(400, code, format!("{} {}", v.field, v.reason))
                })?;
                self.operation(op.id, &user, path, query, headers, body)
            }),
        };
        match outcome {
            Ok(Some(body)) => json_response(200, &body, &request_id),
            Ok(None) => {
                let mut response = Response::new(Body::empty());
                response.headers_mut().insert(
                    "content-type",
                    HeaderValue::from_static("application/json;charset=UTF-8"),
                );
                with_common_headers(response, &request_id)
            }
            Err(f) => error_with_id(f.status, f.code, &f.message, error_format(op), &request_id),
        }
    }

    /// Checks the credential the operation needs; returns the user (the admin is "").
    fn authorized(
        &mut self,
        op: &OperationMeta,
        query: &[(String, String)],
        headers: &HeaderMap,
    ) -> Result<String, Failure> {
        let now = Instant::now();
        match op.security.first().copied() {
            Some(Scheme::AccessToken) => {
                let token = header(headers, "x-access-token")
                    .ok_or_else(|| fail(401, "USG.000000004", "X-Access-Token is missing"))?;
                match self.tokens.get(&token) {
                    Some(t) if t.expires > now => Ok(t.user.clone()),
                    _ => Err(fail(401, "USG.000000004", "The token is invalid or has expired")),
                }
            }
            Some(Scheme::ConferenceToken) => {
                let token = header(headers, "x-conference-authorization")
                    .ok_or_else(|| fail(401, "MMC.118000001", "X-Conference-Authorization is missing"))?;
                let parameter = scheme(Scheme::ConferenceToken).conference_parameter.unwrap_or_default();
                let conference_id = param(query, parameter).unwrap_or_default();
                match self.conference_tokens.get(&token) {
                    Some((id, expires)) if *expires > now && *id == conference_id => Ok(ADMIN.into()),
                    _ => Err(fail(
                        401,
                        "MMC.118000001",
                        "USER_TOKEN_AUTH_FAILED: the meeting-control token is invalid or has expired",
                    )),
                }
            }
            _ => Ok(ADMIN.into()),
        }
    }

    fn operation(
        &mut self,
        id: &str,
        user: &str,
        path: &str,
        query: &[(String, String)],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Outcome {
        match id {
            "create_app_id_token" => self.create_app_id_token(headers, body),
            "create_token" => self.create_token(headers, body),
            "create_conf_token" => self.create_conf_token(query, headers),
            "create_meeting" => self.create_meeting(user, body, false),
            "create_recurring_meeting" => self.create_meeting(user, body, true),
            "update_recurring_meeting" => self.update_recurring_meeting(query, body),
            "search_meetings" => self.search_meetings(query),
            "show_meeting_detail" => self.show_meeting_detail(query),
            "start_meeting" => self.start_meeting(body),
            "cancel_meeting" => self.cancel_meeting(query),
            "delete_attendees" => self.delete_attendees(query, body),
            "search_corp_vmr" => self.search_corp_vmr(query),
            "associate_vmr" => self.assign_rooms(path, query, body, true),
            "disassociate_vmr" => self.assign_rooms(path, query, body, false),
            other => Err(fail(501, "SIM.NOT_IMPLEMENTED", format!("{other} is not simulated"))),
        }
    }

    fn issue_access_token(&mut self, user: &str, user_json: Value) -> Value {
        let now = Instant::now();
        self.tokens.retain(|_, t| t.expires > now);
        let queue = self.tokens_by_user.entry(user.to_owned()).or_default();
        queue.retain(|t| self.tokens.contains_key(t));
        while queue.len() >= MAX_TOKENS_PER_USER {
            // The 65th token invalidates the oldest.
            if let Some(oldest) = queue.pop_front() {
                self.tokens.remove(&oldest);
            }
        }
        let token = random_token("stb");
        self.issued.push(token.clone());
        queue.push_back(token.clone());
        let validity = self.access_token_validity;
        self.tokens.insert(
            token.clone(),
            AccessToken {
                user: user.to_owned(),
                expires: now + validity,
            },
        );
        let unix = chrono::Utc::now().timestamp();
        json!({
            "accessToken": token,
            "clientType": 72,
            "createTime": unix * 1000,
            "expireTime": unix + validity.as_secs() as i64,
            "validPeriod": validity.as_secs(),
            "tokenIp": "127.0.0.1",
            "tokenType": 0,
            "firstLogin": false,
            "pwdExpired": false,
            "delayDelete": false,
            "forceLoginInd": null,
            "proxyToken": null,
            "user": user_json,
        })
    }

    fn create_app_id_token(&mut self, headers: &HeaderMap, body: &[u8]) -> Outcome {
        let auth: AppAuthInfoV2 = parse(body)?;
        let authorization =
            header(headers, "authorization").ok_or_else(|| fail(401, "USG.206010000", "Authorization is missing"))?;
        let (signature, access) = parse_hmac_authorization(&authorization)
            .ok_or_else(|| fail(401, "USG.206010000", "Authorization is not `HMAC-SHA256 signature=...`"))?;
        if auth.app_id != self.app_id
            || access.is_some_and(|a| BASE64.decode(a).ok().as_deref() != Some(auth.app_id.as_bytes()))
        {
            return Err(fail(401, "USG.206010000", "Unknown App ID"));
        }
        if auth.corp_id.as_deref().is_some_and(|c| !c.is_empty()) {
            return Err(fail(
                401,
                "USG.206010000",
                "corpId is only allowed in multi-tenant mode",
            ));
        }
        let expected = crate::auth::app_id_signature(
            &auth.app_id,
            &self.app_key,
            None,
            auth.user_id.as_deref(),
            auth.expire_time,
            &auth.nonce,
        );
        if !expected.eq_ignore_ascii_case(&signature) {
            return Err(fail(401, "USG.206010000", "The App ID signature is wrong"));
        }
        if auth.expire_time != 0 && auth.expire_time < chrono::Utc::now().timestamp() {
            return Err(fail(
                401,
                "USG.206010057",
                "APPID_AUTH_EXPIRE: the signature has expired",
            ));
        }
        if !self.nonces.insert(auth.nonce.clone()) {
            return Err(fail(401, "USG.206010000", "The nonce was already used"));
        }
        let user = auth.user_id.clone().unwrap_or_default();
        let user_json = json!({
            "ucloginAccount": if user.is_empty() { "admin".to_owned() } else { user.clone() },
            "userId": user,
            "appId": auth.app_id,
            "thirdAccount": user,
            "userType": 2,
            "adminType": if user.is_empty() { 0 } else { 2 },
            "status": 0,
            "password": null,
        });
        Ok(Some(self.issue_access_token(&user, user_json)))
    }

    fn create_token(&mut self, headers: &HeaderMap, body: &[u8]) -> Outcome {
        let request: AuthReqDtov1 = parse(body)?;
        let wrong = || fail(401, "USG.206010000", "User name or password is incorrect");
        let basic = header(headers, "authorization")
            .and_then(|a| a.strip_prefix("Basic ").map(str::to_owned))
            .ok_or_else(wrong)?;
        let decoded = BASE64
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(wrong)?;
        let (account, password) = decoded.split_once(':').ok_or_else(wrong)?;
        if account != request.account || self.accounts.get(account).map(String::as_str) != Some(password) {
            return Err(wrong());
        }
        let user_json = json!({"ucloginAccount": account, "userType": 2, "adminType": 1, "status": 0});
        let account = account.to_owned();
        Ok(Some(self.issue_access_token(&account, user_json)))
    }

    fn meeting(&mut self, query: &[(String, String)]) -> Result<&mut Meeting, Failure> {
        let id = param(query, "conferenceID").unwrap_or_default();
        self.meetings.get_mut(&id).ok_or_else(|| not_found(&id))
    }

    fn create_conf_token(&mut self, query: &[(String, String)], headers: &HeaderMap) -> Outcome {
        if header(headers, "x-login-type").as_deref() != Some("1") {
            return Err(bad_request("X-Login-Type must be 1"));
        }
        let password = header(headers, "x-password").unwrap_or_default();
        let validity = self.conference_token_validity;
        let meeting = self
            .meeting(query)
            .map_err(|_| fail(400, "MMC.111072065", "CONF_NOT_FOUND_OR_AUTH_FAILED"))?;
        if meeting.host_password != password {
            return Err(fail(400, "MMC.111072065", "CONF_NOT_FOUND_OR_AUTH_FAILED"));
        }
        if meeting.state != MeetingState::InProgress {
            return Err(fail(400, "MMC.111072005", "The meeting has not started"));
        }
        let conference_id = meeting.conference_id.clone();
        let owner = meeting.owner.clone();
        let token = random_token("stb");
        self.issued.push(token.clone());
        self.conference_tokens
            .insert(token.clone(), (conference_id.clone(), Instant::now() + validity));
        let expire_ms = chrono::Utc::now().timestamp_millis() + validity.as_millis() as i64;
        Ok(Some(json!({
            "addressToken": random_token("cnr"),
            "gloablPublicIP": "meeting.huaweicloud.com",
            "data": {
                "token": token,
                "tmpWsToken": random_token(""),
                "wsURL": "wss://127.0.0.1",
                "role": 1,
                "expireTime": expire_ms,
                "confTokenExpireTime": validity.as_secs(),
                "userID": owner,
                "orgID": "40454",
                "vmrCurrentConfID": conference_id,
                "supportNotifyType": ["INCREMENT"],
            }
        })))
    }

    fn create_meeting(&mut self, user: &str, body: &[u8], recurring: bool) -> Outcome {
        let definition: RestScheduleConfDto = parse(body)?;
        let sub_meetings = if recurring {
            let cycle = definition
                .cycle_params
                .as_ref()
                .ok_or_else(|| bad_request("cycleParams is mandatory for a recurring meeting"))?;
            sub_meeting_dates(cycle)?
        } else {
            Vec::new()
        };
        let starts_now = definition.start_time.as_deref().is_none_or(str::is_empty) && !recurring;
        let conference_id = self.next_conference.to_string();
        self.next_conference += 1;
        let participants = definition
            .attendees
            .iter()
            .enumerate()
            .map(|(i, a)| Participant {
                number: a
                    .phone
                    .clone()
                    .or_else(|| a.account_id.clone())
                    .unwrap_or_else(|| format!("+99111600{i:04}")),
                name: a.name.clone().unwrap_or_default(),
                participant_id: None,
            })
            .collect();
        let mut meeting = Meeting {
            conference_id: conference_id.clone(),
            host_password: format!("{:06}", rand::rng().random_range(0..1_000_000)),
            guest_password: format!("{:06}", rand::rng().random_range(0..1_000_000)),
            definition,
            state: MeetingState::Scheduled,
            sub_meetings,
            participants,
            owner: user.to_owned(),
        };
        if starts_now {
            self.activate(&mut meeting);
        }
        let info = conference_info(&meeting);
        self.meetings.insert(conference_id, meeting);
        Ok(Some(json!([info])))
    }

    fn activate(&mut self, meeting: &mut Meeting) {
        meeting.state = MeetingState::InProgress;
        for participant in &mut meeting.participants {
            participant.participant_id.get_or_insert_with(|| {
                self.next_participant += 1;
                format!("{:032x}", 0xba9a_cb1e_u128 << 64 | u128::from(self.next_participant))
            });
        }
    }

    fn update_recurring_meeting(&mut self, query: &[(String, String)], body: &[u8]) -> Outcome {
        let definition: RestScheduleConfDto = parse(body)?;
        let meeting = self.meeting(query)?;
        if meeting.sub_meetings.is_empty() {
            return Err(bad_request("the meeting is not a recurring series"));
        }
        if meeting.state == MeetingState::InProgress {
            return Err(bad_request("a meeting that has started cannot be modified"));
        }
        let cycle = definition
            .cycle_params
            .as_ref()
            .ok_or_else(|| bad_request("cycleParams is mandatory for a recurring meeting"))?;
        meeting.sub_meetings = sub_meeting_dates(cycle)?;
        // Full replacement: what the body omits returns to its default.
        meeting.definition = definition;
        Ok(Some(json!([conference_info(meeting)])))
    }

    fn search_meetings(&mut self, query: &[(String, String)]) -> Outcome {
        let offset = int_param(query, "offset").unwrap_or(0).max(0) as usize;
        let limit = int_param(query, "limit").unwrap_or(20).max(0) as usize;
        let key = param(query, "searchKey").unwrap_or_default();
        let mut matching: Vec<&Meeting> = self
            .meetings
            .values()
            .filter(|m| {
                key.is_empty()
                    || m.conference_id.contains(&key)
                    || m.definition.subject.as_deref().unwrap_or("").contains(&key)
            })
            .collect();
        if param(query, "sortType").as_deref() == Some("DSC_StartTIME") {
            matching.reverse();
        }
        let data: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(limit)
            .map(|m| conference_info(m))
            .collect();
        Ok(Some(
            json!({"offset": offset, "limit": limit, "count": matching.len(), "data": data}),
        ))
    }

    fn show_meeting_detail(&mut self, query: &[(String, String)]) -> Outcome {
        let offset = int_param(query, "offset").unwrap_or(0).max(0) as usize;
        let limit = int_param(query, "limit").unwrap_or(20).max(0) as usize;
        let meeting = self.meeting(query)?;
        let participants: Vec<Value> = meeting
            .participants
            .iter()
            .skip(offset)
            .take(limit)
            .map(|p| {
                json!({
                    "participantID": p.number, "name": p.name, "role": 0, "state": "MEETTING",
                    "attendeeType": "normal", "subscriberID": p.participant_id,
                })
            })
            .collect();
        Ok(Some(json!({
            "conferenceData": conference_info(meeting),
            "data": {"offset": offset, "limit": limit, "count": meeting.participants.len(), "data": participants},
        })))
    }

    fn start_meeting(&mut self, body: &[u8]) -> Outcome {
        let request: StartRequest = parse(body)?;
        let id = request.conference_id.clone();
        let mut meeting = self.meetings.remove(&id).ok_or_else(|| not_found(&id))?;
        let guest_allowed = meeting
            .definition
            .conf_config_info
            .as_ref()
            .and_then(|c| c.allow_guest_start_conf)
            .unwrap_or(false);
        let password = request.password.expose();
        let accepted = password == meeting.host_password || (guest_allowed && password == meeting.guest_password);
        if accepted {
            self.activate(&mut meeting);
        }
        self.meetings.insert(id, meeting);
        if !accepted {
            return Err(fail(
                400,
                "MMC.111072065",
                "CONF_NOT_FOUND_OR_AUTH_FAILED: wrong meeting password",
            ));
        }
        Ok(Some(json!({"uuid": random_token("stb"), "regionIP": "127.0.0.1"})))
    }

    fn cancel_meeting(&mut self, query: &[(String, String)]) -> Outcome {
        let end_if_started = int_param(query, "type") == Some(1);
        let meeting = self.meeting(query)?;
        if meeting.state == MeetingState::InProgress && !end_if_started {
            return Err(bad_request(
                "the meeting is in progress: cancel it with type=1 to end it",
            ));
        }
        let id = meeting.conference_id.clone();
        self.meetings.remove(&id);
        self.conference_tokens.retain(|_, (conference, _)| *conference != id);
        Ok(None)
    }

    fn delete_attendees(&mut self, query: &[(String, String)], body: &[u8]) -> Outcome {
        let request: RestBulkDelAttendReqBody = parse(body)?;
        let meeting = self.meeting(query)?;
        if meeting.state != MeetingState::InProgress {
            return Err(fail(400, "MMC.111072005", "The meeting is not in progress"));
        }
        for removal in &request.bulk_del_attend_info {
            if !meeting.participants.iter().any(|p| p.number == removal.number) {
                return Err(bad_request(format!(
                    "participant {} is not in the meeting",
                    removal.number
                )));
            }
        }
        meeting
            .participants
            .retain(|p| !request.bulk_del_attend_info.iter().any(|r| r.number == p.number));
        Ok(None)
    }

    fn search_corp_vmr(&mut self, query: &[(String, String)]) -> Outcome {
        let offset = int_param(query, "offset").unwrap_or(0).max(0) as usize;
        let limit = int_param(query, "limit").unwrap_or(10).max(1) as usize;
        let key = param(query, "searchKey").unwrap_or_default();
        let status = int_param(query, "status");
        let rooms: Vec<Value> = self
            .rooms
            .iter()
            .filter(|r| key.is_empty() || r.name.contains(&key) || r.vmr_id.contains(&key) || r.member.as_deref().is_some_and(|m| m.contains(&key)))
            .map(|r| {
                let room_status = if r.member.is_some() { 0 } else { 2 };
                let mut room = json!({
                    "id": r.id, "vmrId": r.vmr_id, "vmrName": r.name, "vmrPkgName": "Small cloud meeting room - 10",
                    "vmrPkgParties": 10, "maxAudienceParties": 0, "status": room_status, "expireDate": 1_893_456_000_000_i64,
                });
                if let Some(member) = &r.member {
                    room["member"] = json!({"id": member, "mark": member});
                }
                room
            })
            .filter(|room| status.is_none_or(|s| room["status"] == s))
            .collect();
        let count = rooms.len();
        let page: Vec<Value> = rooms.into_iter().skip(offset).take(limit).collect();
        Ok(Some(
            json!({"offset": offset, "limit": limit, "count": count, "data": page}),
        ))
    }

    fn assign_rooms(&mut self, path: &str, query: &[(String, String)], body: &[u8], assign: bool) -> Outcome {
        let ids: Vec<String> = parse(body)?;
        let account = path
            .rsplit('/')
            .next()
            .map(|a| percent_encoding::percent_decode_str(a).decode_utf8_lossy().into_owned())
            .unwrap_or_default();
        let known = match int_param(query, "accountType").unwrap_or(0) {
            1 => self.members.contains(&account),
            _ => self.accounts.contains_key(&account),
        };
        if !known {
            return Err(fail(400, "USG.201040000", format!("User {account} does not exist")));
        }
        for id in &ids {
            let room = self
                .rooms
                .iter()
                .find(|r| &r.id == id)
                .ok_or_else(|| fail(400, "USG.000000001", format!("cloud meeting room {id} does not exist")))?;
            match (&room.member, assign) {
                (Some(other), true) if *other != account => {
                    return Err(fail(
                        400,
                        "USG.000000001",
                        format!("cloud meeting room {id} is assigned to another member"),
                    ));
                }
                (member, false) if member.as_deref() != Some(account.as_str()) => {
                    return Err(fail(
                        400,
                        "USG.000000001",
                        format!("cloud meeting room {id} is not assigned to {account}"),
                    ));
                }
                _ => {}
            }
        }
        for room in self.rooms.iter_mut().filter(|r| ids.contains(&r.id)) {
            room.member = assign.then(|| account.clone());
        }
        Ok(None)
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn param(query: &[(String, String)], name: &str) -> Option<String> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn int_param(query: &[(String, String)], name: &str) -> Option<i64> {
    param(query, name).and_then(|v| v.parse().ok())
}

/// Parses a body the way the service does: `null` for an optional field means absent.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    let mut value: Value = serde_json::from_slice(body).map_err(|e| bad_request(format!("invalid body: {e}")))?;
    crate::validate::drop_nulls(&mut value);
    serde_json::from_value(value).map_err(|e| bad_request(format!("invalid body: {e}")))
}

/// `HMAC-SHA256 signature=<hex>[,access=<base64>]` -> (signature, access).
fn parse_hmac_authorization(value: &str) -> Option<(String, Option<&str>)> {
    let rest = value.strip_prefix("HMAC-SHA256 ")?;
    let mut signature = None;
    let mut access = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("signature", v)) => signature = Some(v.to_owned()),
            Some(("access", v)) => access = Some(v),
            _ => {}
        }
    }
    Some((signature?, access))
}

fn date(value: &str, field: &str) -> Result<NaiveDate, Failure> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| bad_request(format!("cycleParams.{field} {value:?} is not a date (YYYY-MM-DD)")))
}

/// The days of a series, as the service computes them (at most 50).
fn sub_meeting_dates(cycle: &crate::types::CycleParams) -> Result<Vec<NaiveDate>, Failure> {
    use crate::types::CycleParamsCycle as Cycle;
    let start = date(&cycle.start_date, "startDate")?;
    let end = date(&cycle.end_date, "endDate")?;
    if end < start {
        return Err(bad_request("cycleParams.endDate is before startDate"));
    }
    if end > start.checked_add_months(Months::new(12)).unwrap_or(start) {
        return Err(bad_request("cycleParams.endDate is more than one year after startDate"));
    }
    let interval = cycle.interval.unwrap_or(1).max(1) as u32;
    let (max_interval, unit) = match cycle.cycle {
        Cycle::Day => (15, "Day"),
        Cycle::Week => (5, "Week"),
        Cycle::Month => (3, "Month"),
    };
    if interval > max_interval {
        return Err(bad_request(format!(
            "cycleParams.interval {interval} is more than {max_interval} for {unit}"
        )));
    }
    let mut dates = Vec::new();
    match cycle.cycle {
        Cycle::Day => {
            let mut day = start;
            while day <= end && dates.len() < MAX_SUB_MEETINGS {
                dates.push(day);
                day = day + Days::new(u64::from(interval));
            }
        }
        Cycle::Week => {
            let weekdays: Vec<u32> = if cycle.point.is_empty() {
                vec![start.weekday().num_days_from_sunday()]
            } else {
                cycle.point.iter().map(|p| *p as u32).collect()
            };
            if weekdays.iter().any(|d| *d > 6) {
                return Err(bad_request("cycleParams.point must be 0 (Sunday) to 6 for Week"));
            }
            let mut week_start = start - Days::new(u64::from(start.weekday().num_days_from_sunday()));
            while week_start <= end && dates.len() < MAX_SUB_MEETINGS {
                for offset in 0..7 {
                    let day = week_start + Days::new(offset);
                    if weekdays.contains(&(offset as u32))
                        && day >= start
                        && day <= end
                        && dates.len() < MAX_SUB_MEETINGS
                    {
                        dates.push(day);
                    }
                }
                week_start = week_start + Days::new(7 * u64::from(interval));
            }
        }
        Cycle::Month => {
            let days: Vec<u32> = if cycle.point.is_empty() {
                vec![start.day()]
            } else {
                cycle.point.iter().map(|p| *p as u32).collect()
            };
            if days.iter().any(|d| !(1..=31).contains(d)) {
                return Err(bad_request("cycleParams.point must be 1 to 31 for Month"));
            }
            let mut month = start.with_day(1).expect("day 1 exists");
            while month <= end && dates.len() < MAX_SUB_MEETINGS {
                let last = (month + Months::new(1))
                    .pred_opt()
                    .expect("a month has a last day")
                    .day();
                let mut in_month: Vec<NaiveDate> = days
                    .iter()
                    .map(|d| month.with_day((*d).min(last)).expect("clamped day exists"))
                    .collect();
                in_month.sort();
                in_month.dedup();
                for day in in_month {
                    if day >= start && day <= end && dates.len() < MAX_SUB_MEETINGS {
                        dates.push(day);
                    }
                }
                month = month + Months::new(interval);
            }
        }
    }
    if dates.is_empty() {
        return Err(bad_request("the series has no meeting between startDate and endDate"));
    }
    Ok(dates)
}

fn conference_info(meeting: &Meeting) -> Value {
    let d = &meeting.definition;
    let length = i64::from(d.length.unwrap_or(30));
    let time_of_day = d
        .start_time
        .as_deref()
        .filter(|t| t.len() >= 16)
        .map_or("00:00", |t| &t[11..16])
        .to_owned();
    let start = match (
        meeting.sub_meetings.first(),
        d.start_time.as_deref().filter(|t| !t.is_empty()),
    ) {
        (Some(first), _) => format!("{} {time_of_day}", first.format("%Y-%m-%d")),
        (None, Some(t)) => t.to_owned(),
        (None, None) => chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string(),
    };
    let end = NaiveDateTime::parse_from_str(&start, "%Y-%m-%d %H:%M")
        .map(|s| {
            (s + chrono::Duration::minutes(length))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let media = if d.media_types.contains("HDVideo") || d.media_types.contains("Video") {
        "HDVideo,Data,Voice"
    } else {
        "Voice,Data"
    };
    let recurring = !meeting.sub_meetings.is_empty();
    let config = d.conf_config_info.clone().unwrap_or_default();
    let mut info = json!({
        "conferenceID": meeting.conference_id,
        "subject": d.subject.clone().unwrap_or_default(),
        "size": meeting.participants.len(),
        "timeZoneID": d.time_zone_id.clone().unwrap_or_else(|| "56".into()),
        "startTime": start,
        "endTime": end,
        "mediaTypes": media,
        "conferenceState": if meeting.state == MeetingState::InProgress { "Created" } else { "Schedule" },
        "language": d.language.map_or_else(|| "zh-CN".to_owned(), |l| l.to_string()),
        "accessNumber": "+991117",
        "passwordEntry": [
            {"conferenceRole": "chair", "password": meeting.host_password},
            {"conferenceRole": "general", "password": meeting.guest_password},
        ],
        "userUUID": meeting.owner,
        "scheduserName": if meeting.owner.is_empty() { "admin" } else { meeting.owner.as_str() },
        "conferenceType": if recurring { 2 } else { 0 },
        "confType": if recurring { "CYCLE" } else if meeting.state == MeetingState::InProgress { "IMMEDIATELY" } else { "FUTURE" },
        "isAutoRecord": d.is_auto_record.unwrap_or(0),
        "chairJoinUri": format!("https://127.0.0.1/#/j/{}/chair", meeting.conference_id),
        "guestJoinUri": format!("https://127.0.0.1/#/j/{}/guest", meeting.conference_id),
        "recordType": d.record_type.unwrap_or(0),
        "recordAuxStream": d.record_aux_stream.unwrap_or(0),
        "recordAuthType": d.record_auth_type.unwrap_or(2),
        "confConfigInfo": {
            "isSendNotify": config.is_send_notify.unwrap_or(true),
            "isSendSms": config.is_send_sms.unwrap_or(true),
            "isSendCalendar": config.is_send_calendar.unwrap_or(true),
            "isAutoMute": config.is_auto_mute.unwrap_or(false),
            "isGuestFreePwd": config.is_guest_free_pwd.unwrap_or(false),
            "callInRestriction": config.call_in_restriction.map_or(0, |c| *c),
            "audienceCallInRestriction": 0,
            "allowGuestStartConf": config.allow_guest_start_conf.unwrap_or(false),
            "enableWaitingRoom": config.enable_waiting_room.unwrap_or(false),
            "prolongLength": config.prolong_length.unwrap_or(0),
            "inviteMode": "AUTO_INVITE",
        },
        "vmrFlag": d.vmr_flag.unwrap_or(0),
        "scheduleVmr": false,
        "isHasRecordFile": false,
        "partAttendeeInfo": meeting.participants.iter().take(20).map(|p| json!({
            "name": p.name, "phone": p.number, "role": 0, "isMute": 0, "type": "normal", "hidePhone": false,
        })).collect::<Vec<_>>(),
        "terminlCount": 0,
        "normalCount": meeting.participants.len(),
        "deptName": "simulated enterprise",
        "confMode": "RTC",
        "webinar": false,
        "multiStreamFlag": 1,
        "concurrentParticipants": d.concurrent_participants.unwrap_or(0),
        "supportSimultaneousInterpretation": d.support_simultaneous_interpretation.unwrap_or(false),
    });
    if let Some(cycle) = &d.cycle_params {
        info["cycleParams"] = json!({
            "startDate": cycle.start_date, "endDate": cycle.end_date, "cycle": cycle.cycle.to_string(),
            "interval": cycle.interval.unwrap_or(1), "point": if cycle.point.is_empty() { Value::Null } else { json!(cycle.point) },
            "preRemindDays": cycle.pre_remind_days, "cycleCount": meeting.sub_meetings.len(),
        });
        info["subConfs"] = meeting
            .sub_meetings
            .iter()
            .enumerate()
            .map(|(i, day)| {
                let sub_start = format!("{} {time_of_day}", day.format("%Y-%m-%d"));
                let sub_end = NaiveDateTime::parse_from_str(&sub_start, "%Y-%m-%d %H:%M")
                    .map(|s| (s + chrono::Duration::minutes(length)).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default();
                json!({
                    "cycleSubConfID": format!("{:024x}{:08x}", meeting.conference_id.parse::<u128>().unwrap_or(0), i),
                    "conferenceID": meeting.conference_id, "startTime": sub_start, "endTime": sub_end,
                    "mediaType": media, "isAutoRecord": 0, "recordAuthType": 2,
                    "confConfigInfo": {"callInRestriction": 0, "audienceCallInRestriction": 0, "allowGuestStartConf": config.allow_guest_start_conf.unwrap_or(false), "enableWaitingRoom": false},
                })
            })
            .collect::<Vec<_>>()
            .into();
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{CycleParams, CycleParamsCycle};

    fn cycle(kind: CycleParamsCycle, start: &str, end: &str, interval: i32, point: Vec<i32>) -> CycleParams {
        CycleParams::builder()
            .cycle(kind)
            .start_date(start)
            .end_date(end)
            .interval(interval)
            .point(point)
            .pre_remind_days(1)
            .try_into()
            .unwrap()
    }

    fn days(c: &CycleParams) -> Vec<String> {
        sub_meeting_dates(c)
            .unwrap_or_default()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn series_dates_follow_the_cycle() {
        assert_eq!(
            days(&cycle(CycleParamsCycle::Day, "2021-09-01", "2021-09-02", 1, vec![])),
            ["2021-09-01", "2021-09-02"]
        );
        assert_eq!(
            days(&cycle(CycleParamsCycle::Day, "2021-09-01", "2021-09-07", 3, vec![])),
            ["2021-09-01", "2021-09-04", "2021-09-07"]
        );
        // 2026-11-23 is a Monday: Mondays and Wednesdays of two weeks.
        assert_eq!(
            days(&cycle(
                CycleParamsCycle::Week,
                "2026-11-23",
                "2026-12-04",
                1,
                vec![1, 3]
            )),
            ["2026-11-23", "2026-11-25", "2026-11-30", "2026-12-02"]
        );
        // Day 31 of a shorter month means its last day.
        assert_eq!(
            days(&cycle(CycleParamsCycle::Month, "2027-01-31", "2027-03-31", 1, vec![31])),
            ["2027-01-31", "2027-02-28", "2027-03-31"]
        );
        assert_eq!(
            sub_meeting_dates(&cycle(CycleParamsCycle::Day, "2026-01-01", "2026-12-31", 1, vec![]))
                .unwrap()
                .len(),
            MAX_SUB_MEETINGS
        );
        assert!(sub_meeting_dates(&cycle(CycleParamsCycle::Day, "2026-01-02", "2026-01-01", 1, vec![])).is_err());
        assert!(sub_meeting_dates(&cycle(CycleParamsCycle::Week, "2026-01-01", "2026-02-01", 6, vec![])).is_err());
    }

    #[test]
    fn routes_match_templates() {
        assert_eq!(
            route(&Method::POST, "/v1/usg/dcs/corp/vmr/assign-to-member/alice").map(|o| o.id),
            Some("associate_vmr")
        );
        assert_eq!(
            route(&Method::DELETE, "/v1/mmc/management/conferences").map(|o| o.id),
            Some("cancel_meeting")
        );
        assert!(route(&Method::PATCH, "/v1/mmc/management/conferences").is_none());
    }
}
