//! The providers' webhook: off without secrets; Meta's verification; signed
//! deliveries from Meta and Twilio stored as they came; every bad or
//! missing signature refused, counted, and nothing stored.

use crate::common::*;
use crate::{on_both, with_channel, APP_SECRET, METRICS_TOKEN, TWILIO_TOKEN, VERIFY_TOKEN};
use reqwest::Client;
use service::whatsapp::signature::{sign_meta, sign_twilio};

const PATH: &str = "/api/v1/whatsapp/webhook";

/// A text message as Meta's dashboard sends its test.
const META_TEXT: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Thandi"},"wa_id":"27821234567"}],"messages":[{"from":"27821234567","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1765094400","text":{"body":"M-04 broke down"},"type":"text"}]},"field":"messages"}]}]}"#;

fn twilio_fields() -> Vec<(String, String)> {
    [
        ("SmsMessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("NumMedia", "0"),
        ("ProfileName", "Thandi"),
        ("Body", "start job 1234"),
        ("From", "whatsapp:+27821234567"),
        ("To", "whatsapp:+14155238886"),
        ("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn form(fields: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

async fn stored(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT provider, body FROM wa_deliveries ORDER BY id")
        .fetch_all(&app.svc.db.read)
        .await
        .unwrap()
}

async fn post(
    app: &TestApp,
    headers: &[(&str, String)],
    body: impl Into<String>,
    ct: &str,
) -> reqwest::Response {
    let mut req = Client::new()
        .post(app.url(PATH))
        .header("content-type", ct)
        .body(body.into());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    req.send().await.unwrap()
}

async fn metric(app: &TestApp, line_start: &str) -> f64 {
    let text = Client::new()
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with(line_start))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

on_both!(
    the_channel_is_off_without_a_provider_secret,
    |app: TestApp| async move {
        let res = Client::new()
            .get(app.url(&format!(
                "{PATH}?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1"
            )))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        let res = post(
            &app,
            &[(
                "x-hub-signature-256",
                sign_meta(b"any", META_TEXT.as_bytes()),
            )],
            META_TEXT,
            "application/json",
        )
        .await;
        assert_eq!(res.status(), 404);
        assert!(stored(&app).await.is_empty());
    }
);

with_channel!(
    meta_verification_echoes_the_challenge_only_for_the_token,
    |app: TestApp| async move {
        let get = |q: String| {
            let url = app.url(&format!("{PATH}?{q}"));
            async move { Client::new().get(url).send().await.unwrap() }
        };
        let res = get(format!(
            "hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
        ))
        .await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
        assert_eq!(res.text().await.unwrap(), "1158201444");
        for q in [
            format!("hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}x&hub.challenge=1"),
            "hub.mode=subscribe&hub.challenge=1".to_string(),
            format!("hub.mode=unsubscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1"),
            format!(
                "hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=%3Cscript%3E"
            ),
            format!("hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}"),
        ] {
            assert_eq!(get(q.clone()).await.status(), 403, "{q}");
        }
    }
);

with_channel!(
    meta_deliveries_are_stored_only_when_signed,
    |app: TestApp| async move {
        let before = metric(&app, "whatsapp_webhook_refused_total{provider=\"meta\"").await;
        let good = sign_meta(APP_SECRET.as_bytes(), META_TEXT.as_bytes());
        let res = post(
            &app,
            &[("x-hub-signature-256", good.clone())],
            META_TEXT,
            "application/json",
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            stored(&app).await,
            vec![("meta".to_string(), META_TEXT.to_string())]
        );

        let changed = META_TEXT.replace("M-04", "M-05");
        let wrong_secret = sign_meta(b"another-app-secret-entirely", META_TEXT.as_bytes());
        for (headers, body, status) in [
            (
                vec![("x-hub-signature-256", good.clone())],
                changed.clone(),
                403,
            ),
            (
                vec![("x-hub-signature-256", wrong_secret)],
                META_TEXT.to_string(),
                403,
            ),
            (
                vec![("x-hub-signature-256", "sha256=zz".to_string())],
                META_TEXT.to_string(),
                403,
            ),
            (
                vec![("x-hub-signature-256", good.replace("sha256=", "sha1="))],
                META_TEXT.to_string(),
                403,
            ),
            (vec![], META_TEXT.to_string(), 401),
        ] {
            let res = post(&app, &headers, body, "application/json").await;
            assert_eq!(res.status(), status, "{headers:?}");
            let text = res.text().await.unwrap();
            assert!(!text.contains("M-0"), "no body echoed: {text}");
        }
        // Signed, but not sent as JSON.
        let res = post(
            &app,
            &[("x-hub-signature-256", good.clone())],
            META_TEXT,
            "text/plain",
        )
        .await;
        assert_eq!(res.status(), 415);
        assert_eq!(stored(&app).await.len(), 1, "nothing refused is stored");
        let after = metric(&app, "whatsapp_webhook_refused_total{provider=\"meta\"").await;
        assert!(
            after - before >= 4.0,
            "refusals counted: {before} → {after}"
        );

        // Larger than a delivery may be, though signed.
        let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024 + 10));
        let res = post(
            &app,
            &[(
                "x-hub-signature-256",
                sign_meta(APP_SECRET.as_bytes(), big.as_bytes()),
            )],
            big,
            "application/json",
        )
        .await;
        assert_eq!(res.status(), 413);
        assert_eq!(stored(&app).await.len(), 1);
    }
);

with_channel!(
    twilio_deliveries_are_signed_over_our_public_url,
    |app: TestApp| async move {
        let url = app.url(PATH);
        let fields = twilio_fields();
        let sig = sign_twilio(TWILIO_TOKEN.as_bytes(), &url, &fields);
        let body = form(&fields);
        let ct = "application/x-www-form-urlencoded";
        let res = post(
            &app,
            &[("x-twilio-signature", sig.clone())],
            body.clone(),
            ct,
        )
        .await;
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/xml"));
        assert!(res.text().await.unwrap().contains("<Response></Response>"));
        // The same fields in another order: the signature sorts them.
        let mut reordered = fields.clone();
        reordered.reverse();
        let res = post(
            &app,
            &[("x-twilio-signature", sig.clone())],
            form(&reordered),
            ct,
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(stored(&app).await.len(), 2);
        assert_eq!(stored(&app).await[0], ("twilio".to_string(), body.clone()));

        let mut changed = fields.clone();
        changed[3].1 = "start job 9999".into();
        let other_url = sign_twilio(
            TWILIO_TOKEN.as_bytes(),
            &url.replace("http://", "https://"),
            &fields,
        );
        let wrong_token = sign_twilio(b"another-twilio-token", &url, &fields);
        for (sig, body, status) in [
            (Some(sig.clone()), form(&changed), 403),
            (Some(other_url), body.clone(), 403),
            (Some(wrong_token), body.clone(), 403),
            (Some("not base64!".to_string()), body.clone(), 403),
            (None, body.clone(), 401),
        ] {
            let headers: Vec<(&str, String)> =
                sig.into_iter().map(|s| ("x-twilio-signature", s)).collect();
            assert_eq!(post(&app, &headers, body, ct).await.status(), status);
        }
        assert_eq!(stored(&app).await.len(), 2);
        // A query string is part of what Twilio signs.
        let with_query = format!("{url}?site=north");
        let sig = sign_twilio(TWILIO_TOKEN.as_bytes(), &with_query, &fields);
        let res = Client::new()
            .post(&with_query)
            .header("content-type", ct)
            .header("x-twilio-signature", sig)
            .body(form(&fields))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(stored(&app).await.len(), 3);
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_without_its_secret_is_refused() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c, _| {
        c.whatsapp.twilio_auth_token = Some(service::config::Secret::new(TWILIO_TOKEN));
    })
    .await
    .unwrap();
    let res = post(
        &app,
        &[(
            "x-hub-signature-256",
            sign_meta(APP_SECRET.as_bytes(), META_TEXT.as_bytes()),
        )],
        META_TEXT,
        "application/json",
    )
    .await;
    assert_eq!(res.status(), 403);
    // Meta's verification has no token to match.
    let res = Client::new()
        .get(app.url(&format!(
            "{PATH}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(stored(&app).await.is_empty());
    app.finish().await;
}
