//! Webhook bodies as they arrive, read into a [`Delivery`]: Meta's JSON,
//! Twilio's form. The signature is checked first, on the same raw bytes
//! ([`super::signature`]); errors name the field and never echo the body.

use domain::whatsapp::inbound::{meta_delivery, twilio_delivery, Delivery, MetaWebhook};
use domain::AppError;

/// Meta's webhook body (JSON), normalised.
pub fn meta_body(raw: &[u8]) -> Result<Delivery, AppError> {
    let payload: MetaWebhook = serde_json::from_slice(raw).map_err(|e| json_error(&e))?;
    meta_delivery(payload)
}

/// What went wrong, and where, without serde's text (which quotes values
/// from the body).
fn json_error(e: &serde_json::Error) -> AppError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Eof => "ends before its JSON does",
        Category::Data => "is not a WhatsApp webhook notification",
    };
    AppError::field(
        "body",
        format!("{what} (line {}, column {})", e.line(), e.column()),
    )
}

/// An `application/x-www-form-urlencoded` body's fields, decoded (`+` is a
/// space, `%XX` a byte), in the order sent, repeated names kept. Bytes that
/// do not decode to UTF-8 become U+FFFD, so a body altered that way fails
/// its signature rather than being read as something else.
pub fn twilio_form(raw: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    Ok(form_urlencoded::parse(raw)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect())
}

