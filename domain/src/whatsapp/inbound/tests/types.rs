//! Phones, providers and delivery status names.

use super::*;

#[test]
fn phones_in_every_provider_spelling_read_the_same() {
    for s in [
        "+27821234567",
        "27821234567",
        "whatsapp:+27821234567",
        "WhatsApp:+27821234567",
        "+27 82 123 4567",
        "+27-82-123-4567",
        " 27 82-123 4567 ",
    ] {
        let p = Phone::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(p.to_string(), "+27821234567", "{s}");
        assert_eq!(p.as_str(), "+27821234567");
        assert_eq!(p.digits(), "27821234567");
    }
}

#[test]
fn phones_that_are_not_e164_are_refused_on_the_phone_field() {
    for s in [
        "",
        "   ",
        "+",
        "whatsapp:",
        "0821234567",        // national form, no country code
        "+0821234567",       // country codes never start with 0
        "1234567",           // 7 digits: too short
        "+1234567890123456", // 16 digits: too long
        "+27 82 123 456a",
        "+27(82)1234567",
        "++27821234567",
        "27821234567+",
        "tel:+27821234567",
        "+２７821234567", // full-width digits are not ASCII digits
    ] {
        let e = Phone::parse(s).expect_err(s);
        assert_eq!(field_of(e), "phone", "{s}");
    }
    // The bounds themselves are allowed.
    assert_eq!(phone("12345678").as_str(), "+12345678");
    assert_eq!(phone("123456789012345").as_str(), "+123456789012345");
}

#[test]
fn phones_serialise_as_text_and_are_checked_when_read() {
    let p = phone("whatsapp:+27821234567");
    assert_eq!(serde_json::to_string(&p).unwrap(), r#""+27821234567""#);
    let back: Phone = serde_json::from_str(r#""+27821234567""#).unwrap();
    assert_eq!(back, p);
    assert!(serde_json::from_str::<Phone>(r#""0821234567""#).is_err());
}

// ------------------------------------------------------------ enums

#[test]
fn providers_and_statuses_round_trip_their_names() {
    for p in Provider::ALL {
        assert_eq!(Provider::parse(p.as_str()), Some(p));
        assert_eq!(Provider::try_from(p.as_str().to_string()), Ok(p));
    }
    assert_eq!(Provider::parse("Meta"), None);
    assert!(Provider::try_from("vonage".to_string()).is_err());
    for s in DeliveryStatus::ALL {
        assert_eq!(DeliveryStatus::parse(s.as_str()), Some(s));
        assert_eq!(DeliveryStatus::try_from(s.as_str().to_string()), Ok(s));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.as_str())
        );
    }
}

#[test]
fn provider_status_words_map_to_ours() {
    use DeliveryStatus::*;
    for (word, want) in [
        ("accepted", Queued),
        ("scheduled", Queued),
        ("queued", Queued),
        ("sending", Queued),
        ("sent", Sent),
        ("delivered", Delivered),
        ("read", Read),
        ("failed", Failed),
        ("undelivered", Failed),
        ("canceled", Failed),
    ] {
        assert_eq!(DeliveryStatus::parse(word), Some(want), "{word}");
    }
    for word in ["received", "receiving", "deleted", "warning", "", "Sent"] {
        assert_eq!(DeliveryStatus::parse(word), None, "{word}");
    }
    // A stored value is only ever one of our own names.
    assert!(DeliveryStatus::try_from("undelivered".to_string()).is_err());
}
