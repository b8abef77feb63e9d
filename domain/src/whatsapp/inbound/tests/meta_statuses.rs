//! Meta's statuses, refused objects and missing fields, named.

use super::*;

#[test]
fn meta_statuses_sent_delivered_read() {
    let d = meta(&envelope(
        r#""statuses":[{"id":"wamid.HBgLMjc4MjEyMzQ1NjcVAgARGBJCNkY5NTBENEU3ODYxQTM3RUQA","status":"sent","timestamp":"1694492482","recipient_id":"27821234567","conversation":{"id":"f5fdae3920125a39a1e6a23e5f877c16","expiration_timestamp":"1694505360","origin":{"type":"utility"}},"pricing":{"billable":true,"pricing_model":"CBP","category":"utility"}},{"id":"wamid.HBgLMjc4MjEyMzQ1NjcVAgARGBJCNkY5NTBENEU3ODYxQTM3RUQA","status":"delivered","timestamp":"1694492484","recipient_id":"27821234567","conversation":{"id":"f5fdae3920125a39a1e6a23e5f877c16","origin":{"type":"utility"}},"pricing":{"billable":true,"pricing_model":"CBP","category":"utility"}},{"id":"wamid.HBgLMjc4MjEyMzQ1NjcVAgARGBJCNkY5NTBENEU3ODYxQTM3RUQA","status":"read","timestamp":"1694492500","recipient_id":"27821234567"}]"#,
    ))
    .unwrap();
    assert!(d.messages.is_empty());
    let got: Vec<_> = d.statuses.iter().map(|s| (s.status, s.at_ms)).collect();
    assert_eq!(
        got,
        [
            (DeliveryStatus::Sent, Some(1_694_492_482_000)),
            (DeliveryStatus::Delivered, Some(1_694_492_484_000)),
            (DeliveryStatus::Read, Some(1_694_492_500_000)),
        ]
    );
    for s in &d.statuses {
        assert_eq!(s.provider, Provider::Meta);
        assert_eq!(
            s.message_id,
            "wamid.HBgLMjc4MjEyMzQ1NjcVAgARGBJCNkY5NTBENEU3ODYxQTM3RUQA"
        );
        assert_eq!(s.recipient, Some(phone("+27821234567")));
        assert_eq!(s.error, None);
    }
}

#[test]
fn meta_failed_status_carries_code_and_title() {
    let d = meta(&envelope(
        r#""statuses":[{"id":"wamid.HBgMOTE4ODI2NzE5NjM1FQIAERgSNjQxNTQ1NEVCOEJEMUE0QjlEAA==","status":"failed","timestamp":"1683871427","recipient_id":"27821234567","errors":[{"code":131047,"title":"Message failed to send because more than 24 hours have passed since the customer last replied to this number.","href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]"#,
    ))
    .unwrap();
    assert_eq!(
        only_status(d),
        StatusUpdate {
            provider: Provider::Meta,
            message_id: "wamid.HBgMOTE4ODI2NzE5NjM1FQIAERgSNjQxNTQ1NEVCOEJEMUE0QjlEAA==".into(),
            recipient: Some(phone("+27821234567")),
            status: DeliveryStatus::Failed,
            at_ms: Some(1_683_871_427_000),
            error: Some(ProviderError {
                code: "131047".into(),
                title: "Message failed to send because more than 24 hours have passed since the customer last replied to this number.".into(),
            }),
        }
    );
    // Newer payloads: title, message and error_data; the title wins.
    let d = meta(&envelope(
        r#""statuses":[{"id":"wamid.F","status":"failed","timestamp":"1683871427","recipient_id":"27821234567","errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message","error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},"href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]"#,
    ))
    .unwrap();
    let e = only_status(d).error.unwrap();
    assert_eq!(
        (e.code.as_str(), e.title.as_str()),
        ("131047", "Re-engagement message")
    );
}

#[test]
fn meta_messages_and_statuses_in_one_delivery() {
    let d = meta(&envelope(
        r#""contacts":[{"profile":{"name":"Thandi"},"wa_id":"27821234567"}],"messages":[{"from":"27821234567","id":"wamid.in","timestamp":"1750857384","type":"text","text":{"body":"ok"}}],"statuses":[{"id":"wamid.out","status":"delivered","timestamp":"1750857380","recipient_id":"27821234567"}]"#,
    ))
    .unwrap();
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.statuses.len(), 1);
    assert!(!d.is_empty());
}

