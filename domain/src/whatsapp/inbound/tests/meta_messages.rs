//! Meta's messages: every kind the channel reads, and several per delivery.

use super::*;

#[test]
fn meta_text_from_the_dashboard_test_sample() {
    // The sample Meta's App Dashboard sends for the `messages` field.
    let d = meta(
        r#"{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"16505551111","phone_number_id":"123456123"},"contacts":[{"profile":{"name":"test user name"},"wa_id":"16315551181"}],"messages":[{"from":"16315551181","id":"ABGGFlA5Fpa","timestamp":"1504902988","type":"text","text":{"body":"this is a text message"}}]}}]}]}"#,
    )
    .unwrap();
    let m = only_message(d);
    assert_eq!(
        m,
        InboundMessage {
            provider: Provider::Meta,
            id: "ABGGFlA5Fpa".into(),
            from: phone("+16315551181"),
            profile_name: Some("test user name".into()),
            at_ms: Some(1_504_902_988_000),
            body: InboundBody::Text {
                text: "this is a text message".into()
            },
            context_id: None,
        }
    );
}

#[test]
fn meta_button_reply_keeps_the_button_and_the_message_it_answers() {
    let d = meta(&one_message(
        "interactive",
        r#","context":{"from":"15550783881","id":"wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA="},"interactive":{"type":"button_reply","button_reply":{"id":"ack:MR-0042","title":"Acknowledge"}}"#,
    ))
    .unwrap();
    let m = only_message(d);
    assert_eq!(
        m.body,
        InboundBody::ButtonReply {
            id: "ack:MR-0042".into(),
            title: "Acknowledge".into()
        }
    );
    assert_eq!(
        m.context_id.as_deref(),
        Some("wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=")
    );
    assert_eq!(m.profile_name.as_deref(), Some("Thandi"));
    assert_eq!(m.at_ms, Some(1_750_857_384_000));
}

#[test]
fn meta_list_reply_keeps_its_description() {
    let d = meta(&one_message(
        "interactive",
        r#","context":{"from":"15550783881","id":"wamid.list"},"interactive":{"type":"list_reply","list_reply":{"id":"machine:EMB-03","title":"Embroidery 3","description":"Tajima 12-head, line B"}}"#,
    ))
    .unwrap();
    assert_eq!(
        only_message(d).body,
        InboundBody::ListReply {
            id: "machine:EMB-03".into(),
            title: "Embroidery 3".into(),
            description: Some("Tajima 12-head, line B".into()),
        }
    );
    let d = meta(&one_message(
        "interactive",
        r#","interactive":{"type":"list_reply","list_reply":{"id":"p1","title":"Urgent"}}"#,
    ))
    .unwrap();
    assert_eq!(
        only_message(d).body,
        InboundBody::ListReply {
            id: "p1".into(),
            title: "Urgent".into(),
            description: None,
        }
    );
}

#[test]
fn meta_template_quick_reply_is_a_template_button() {
    let d = meta(&one_message(
        "button",
        r#","context":{"from":"15550783881","id":"wamid.template"},"button":{"payload":"STOP_REMINDERS","text":"Stop reminders"}"#,
    ))
    .unwrap();
    let m = only_message(d);
    assert_eq!(
        m.body,
        InboundBody::TemplateButton {
            payload: "STOP_REMINDERS".into(),
            text: "Stop reminders".into()
        }
    );
    assert_eq!(m.context_id.as_deref(), Some("wamid.template"));
}

#[test]
fn meta_image_keeps_its_media_id_and_caption() {
    let d = meta(&one_message(
        "image",
        r#","image":{"caption":"Needle bar broken","mime_type":"image/jpeg","sha256":"81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3","id":"2754859441498128"}"#,
    ))
    .unwrap();
    assert_eq!(
        only_message(d).body,
        InboundBody::Image {
            media: MediaRef {
                id_or_url: "2754859441498128".into(),
                mime: Some("image/jpeg".into()),
                sha256: Some(
                    "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3".into()
                ),
            },
            caption: Some("Needle bar broken".into()),
        }
    );
    // Without a caption.
    let d = meta(&one_message(
        "image",
        r#","image":{"mime_type":"image/jpeg","sha256":"abc","id":"1"}"#,
    ))
    .unwrap();
    assert!(matches!(
        only_message(d).body,
        InboundBody::Image { caption: None, .. }
    ));
}

