//! Customer messages leave through their channel's provider: sign-in codes by e-mail over
//! SMTP and by SMS through a Twilio-compatible provider, and the storefront sign-in works with
//! the code as received. The message log records how each sending went.

use std::time::Duration;

use serde_json::{Value, json};

use super::{eventually, fast, text};
use crate::support::portal::PORTAL;
use crate::support::standins::{SmtpSink, StandIn};
use crate::support::{Backend, TestApp};

crate::on_both_backends!(
    an_emailed_code_reaches_the_smtp_server_and_signs_the_customer_in,
    a_texted_code_reaches_the_sms_provider_and_signs_the_customer_in,
    without_a_provider_messages_are_logged,
);

const PHONE: &str = "+85291234567";

/// The six-digit code in a message.
fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

/// The newest message to `recipient` in the merchant's log.
fn logged(app: &TestApp, recipient: &str) -> Value {
    let r = app
        .get(
            &format!(
                "/v1/notifications?kind=otp&recipient={}",
                recipient.replace('+', "%2B").replace('@', "%40")
            ),
            Some(&app.owner),
        )
        .expect(200);
    r.body["data"][0].clone()
}

fn an_emailed_code_reaches_the_smtp_server_and_signs_the_customer_in(b: Backend) {
    let sink = SmtpSink::start();
    let app = TestApp::start_outbound(
        b,
        kedai::OutboundSettings {
            smtp_url: Some(sink.url().into()),
            smtp_from: "Test Cafe <hello@kedai.test>".into(),
            ..fast()
        },
        true,
    );
    app.patch(
        "/v1/storefront/settings",
        Some(&app.owner),
        &json!({ "login_channel": "email" }),
    )
    .expect(200);
    app.prove("email", "amy@example.com");
    app.portal_post(
        "/auth/register",
        None,
        &json!({ "name": "Amy", "phone": PHONE, "email": "amy@example.com" }),
    )
    .expect(201);
    app.age_codes(3_661, Some("amy@example.com"));
    // The code that proved the address went out too.
    eventually(Duration::from_secs(10), "the first code's mail", || {
        sink.mails().len() == 1
    });
    app.portal_post("/auth/otp", None, &json!({ "email": "amy@example.com" }))
        .expect(200);
    eventually(Duration::from_secs(10), "the code's mail", || {
        sink.mails().len() == 2
    });
    let mail = sink.mails().pop().unwrap_or_else(|| panic!("no mail"));
    assert_eq!(mail.to, ["amy@example.com"]);
    assert_eq!(mail.from, "hello@kedai.test");
    assert!(mail.data.contains("Subject: Your "), "{}", mail.data);
    let code = code_in(mail.data.split("\r\n\r\n").nth(1).unwrap_or(&mail.data));
    let d = app
        .portal_post(
            "/auth/otp/verify",
            None,
            &json!({ "email": "amy@example.com", "otp": code }),
        )
        .expect(200);
    let token = text(&d.body["data"]["accessToken"]);
    app.get(&format!("{PORTAL}/profile"), Some(&token))
        .expect(200);
    eventually(Duration::from_secs(5), "logged as sent", || {
        logged(&app, "amy@example.com")["delivery_status"] == json!("sent")
    });
    let m = logged(&app, "amy@example.com");
    assert_eq!(m["transport"], json!("smtp"));
    assert_eq!(m["delivery_attempts"], json!(1));
    assert!(m["delivered_at"].is_string());
}

fn a_texted_code_reaches_the_sms_provider_and_signs_the_customer_in(b: Backend) {
    let provider = StandIn::start(r#"{"sid":"SM0123456789","status":"queued"}"#);
    let app = TestApp::start_outbound(
        b,
        kedai::OutboundSettings {
            sms_api_url: provider.url.clone(),
            sms_account_sid: Some("AC0001".into()),
            sms_auth_token: Some("token-0001".into()),
            sms_from: Some("+15550001111".into()),
            ..fast()
        },
        true,
    );
    // The first attempt fails at the provider and is retried.
    provider.fail_next(1);
    app.portal_post("/auth/otp", None, &json!({ "phone": PHONE }))
        .expect(200);
    let got = provider.wait_for(Duration::from_secs(10), |r| {
        r.iter().any(|x| x.answered == 200)
    });
    assert_eq!(got.len(), 2);
    let sms = &got[1];
    assert_eq!(sms.path, "/2010-04-01/Accounts/AC0001/Messages.json");
    assert_eq!(
        sms.header("authorization"),
        "Basic QUMwMDAxOnRva2VuLTAwMDE="
    );
    let form: Vec<(String, String)> = sms
        .body
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect();
    let field = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(field("To"), PHONE);
    assert_eq!(field("From"), "+15550001111");
    let code = code_in(&field("Body"));
    // The code proves the phone (a newcomer), then registration signs them in.
    app.portal_post(
        "/auth/otp/verify",
        None,
        &json!({ "phone": PHONE, "otp": code }),
    )
    .portal_error(404, "MEMBER_NOT_FOUND");
    let r = app
        .portal_post(
            "/auth/register",
            None,
            &json!({ "name": "Amy", "phone": PHONE }),
        )
        .expect(201);
    let token = text(&r.body["data"]["accessToken"]);
    app.get(&format!("{PORTAL}/profile"), Some(&token))
        .expect(200);
    eventually(Duration::from_secs(5), "logged as sent", || {
        logged(&app, PHONE)["delivery_status"] == json!("sent")
    });
    let m = logged(&app, PHONE);
    assert_eq!(m["transport"], json!("sms"));
    assert_eq!(m["provider_reference"], json!("SM0123456789"));
    assert_eq!(m["delivery_attempts"], json!(2));
}

fn decode(v: &str) -> String {
    let v = v.replace('+', " ");
    let mut out = Vec::new();
    let bytes = v.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = v
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn without_a_provider_messages_are_logged(b: Backend) {
    let app = TestApp::start_outbound(b, fast(), true);
    app.portal_post("/auth/otp", None, &json!({ "phone": PHONE }))
        .expect(200);
    eventually(Duration::from_secs(5), "logged", || {
        logged(&app, PHONE)["delivery_status"] == json!("logged")
    });
    let m = logged(&app, PHONE);
    assert_eq!(m["transport"], json!("log"));
    assert!(m["delivered_at"].is_string());
    // Without a worker in the process, it waits.
    let idle = TestApp::start_outbound(b, fast(), false);
    idle.portal_post("/auth/otp", None, &json!({ "phone": PHONE }))
        .expect(200);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(logged(&idle, PHONE)["delivery_status"], json!("queued"));
}