#[test]
fn meta_unknown_fields_and_other_subscriptions_are_ignored() {
    // Fields Meta may add (identity hashes, BSUIDs, pricing) are ignored.
    let d = meta(&envelope(
        r#""contacts":[{"profile":{"name":"Thandi","username":"thandi"},"wa_id":"27821234567","user_id":"ZA.123","identity_key_hash":"DF2lS5v2W6x="}],"messages":[{"from":"27821234567","from_user_id":"ZA.123","id":"wamid.x","timestamp":1750857384,"type":"text","text":{"body":"hi","preview_url":false},"identity":{"acknowledged":true}}]"#,
    ))
    .unwrap();
    let m = only_message(d);
    assert_eq!(
        m.at_ms,
        Some(1_750_857_384_000),
        "a numeric timestamp is read too"
    );
    // A template review notification carries no messages: nothing to do.
    let d = meta(
        r#"{"object":"whatsapp_business_account","entry":[{"id":"1","time":1750857384,"changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":12345678,"message_template_name":"maintenance_alert","message_template_language":"en_US","reason":null}}]}]}"#,
    )
    .unwrap();
    assert!(d.is_empty());
    // An empty entry list is an empty delivery.
    let d = meta(r#"{"object":"whatsapp_business_account","entry":[]}"#).unwrap();
    assert!(d.is_empty());
}

#[test]
fn meta_other_objects_are_refused() {
    let e = meta(r#"{"object":"page","entry":[]}"#).unwrap_err();
    assert_eq!(field_of(e), "object");
}

#[test]
fn meta_missing_fields_are_named() {
    let cases = [
        (one_message("text", r#","text":{}"#), "text.body"),
        (one_message("text", ""), "text"),
        (
            envelope(r#""messages":[{"id":"wamid.x","type":"text","text":{"body":"hi"}}]"#),
            "messages.from",
        ),
        (
            envelope(r#""messages":[{"from":"27821234567","type":"text","text":{"body":"hi"}}]"#),
            "messages.id",
        ),
        (
            envelope(r#""messages":[{"from":"27821234567","id":"wamid.x","text":{"body":"hi"}}]"#),
            "messages.type",
        ),
        (
            envelope(
                r#""messages":[{"from":"0821234567","id":"wamid.x","type":"text","text":{"body":"hi"}}]"#,
            ),
            "messages.from",
        ),
        (
            envelope(
                r#""messages":[{"from":"27821234567","id":"wamid.x","timestamp":"yesterday","type":"text","text":{"body":"hi"}}]"#,
            ),
            "messages.timestamp",
        ),
        (one_message("interactive", ""), "interactive"),
        (
            one_message(
                "interactive",
                r#","interactive":{"button_reply":{"id":"a","title":"A"}}"#,
            ),
            "interactive.type",
        ),
        (
            one_message("interactive", r#","interactive":{"type":"button_reply"}"#),
            "interactive.button_reply",
        ),
        (
            one_message(
                "interactive",
                r#","interactive":{"type":"button_reply","button_reply":{"title":"A"}}"#,
            ),
            "interactive.button_reply.id",
        ),
        (
            one_message(
                "interactive",
                r#","interactive":{"type":"button_reply","button_reply":{"id":"a"}}"#,
            ),
            "interactive.button_reply.title",
        ),
        (
            one_message(
                "interactive",
                r#","interactive":{"type":"list_reply","list_reply":{"title":"A"}}"#,
            ),
            "interactive.list_reply.id",
        ),
        (
            one_message(
                "interactive",
                r#","interactive":{"type":"list_reply","list_reply":{"id":"a"}}"#,
            ),
            "interactive.list_reply.title",
        ),
        (
            one_message("button", r#","button":{"text":"Stop"}"#),
            "button.payload",
        ),
        (
            one_message("button", r#","button":{"payload":"STOP"}"#),
            "button.text",
        ),
        (one_message("button", ""), "button"),
        (
            one_message("image", r#","image":{"mime_type":"image/jpeg"}"#),
            "image.id",
        ),
        (one_message("image", ""), "image"),
        (
            one_message("document", r#","document":{"filename":"a.pdf"}"#),
            "document.id",
        ),
        (one_message("document", ""), "document"),
        (
            envelope(
                r#""statuses":[{"status":"sent","timestamp":"1","recipient_id":"27821234567"}]"#,
            ),
            "statuses.id",
        ),
        (
            envelope(
                r#""statuses":[{"id":"wamid.x","timestamp":"1","recipient_id":"27821234567"}]"#,
            ),
            "statuses.status",
        ),
        (
            envelope(
                r#""statuses":[{"id":"wamid.x","status":"deleted","timestamp":"1","recipient_id":"27821234567"}]"#,
            ),
            "statuses.status",
        ),
        (
            envelope(
                r#""statuses":[{"id":"wamid.x","status":"sent","timestamp":"soon","recipient_id":"27821234567"}]"#,
            ),
            "statuses.timestamp",
        ),
        (
            envelope(
                r#""statuses":[{"id":"wamid.x","status":"sent","recipient_id":"not-a-number"}]"#,
            ),
            "statuses.recipient_id",
        ),
        (
            envelope(r#""statuses":[{"id":"wamid.x","status":"failed","errors":[{"title":"?"}]}]"#),
            "statuses.errors.code",
        ),
    ];
    for (json, want) in cases {
        let e = meta(&json).expect_err(want);
        assert_eq!(field_of(e), want, "{json}");
    }
}

#[test]
fn meta_empty_text_is_still_text() {
    let m = only_message(meta(&one_message("text", r#","text":{"body":""}"#)).unwrap());
    assert_eq!(
        m.body,
        InboundBody::Text {
            text: String::new()
        }
    );
}

#[test]
fn meta_status_without_recipient_or_errors_title_still_reads() {
    let s = only_status(
        meta(&envelope(
            r#""statuses":[{"id":"wamid.x","status":"failed","errors":[{"code":"131026","message":"Message undeliverable"}]}]"#,
        ))
        .unwrap(),
    );
    assert_eq!(s.recipient, None);
    assert_eq!(s.at_ms, None);
    assert_eq!(
        s.error,
        Some(ProviderError {
            code: "131026".into(),
            title: "Message undeliverable".into()
        })
    );
}