#[test]
fn meta_document_keeps_its_filename() {
    let d = meta(&one_message(
        "document",
        r#","document":{"caption":"Service report","filename":"EMB-03 service.pdf","mime_type":"application/pdf","sha256":"d2c1b0a9","id":"1003383421387256"}"#,
    ))
    .unwrap();
    assert_eq!(
        only_message(d).body,
        InboundBody::Document {
            media: MediaRef {
                id_or_url: "1003383421387256".into(),
                mime: Some("application/pdf".into()),
                sha256: Some("d2c1b0a9".into()),
            },
            filename: Some("EMB-03 service.pdf".into()),
            caption: Some("Service report".into()),
        }
    );
}

#[test]
fn meta_kinds_we_do_not_read_are_kept_as_unsupported() {
    let cases = [
        (
            "audio",
            r#","audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"x","id":"3","voice":true}"#,
            "audio",
        ),
        (
            "sticker",
            r#","sticker":{"mime_type":"image/webp","id":"4","animated":false}"#,
            "sticker",
        ),
        (
            "location",
            r#","location":{"latitude":-26.2041,"longitude":28.0473,"name":"Plant 2"}"#,
            "location",
        ),
        (
            "reaction",
            r#","reaction":{"message_id":"wamid.x","emoji":"\uD83D\uDC4D"}"#,
            "reaction",
        ),
        (
            "video",
            r#","video":{"mime_type":"video/mp4","id":"5"}"#,
            "video",
        ),
        (
            "unsupported",
            r#","errors":[{"code":131051,"title":"Message type unknown"}]"#,
            "unsupported",
        ),
        (
            "interactive",
            r#","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{}","body":"Sent","name":"flow"}}"#,
            "interactive.nfm_reply",
        ),
    ];
    for (kind, fields, want) in cases {
        let m = only_message(meta(&one_message(kind, fields)).unwrap());
        assert_eq!(
            m.body,
            InboundBody::Unsupported { kind: want.into() },
            "{kind}"
        );
        assert_eq!(m.from, phone("+27821234567"));
    }
}

#[test]
fn meta_two_messages_in_one_delivery_each_get_their_own_name() {
    let d = meta(&envelope(
        r#""contacts":[{"profile":{"name":"Thandi"},"wa_id":"27821234567"},{"profile":{"name":"Sipho"},"wa_id":"27831112222"}],"messages":[{"from":"27831112222","id":"wamid.B","timestamp":"1750857390","type":"text","text":{"body":"Line B stopped"}},{"from":"27821234567","id":"wamid.A","timestamp":"1750857384","type":"text","text":{"body":"On my way"}}]"#,
    ))
    .unwrap();
    assert!(d.statuses.is_empty());
    let got: Vec<_> = d
        .messages
        .iter()
        .map(|m| (m.id.as_str(), m.from.as_str(), m.profile_name.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("wamid.B", "+27831112222", Some("Sipho")),
            ("wamid.A", "+27821234567", Some("Thandi")),
        ]
    );
}

#[test]
fn meta_messages_from_several_entries_and_changes_are_all_read() {
    let change = |id: &str| {
        format!(
            r#"{{"field":"messages","value":{{"messaging_product":"whatsapp","messages":[{{"from":"27821234567","id":"{id}","type":"text","text":{{"body":"hi"}}}}]}}}}"#
        )
    };
    let json = format!(
        r#"{{"object":"whatsapp_business_account","entry":[{{"id":"1","changes":[{},{}]}},{{"id":"2","changes":[{}]}}]}}"#,
        change("a"),
        change("b"),
        change("c")
    );
    let d = meta(&json).unwrap();
    let ids: Vec<_> = d.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    // No contacts, no timestamp: no name, no time.
    assert_eq!(d.messages[0].profile_name, None);
    assert_eq!(d.messages[0].at_ms, None);
}
