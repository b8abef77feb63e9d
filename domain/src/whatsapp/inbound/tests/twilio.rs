//! Twilio's incoming messages and status callbacks, and JSON round trips.

use super::*;

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The fields Twilio posts with every incoming WhatsApp message.
fn incoming(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p = form(&[
        ("SmsMessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        ("NumMedia", "0"),
        ("ProfileName", "Thandi"),
        ("MessageType", "text"),
        ("SmsSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        ("WaId", "27821234567"),
        ("SmsStatus", "received"),
        ("To", "whatsapp:+14155238886"),
        ("NumSegments", "1"),
        ("ReferralNumMedia", "0"),
        ("MessageSid", "SM1f0e8ae6ade43cb3c0ce4525424e404f"),
        ("AccountSid", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        ("From", "whatsapp:+27821234567"),
        ("ApiVersion", "2010-04-01"),
    ]);
    for (k, v) in extra {
        match p.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v.to_string(),
            None => p.push((k.to_string(), v.to_string())),
        }
    }
    p
}

fn without(mut p: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    p.retain(|(k, _)| k != name);
    p
}

#[test]
fn twilio_text_message() {
    let m = only_message(twilio_delivery(&incoming(&[("Body", "Line B stopped")])).unwrap());
    assert_eq!(
        m,
        InboundMessage {
            provider: Provider::Twilio,
            id: "SM1f0e8ae6ade43cb3c0ce4525424e404f".into(),
            from: phone("+27821234567"),
            profile_name: Some("Thandi".into()),
            at_ms: None,
            body: InboundBody::Text {
                text: "Line B stopped".into()
            },
            context_id: None,
        }
    );
}

#[test]
fn twilio_image_takes_the_body_as_caption() {
    let m = only_message(
        twilio_delivery(&incoming(&[
            ("MessageType", "image"),
            ("NumMedia", "1"),
            ("MediaContentType0", "image/jpeg"),
            (
                "MediaUrl0",
                "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages/MM800f449d0399ed014aae2bcc0cc2f2ec/Media/ME2f8b8d5e8b1c2a3d4e5f60718293a4b5",
            ),
            ("Body", "Needle bar broken"),
        ]))
        .unwrap(),
    );
    assert_eq!(
        m.body,
        InboundBody::Image {
            media: MediaRef {
                id_or_url: "https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages/MM800f449d0399ed014aae2bcc0cc2f2ec/Media/ME2f8b8d5e8b1c2a3d4e5f60718293a4b5".into(),
                mime: Some("image/jpeg".into()),
                sha256: None,
            },
            caption: Some("Needle bar broken".into()),
        }
    );
    // No body: no caption.
    let m = only_message(
        twilio_delivery(&incoming(&[
            ("NumMedia", "1"),
            ("MediaContentType0", "image/png"),
            ("MediaUrl0", "https://api.twilio.com/media/1"),
            ("Body", ""),
        ]))
        .unwrap(),
    );
    assert!(matches!(m.body, InboundBody::Image { caption: None, .. }));
}

#[test]
fn twilio_pdf_and_other_files_are_documents_but_voice_notes_are_not() {
    let m = only_message(
        twilio_delivery(&incoming(&[
            ("MessageType", "document"),
            ("NumMedia", "1"),
            ("MediaContentType0", "application/pdf"),
            ("MediaUrl0", "https://api.twilio.com/media/2"),
            ("Body", "Service report"),
        ]))
        .unwrap(),
    );
    assert_eq!(
        m.body,
        InboundBody::Document {
            media: MediaRef {
                id_or_url: "https://api.twilio.com/media/2".into(),
                mime: Some("application/pdf".into()),
                sha256: None,
            },
            filename: None,
            caption: Some("Service report".into()),
        }
    );
    let m = only_message(
        twilio_delivery(&incoming(&[
            ("NumMedia", "1"),
            ("MediaContentType0", "text/csv"),
            ("MediaUrl0", "https://api.twilio.com/media/3"),
            ("Body", ""),
        ]))
        .unwrap(),
    );
    assert!(matches!(
        m.body,
        InboundBody::Document { caption: None, .. }
    ));
    for (mime, kind) in [("audio/ogg", "audio"), ("video/mp4", "video")] {
        let m = only_message(
            twilio_delivery(&incoming(&[
                ("NumMedia", "1"),
                ("MediaContentType0", mime),
                ("MediaUrl0", "https://api.twilio.com/media/4"),
                ("Body", ""),
            ]))
            .unwrap(),
        );
        assert_eq!(m.body, InboundBody::Unsupported { kind: kind.into() });
    }
}

#[test]
fn twilio_quick_reply_button_with_the_message_it_answers() {
    let m = only_message(
        twilio_delivery(&incoming(&[
            ("MessageType", "button"),
            ("Body", "Acknowledge"),
            ("ButtonText", "Acknowledge"),
            ("ButtonPayload", "ack:MR-0042"),
            ("OriginalRepliedMessageSender", "whatsapp:+14155238886"),
            (
                "OriginalRepliedMessageSid",
                "MM0123456789abcdef0123456789abcdef",
            ),
        ]))
        .unwrap(),
    );
    assert_eq!(
        m.body,
        InboundBody::TemplateButton {
            payload: "ack:MR-0042".into(),
            text: "Acknowledge".into()
        }
    );
    assert_eq!(
        m.context_id.as_deref(),
        Some("MM0123456789abcdef0123456789abcdef")
    );
    // A button without a payload answers with its text.
    let m = only_message(
        twilio_delivery(&incoming(&[("Body", "Yes"), ("ButtonText", "Yes")])).unwrap(),
    );
    assert_eq!(
        m.body,
        InboundBody::TemplateButton {
            payload: "Yes".into(),
            text: "Yes".into()
        }
    );
}

#[test]
fn twilio_location_and_unknown_kinds_are_unsupported() {
    let m = only_message(
        twilio_delivery(&incoming(&[
            ("MessageType", "location"),
            ("Latitude", "-26.2041"),
            ("Longitude", "28.0473"),
            ("Body", ""),
        ]))
        .unwrap(),
    );
    assert_eq!(
        m.body,
        InboundBody::Unsupported {
            kind: "location".into()
        }
    );
    let m = only_message(
        twilio_delivery(&incoming(&[("MessageType", "sticker"), ("Body", "")])).unwrap(),
    );
    assert_eq!(
        m.body,
        InboundBody::Unsupported {
            kind: "sticker".into()
        }
    );
}

fn status_callback(status: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut p = form(&[
        ("ChannelPrefix", "whatsapp"),
        ("ApiVersion", "2010-04-01"),
        ("MessageStatus", status),
        ("SmsSid", "SM5d7d6d1b6a4c4fa5b0b8e3f1c2d3e4f5"),
        ("SmsStatus", status),
        ("ChannelInstallSid", "XE00000000000000000000000000000000"),
        ("To", "whatsapp:+27821234567"),
        ("From", "whatsapp:+14155238886"),
        ("MessageSid", "SM5d7d6d1b6a4c4fa5b0b8e3f1c2d3e4f5"),
        ("AccountSid", "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        ("ChannelToAddress", "+2782123XXXX"),
    ]);
    p.extend(form(extra));
    p
}

#[test]
fn twilio_status_callback_delivered() {
    let s = only_status(twilio_delivery(&status_callback("delivered", &[])).unwrap());
    assert_eq!(
        s,
        StatusUpdate {
            provider: Provider::Twilio,
            message_id: "SM5d7d6d1b6a4c4fa5b0b8e3f1c2d3e4f5".into(),
            recipient: Some(phone("+27821234567")),
            status: DeliveryStatus::Delivered,
            at_ms: None,
            error: None,
        }
    );
    for (word, want) in [
        ("sent", DeliveryStatus::Sent),
        ("read", DeliveryStatus::Read),
        ("queued", DeliveryStatus::Queued),
    ] {
        let s =
            only_status(twilio_delivery(&status_callback(word, &[("EventType", "READ")])).unwrap());
        assert_eq!(s.status, want, "{word}");
    }
}

#[test]
fn twilio_status_callback_undelivered_carries_the_error_code() {
    let s = only_status(
        twilio_delivery(&status_callback("undelivered", &[("ErrorCode", "63016")])).unwrap(),
    );
    assert_eq!(s.status, DeliveryStatus::Failed);
    assert_eq!(
        s.error,
        Some(ProviderError {
            code: "63016".into(),
            title: String::new()
        })
    );
    let s = only_status(
        twilio_delivery(&status_callback(
            "failed",
            &[
                ("ErrorCode", "63016"),
                (
                    "ErrorMessage",
                    "Failed to send freeform message because you are outside the allowed window.",
                ),
            ],
        ))
        .unwrap(),
    );
    assert_eq!(
        s.error.unwrap().title,
        "Failed to send freeform message because you are outside the allowed window."
    );
}

#[test]
fn twilio_missing_fields_are_named() {
    let e = twilio_delivery(&without(incoming(&[("Body", "hi")]), "MessageSid")).unwrap_err();
    assert_eq!(field_of(e), "MessageSid");
    let e = twilio_delivery(&without(incoming(&[("Body", "hi")]), "From")).unwrap_err();
    assert_eq!(field_of(e), "From");
    let e = twilio_delivery(&incoming(&[
        ("Body", "hi"),
        ("From", "whatsapp:0821234567"),
    ]))
    .unwrap_err();
    assert_eq!(field_of(e), "From");
    let e = twilio_delivery(&incoming(&[("Body", "hi"), ("MessageSid", "")])).unwrap_err();
    assert_eq!(field_of(e), "MessageSid");
    let e = twilio_delivery(&incoming(&[("Body", ""), ("NumMedia", "1")])).unwrap_err();
    assert_eq!(field_of(e), "MediaUrl0");
    let e = twilio_delivery(&incoming(&[("Body", ""), ("NumMedia", "one")])).unwrap_err();
    assert_eq!(field_of(e), "NumMedia");
    let e = twilio_delivery(&without(status_callback("sent", &[]), "MessageSid")).unwrap_err();
    assert_eq!(field_of(e), "MessageSid");
    let e = twilio_delivery(&status_callback("received", &[])).unwrap_err();
    assert_eq!(field_of(e), "MessageStatus");
    let e = twilio_delivery(&[]).unwrap_err();
    assert_eq!(field_of(e), "MessageSid");
}

#[test]
fn twilio_status_without_to_has_no_recipient() {
    let s = only_status(twilio_delivery(&without(status_callback("sent", &[]), "To")).unwrap());
    assert_eq!(s.recipient, None);
}

#[test]
fn normalised_values_round_trip_as_json() {
    let d = twilio_delivery(&incoming(&[
        ("NumMedia", "1"),
        ("MediaContentType0", "application/pdf"),
        ("MediaUrl0", "https://api.twilio.com/media/2"),
        ("Body", "report"),
    ]))
    .unwrap();
    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains(r#""type":"document""#), "{json}");
    assert!(json.contains(r#""from":"+27821234567""#), "{json}");
    assert!(json.contains(r#""provider":"twilio""#), "{json}");
    let back: Delivery = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
    let unsupported = InboundBody::Unsupported {
        kind: "audio".into(),
    };
    let json = serde_json::to_string(&unsupported).unwrap();
    assert_eq!(json, r#"{"type":"unsupported","kind":"audio"}"#);
}