/// Twilio's webhook body (a form), normalised.
pub fn twilio_body(raw: &[u8]) -> Result<Delivery, AppError> {
    twilio_delivery(&twilio_form(raw)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::whatsapp::inbound::{DeliveryStatus, InboundBody, Provider};

    fn field_of(e: AppError) -> (String, String) {
        let f = e.field_error().expect("a field error");
        (f.field.clone(), f.message.clone())
    }

    /// The sample Meta's App Dashboard sends for the `messages` field.
    const META_SAMPLE: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"16505551111","phone_number_id":"123456123"},"contacts":[{"profile":{"name":"test user name"},"wa_id":"16315551181"}],"messages":[{"from":"16315551181","id":"ABGGFlA5Fpa","timestamp":"1504902988","type":"text","text":{"body":"this is a text message"}}]}}]}]}"#;

    #[test]
    fn meta_body_reads_the_dashboard_sample() {
        let d = meta_body(META_SAMPLE).unwrap();
        assert_eq!(d.messages.len(), 1);
        let m = &d.messages[0];
        assert_eq!(m.provider, Provider::Meta);
        assert_eq!(m.from.as_str(), "+16315551181");
        assert_eq!(m.profile_name.as_deref(), Some("test user name"));
        assert_eq!(
            m.body,
            InboundBody::Text {
                text: "this is a text message".into()
            }
        );
    }

    #[test]
    fn meta_body_reads_a_status_with_its_error() {
        let raw = br#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.HBgMOTE4ODI2NzE5NjM1FQIAERgSNjQxNTQ1NEVCOEJEMUE0QjlEAA==","status":"failed","timestamp":"1683871427","recipient_id":"27821234567","errors":[{"code":131047,"title":"Message failed to send because more than 24 hours have passed since the customer last replied to this number.","href":"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}]}]},"field":"messages"}]}]}"#;
        let d = meta_body(raw).unwrap();
        assert_eq!(d.statuses.len(), 1);
        assert_eq!(d.statuses[0].status, DeliveryStatus::Failed);
        assert_eq!(d.statuses[0].error.as_ref().unwrap().code, "131047");
    }

    #[test]
    fn meta_body_refuses_what_is_not_json_without_echoing_it() {
        for raw in [
            &b""[..],
            b"secret-looking text",
            b"{\"object\":\"whatsapp_business_account\",",
            b"{\"object\":\"whatsapp_business_account\",\"entry\":[]} trailing",
            b"\xff\xfe{}",
        ] {
            let (field, message) = field_of(meta_body(raw).unwrap_err());
            assert_eq!(field, "body");
            assert!(!message.contains("secret"), "{message}");
            assert!(message.contains("line"), "{message}");
        }
    }

    #[test]
    fn meta_body_refuses_json_of_another_shape_without_echoing_it() {
        for raw in [
            &br#"[]"#[..],
            br#"{"entry":[]}"#,
            br#"{"object":"whatsapp_business_account","entry":"SECRET-VALUE"}"#,
            br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"from":123}]}}]}]}"#,
            br#"{"object":42,"entry":[]}"#,
        ] {
            let (field, message) = field_of(meta_body(raw).unwrap_err());
            assert_eq!(field, "body");
            assert!(message.starts_with("is not a WhatsApp webhook notification"), "{message}");
            assert!(!message.contains("SECRET"), "{message}");
        }
    }

    #[test]
    fn meta_body_passes_on_the_named_field_errors() {
        let raw = br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"27821234567","id":"wamid.x","type":"text","text":{}}]}}]}]}"#;
        assert_eq!(field_of(meta_body(raw).unwrap_err()).0, "text.body");
        let raw = br#"{"object":"instagram","entry":[]}"#;
        assert_eq!(field_of(meta_body(raw).unwrap_err()).0, "object");
    }

    #[test]
    fn twilio_form_decodes_in_order_with_duplicates() {
        let form = twilio_form(
            b"Body=Line+B+stopped%21&From=whatsapp%3A%2B27821234567&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%3Fa%3D1%26b%3D2&Digits=5678&Digits=1234&Empty=&NoValue&Caf%C3%A9=%E2%9C%93",
        )
        .unwrap();
        let got: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            got,
            [
                ("Body", "Line B stopped!"),
                ("From", "whatsapp:+27821234567"),
                ("MediaUrl0", "https://api.twilio.com/m?a=1&b=2"),
                ("Digits", "5678"),
                ("Digits", "1234"),
                ("Empty", ""),
                ("NoValue", ""),
                ("Café", "✓"),
            ]
        );
        assert!(twilio_form(b"").unwrap().is_empty());
        assert!(twilio_form(b"&&").unwrap().is_empty());
    }

    #[test]
    fn twilio_form_keeps_a_literal_plus_only_when_encoded() {
        // Twilio encodes the + of a phone number as %2B; a bare + is a space.
        let form = twilio_form(b"A=%2B27&B=+27").unwrap();
        assert_eq!(form[0].1, "+27");
        assert_eq!(form[1].1, " 27");
    }

    #[test]
    fn twilio_body_reads_an_incoming_message() {
        let raw = b"SmsMessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&NumMedia=0&ProfileName=Thandi&MessageType=text&SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&WaId=27821234567&SmsStatus=received&Body=Line+B+stopped&To=whatsapp%3A%2B14155238886&NumSegments=1&ReferralNumMedia=0&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&From=whatsapp%3A%2B27821234567&ApiVersion=2010-04-01";
        let d = twilio_body(raw).unwrap();
        assert!(d.statuses.is_empty());
        let m = &d.messages[0];
        assert_eq!(m.provider, Provider::Twilio);
        assert_eq!(m.id, "SM1f0e8ae6ade43cb3c0ce4525424e404f");
        assert_eq!(m.from.as_str(), "+27821234567");
        assert_eq!(m.profile_name.as_deref(), Some("Thandi"));
        assert_eq!(
            m.body,
            InboundBody::Text {
                text: "Line B stopped".into()
            }
        );
    }

    #[test]
    fn twilio_body_reads_a_status_callback() {
        let raw = b"ChannelPrefix=whatsapp&ApiVersion=2010-04-01&MessageStatus=undelivered&SmsSid=SM5d7d6d1b6a4c4fa5b0b8e3f1c2d3e4f5&SmsStatus=undelivered&ChannelInstallSid=XE00000000000000000000000000000000&ErrorCode=63016&To=whatsapp%3A%2B27821234567&From=whatsapp%3A%2B14155238886&MessageSid=SM5d7d6d1b6a4c4fa5b0b8e3f1c2d3e4f5&AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
        let d = twilio_body(raw).unwrap();
        assert!(d.messages.is_empty());
        let s = &d.statuses[0];
        assert_eq!(s.status, DeliveryStatus::Failed);
        assert_eq!(s.recipient.as_ref().unwrap().as_str(), "+27821234567");
        assert_eq!(s.error.as_ref().unwrap().code, "63016");
    }

    #[test]
    fn twilio_body_names_what_is_missing() {
        let e = twilio_body(b"Body=hi&From=whatsapp%3A%2B27821234567").unwrap_err();
        assert_eq!(field_of(e).0, "MessageSid");
        let e = twilio_body(b"Body=hi&MessageSid=SM1").unwrap_err();
        assert_eq!(field_of(e).0, "From");
        // An unencoded + reads as a space: a phone of digits after a space
        // still parses, so the signature is what catches such a body.
        let d = twilio_body(b"Body=hi&MessageSid=SM1&From=whatsapp:+27821234567").unwrap();
        assert_eq!(d.messages[0].from.as_str(), "+27821234567");
    }

    #[test]
    fn a_signed_twilio_body_verifies_on_its_decoded_fields() {
        use super::super::signature::{sign_twilio, verify_twilio};
        let url = "https://plant.example.com/api/v1/whatsapp/twilio";
        let raw =
            b"MessageSid=SM1&From=whatsapp%3A%2B27821234567&Body=Caf%C3%A9+au+lait&NumMedia=0";
        let fields = twilio_form(raw).unwrap();
        let sig = sign_twilio(b"token", url, &fields);
        // Re-encoded differently (another order, %20 for the space): the
        // same fields, the same signature.
        let other = twilio_form(
            b"NumMedia=0&Body=Caf%C3%A9%20au%20lait&From=whatsapp%3A%2B27821234567&MessageSid=SM1",
        )
        .unwrap();
        assert_eq!(verify_twilio(b"token", url, &other, Some(&sig)), Ok(()));
    }
}
