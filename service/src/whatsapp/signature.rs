//! Provider signatures on webhook deliveries, checked in constant time.
//!
//! - Meta signs the raw body: `X-Hub-Signature-256: sha256=<hex of
//!   HMAC-SHA256(app secret, body)>`.
//! - Twilio signs the URL it called and the form fields it posted:
//!   `X-Twilio-Signature: <base64 of HMAC-SHA1(auth token, url + each field's
//!   name and value, sorted by name)>`
//!   (<https://www.twilio.com/docs/usage/security#validating-requests>).
//!
//! The header's bytes are compared with the expected MAC by `hmac`'s
//! `verify_slice`, which runs in constant time. Errors never carry the
//! secret, the body or the signature.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// Why a delivery's signature was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No signature header.
    #[error("signature missing")]
    Missing,
    /// A header that is not a signature of the expected form.
    #[error("signature malformed")]
    Malformed,
    /// A well-formed signature of something else.
    #[error("signature mismatch")]
    Mismatch,
}

const META_PREFIX: &str = "sha256=";
const SHA256_LEN: usize = 32;
const SHA1_LEN: usize = 20;

fn meta_mac(app_secret: &[u8], body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(app_secret).expect("HMAC takes keys of any length");
    mac.update(body);
    mac
}

/// Checks Meta's `X-Hub-Signature-256` header (`sha256=` and 64 hex digits,
/// either case) against the raw body.
pub fn verify_meta(
    app_secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let hex_digits = header
        .strip_prefix(META_PREFIX)
        .ok_or(SignatureError::Malformed)?;
    if hex_digits.len() != SHA256_LEN * 2 {
        return Err(SignatureError::Malformed);
    }
    let given = hex::decode(hex_digits).map_err(|_| SignatureError::Malformed)?;
    meta_mac(app_secret, body)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

/// The `X-Hub-Signature-256` value Meta would send for `body`.
pub fn sign_meta(app_secret: &[u8], body: &[u8]) -> String {
    let tag = meta_mac(app_secret, body).finalize().into_bytes();
    format!("{META_PREFIX}{}", hex::encode(tag))
}

fn twilio_mac(auth_token: &[u8], url: &str, params: &[(String, String)]) -> Hmac<Sha1> {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    // Byte order of the names (Twilio's "Unix-style case-sensitive" sort),
    // then of the values for a name posted more than once, as Twilio's own
    // helper libraries do.
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token).expect("HMAC takes keys of any length");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// Checks Twilio's `X-Twilio-Signature` header against the URL Twilio
/// called (scheme, host, port if any, path and query exactly as configured
/// in Twilio) and the decoded form fields it posted.
pub fn verify_twilio(
    auth_token: &[u8],
    url: &str,
    params: &[(String, String)],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?.trim();
    let given = BASE64
        .decode(header)
        .map_err(|_| SignatureError::Malformed)?;
    if given.len() != SHA1_LEN {
        return Err(SignatureError::Malformed);
    }
    twilio_mac(auth_token, url, params)
        .verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

/// The `X-Twilio-Signature` value Twilio would send for this request.
pub fn sign_twilio(auth_token: &[u8], url: &str, params: &[(String, String)]) -> String {
    BASE64.encode(twilio_mac(auth_token, url, params).finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    // ------------------------------------------------------------ Meta

    /// GitHub's published test values for the same `X-Hub-Signature-256`
    /// scheme Meta uses (sha256= and the hex HMAC-SHA256 of the raw body):
    /// <https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries>
    /// ("Testing the webhook payload validation").
    const GITHUB_SECRET: &[u8] = b"It's a Secret to Everybody";
    const GITHUB_BODY: &[u8] = b"Hello, World!";
    const GITHUB_SIGNATURE: &str =
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    /// Computed independently with Python's `hmac` module:
    /// `hmac.new(b"meta-app-secret", BODY, hashlib.sha256).hexdigest()`.
    const META_SECRET: &[u8] = b"meta-app-secret";
    const META_BODY: &[u8] = br#"{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"16505551111","phone_number_id":"123456123"},"contacts":[{"profile":{"name":"test user name"},"wa_id":"16315551181"}],"messages":[{"from":"16315551181","id":"ABGGFlA5Fpa","timestamp":"1504902988","type":"text","text":{"body":"this is a text message"}}]}}]}]}"#;
    const META_SIGNATURE: &str =
        "sha256=1d4e72c284ab203d561c1f4918989fefd37ef620a035065a18e035eda841ea21";

    #[test]
    fn meta_accepts_the_published_x_hub_signature_vector() {
        assert_eq!(sign_meta(GITHUB_SECRET, GITHUB_BODY), GITHUB_SIGNATURE);
        assert_eq!(
            verify_meta(GITHUB_SECRET, GITHUB_BODY, Some(GITHUB_SIGNATURE)),
            Ok(())
        );
    }

    #[test]
    fn meta_accepts_an_independently_computed_vector() {
        assert_eq!(sign_meta(META_SECRET, META_BODY), META_SIGNATURE);
        assert_eq!(
            verify_meta(META_SECRET, META_BODY, Some(META_SIGNATURE)),
            Ok(())
        );
    }

    #[test]
    fn meta_accepts_upper_case_hex_and_surrounding_space() {
        let upper = format!("sha256={}", GITHUB_SIGNATURE[7..].to_ascii_uppercase());
        assert_eq!(
            verify_meta(GITHUB_SECRET, GITHUB_BODY, Some(&upper)),
            Ok(())
        );
        let spaced = format!(" {GITHUB_SIGNATURE} ");
        assert_eq!(
            verify_meta(GITHUB_SECRET, GITHUB_BODY, Some(&spaced)),
            Ok(())
        );
    }

    #[test]
    fn meta_refuses_a_wrong_secret() {
        assert_eq!(
            verify_meta(
                b"It's a secret to everybody",
                GITHUB_BODY,
                Some(GITHUB_SIGNATURE)
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_meta(b"", META_BODY, Some(META_SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn meta_refuses_a_body_changed_by_one_byte() {
        let mut body = META_BODY.to_vec();
        let at = body.iter().position(|b| *b == b'1').unwrap();
        body[at] = b'2';
        assert_eq!(
            verify_meta(META_SECRET, &body, Some(META_SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_meta(GITHUB_SECRET, b"Hello, World?", Some(GITHUB_SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
        // One more byte at the end.
        let mut longer = META_BODY.to_vec();
        longer.push(b'\n');
        assert_eq!(
            verify_meta(META_SECRET, &longer, Some(META_SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn meta_refuses_a_changed_signature_digit() {
        let mut sig = GITHUB_SIGNATURE.to_string();
        sig.pop();
        sig.push('8'); // ...17 -> ...18
        assert_eq!(
            verify_meta(GITHUB_SECRET, GITHUB_BODY, Some(&sig)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn meta_missing_header() {
        assert_eq!(
            verify_meta(GITHUB_SECRET, GITHUB_BODY, None),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn meta_malformed_headers() {
        let hex = &GITHUB_SIGNATURE[7..];
        for header in [
            String::new(),
            "sha256=".to_string(),
            hex.to_string(),                               // no prefix
            format!("sha1={hex}"),                         // another algorithm
            format!("SHA256={hex}"),                       // the prefix is lower-case
            format!("sha256= {hex}"),                      // space inside
            format!("sha256={}", &hex[..62]),              // short
            format!("sha256={hex}00"),                     // long
            format!("sha256={}zz", &hex[..62]),            // not hex
            format!("sha256={}", "g".repeat(64)),          // not hex
            format!("sha256={}é", &hex[..62]),             // not ASCII
            "sha256=dp7ZbVK1v8l+3gY0Gk2D3Q==".to_string(), // base64, not hex
        ] {
            assert_eq!(
                verify_meta(GITHUB_SECRET, GITHUB_BODY, Some(&header)),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
    }

    // ------------------------------------------------------------ Twilio

    /// The helper libraries' test vector, from twilio-python's
    /// tests/unit/test_request_validator.py
    /// (<https://github.com/twilio/twilio-python/blob/main/tests/unit/test_request_validator.py>)
    /// and the twilio-php guide "Validate Incoming Requests"
    /// (<https://twilio-php-atbaker.readthedocs.io/en/latest/usage/validation.html>):
    /// auth token 12345, this URL and these fields give this signature.
    const TOKEN: &[u8] = b"12345";
    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const SIGNATURE: &str = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    fn fields() -> Vec<(String, String)> {
        params(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ])
    }

    #[test]
    fn twilio_accepts_the_helper_library_vector() {
        assert_eq!(sign_twilio(TOKEN, URL, &fields()), SIGNATURE);
        assert_eq!(
            verify_twilio(TOKEN, URL, &fields(), Some(SIGNATURE)),
            Ok(())
        );
    }

    /// The worked example in Twilio's security guide, "Explore the algorithm
    /// yourself" (<https://www.twilio.com/docs/usage/security>): the fields
    /// posted in another order, sorted, signed with auth token 12345.
    #[test]
    fn twilio_accepts_the_security_guide_worked_example() {
        let posted = params(&[
            ("Digits", "1234"),
            ("To", "+18005551212"),
            ("From", "+14158675310"),
            ("Caller", "+14158675310"),
            ("CallSid", "CA1234567890ABCDE"),
        ]);
        let url = "https://example.com/myapp.php?foo=1&bar=2";
        assert_eq!(
            sign_twilio(TOKEN, url, &posted),
            "L/OH5YylLD5NRKLltdqwSvS0BnU="
        );
        assert_eq!(
            verify_twilio(TOKEN, url, &posted, Some("L/OH5YylLD5NRKLltdqwSvS0BnU=")),
            Ok(())
        );
    }

    /// twilio-python's vector for a field posted twice: names sorted, then
    /// each name's values sorted.
    #[test]
    fn twilio_sorts_repeated_fields_by_value() {
        let posted = params(&[
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
        ]);
        assert_eq!(
            sign_twilio(TOKEN, URL, &posted),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU="
        );
        let mut reversed = posted.clone();
        reversed.reverse();
        assert_eq!(
            verify_twilio(TOKEN, URL, &reversed, Some("IK+Dwps556ElfBT0I3Rgjkr1wJU=")),
            Ok(())
        );
    }

    #[test]
    fn twilio_field_order_does_not_matter() {
        let mut shuffled = fields();
        shuffled.rotate_left(2);
        shuffled.swap(0, 4);
        assert_ne!(shuffled, fields());
        assert_eq!(
            verify_twilio(TOKEN, URL, &shuffled, Some(SIGNATURE)),
            Ok(())
        );
    }

    #[test]
    fn twilio_refuses_a_changed_value_an_added_or_a_dropped_field() {
        let mut changed = fields();
        changed[2].1 = "9999".into();
        assert_eq!(
            verify_twilio(TOKEN, URL, &changed, Some(SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
        let mut added = fields();
        added.push(("Body".into(), "hi".into()));
        assert_eq!(
            verify_twilio(TOKEN, URL, &added, Some(SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
        let dropped = fields()[1..].to_vec();
        assert_eq!(
            verify_twilio(TOKEN, URL, &dropped, Some(SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
        // A value moved to another name.
        let mut renamed = fields();
        renamed[0].0 = "CallSID".into();
        assert_eq!(
            verify_twilio(TOKEN, URL, &renamed, Some(SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn twilio_refuses_a_wrong_token() {
        assert_eq!(
            verify_twilio(b"54321", URL, &fields(), Some(SIGNATURE)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn twilio_refuses_another_url() {
        for url in [
            "http://mycompany.com/myapp.php?foo=1&bar=2", // http, not https
            "https://mycompany.com:443/myapp.php?foo=1&bar=2", // a port
            "https://mycompany.com:8443/myapp.php?foo=1&bar=2",
            "https://mycompany.com/myapp.php/?foo=1&bar=2", // a trailing slash
            "https://mycompany.com/myapp.php?bar=2&foo=1",  // query reordered
            "https://mycompany.com/myapp.php?foo=1&bar=2&", // query extended
            "https://mycompany.com/myapp.php",              // query dropped
            "https://MyCompany.com/myapp.php?foo=1&bar=2",  // host case
        ] {
            assert_eq!(
                verify_twilio(TOKEN, url, &fields(), Some(SIGNATURE)),
                Err(SignatureError::Mismatch),
                "{url}"
            );
        }
        let slash = sign_twilio(TOKEN, "https://example.com/twilio/", &fields());
        assert_eq!(
            verify_twilio(TOKEN, "https://example.com/twilio", &fields(), Some(&slash)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn twilio_missing_header() {
        assert_eq!(
            verify_twilio(TOKEN, URL, &fields(), None),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn twilio_malformed_headers() {
        for header in [
            "",
            "not base64!",
            "RSOYDt4T1cUTdK1PDd93/VVr8B8",      // padding dropped
            "RSOYDt4T1cUTdK1PDd93_VVr8B8=",     // URL-safe alphabet
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=RSOY", // trailing characters
            "cmVhbGx5IG5vdCBhIHNpZ25hdHVyZQ==", // base64 of 22 bytes, not 20
            "sha1=RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        ] {
            assert_eq!(
                verify_twilio(TOKEN, URL, &fields(), Some(header)),
                Err(SignatureError::Malformed),
                "{header:?}"
            );
        }
    }

    #[test]
    fn twilio_empty_fields_still_sign_the_url() {
        let sig = sign_twilio(TOKEN, URL, &[]);
        assert_eq!(verify_twilio(TOKEN, URL, &[], Some(&sig)), Ok(()));
        assert_eq!(
            verify_twilio(TOKEN, URL, &fields(), Some(&sig)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn errors_say_little() {
        assert_eq!(SignatureError::Missing.to_string(), "signature missing");
        assert_eq!(SignatureError::Malformed.to_string(), "signature malformed");
        assert_eq!(SignatureError::Mismatch.to_string(), "signature mismatch");
    }
}
