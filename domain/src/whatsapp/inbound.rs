//! What a provider delivers to the webhook, normalised: messages in and
//! delivery statuses of messages out, whichever provider sent them.
//!
//! Two providers carry the channel. Meta's Cloud API posts JSON
//! ([`MetaWebhook`], read by [`meta_delivery`]); Twilio posts form fields
//! (read by [`twilio_delivery`]). Both become one [`Delivery`]: the
//! [`InboundMessage`]s people sent and the [`StatusUpdate`]s of messages we
//! sent. A field the normalised value needs that is missing or unreadable is
//! an [`AppError::field`] naming it (`text.body`, `MessageSid`); a message of a
//! kind the channel does not read (audio, sticker, location…) is kept as
//! [`InboundBody::Unsupported`], to be answered politely later.
//!
//! Formats, as documented by the providers:
//! - Meta: <https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages>
//!   (text, interactive, button, image, document; statuses with `errors[]`).
//! - Twilio: <https://www.twilio.com/docs/messaging/guides/webhook-request>
//!   (incoming message) and the message status callback (`MessageStatus`).

use crate::error::{AppError, UnknownValue};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashMap;
use std::fmt;

// ---------------------------------------------------------------- provider

/// Who carried the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Provider {
    Meta,
    Twilio,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::Meta, Provider::Twilio];

    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Meta => "meta",
            Provider::Twilio => "twilio",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl TryFrom<String> for Provider {
    type Error = UnknownValue;
    fn try_from(value: String) -> Result<Self, UnknownValue> {
        Provider::parse(&value).ok_or(UnknownValue {
            what: "WhatsApp provider",
            value,
        })
    }
}

// ------------------------------------------------------------------- phone

/// A phone number in E.164 form: `+`, then 8 to 15 digits, the first not 0.
/// Serialised as that text (`"+27821234567"`); deserialising checks it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "+27821234567"))]
pub struct Phone(String);

impl Phone {
    /// Reads `+27821234567`, `27821234567` (Meta's `wa_id` and `from` carry
    /// no plus), `whatsapp:+27821234567` (Twilio's `From`), with spaces and
    /// dashes anywhere in the number.
    pub fn parse(s: &str) -> Result<Phone, AppError> {
        let s = s.trim();
        let s = match s.get(..9) {
            Some(prefix) if prefix.eq_ignore_ascii_case("whatsapp:") => &s[9..],
            _ => s,
        };
        let compact: String = s.chars().filter(|c| *c != ' ' && *c != '-').collect();
        let digits = compact.strip_prefix('+').unwrap_or(&compact);
        if digits.is_empty() {
            return Err(AppError::field("phone", "enter a phone number"));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::field(
                "phone",
                "use digits only, with the country code (+27821234567)",
            ));
        }
        if digits.starts_with('0') {
            return Err(AppError::field(
                "phone",
                "start with the country code, not 0 (+27821234567)",
            ));
        }
        if !(8..=15).contains(&digits.len()) {
            return Err(AppError::field(
                "phone",
                "must have 8 to 15 digits with the country code",
            ));
        }
        Ok(Phone(format!("+{digits}")))
    }

    /// `+27821234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `27821234567`: what Meta's API takes as a recipient.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Phone {
    type Error = AppError;
    fn try_from(value: String) -> Result<Self, AppError> {
        Phone::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// A phone read from a provider's field: the error names that field.
fn phone_at(field: &str, s: &str) -> Result<Phone, AppError> {
    Phone::parse(s).map_err(|e| match e {
        AppError::Invalid(f) => AppError::field(field, f.message),
        other => other,
    })
}

// ---------------------------------------------------------------- messages

/// A message someone sent to the plant's WhatsApp number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundMessage {
    pub provider: Provider,
    /// The provider's message id: Meta's `wamid.…`, Twilio's `MessageSid`.
    pub id: String,
    pub from: Phone,
    /// The sender's WhatsApp profile name, when the provider gives it.
    pub profile_name: Option<String>,
    /// When it was sent (UTC ms): Meta's unix-seconds timestamp × 1000;
    /// Twilio gives none.
    pub at_ms: Option<i64>,
    pub body: InboundBody,
    /// The provider id of the message this one replies to, when given.
    pub context_id: Option<String>,
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InboundBody {
    Text {
        text: String,
    },
    /// A tap on a reply button of an interactive message we sent.
    ButtonReply {
        id: String,
        title: String,
    },
    /// A row chosen from an interactive list we sent.
    ListReply {
        id: String,
        title: String,
        description: Option<String>,
    },
    /// A tap on a quick-reply button of a template message.
    TemplateButton {
        payload: String,
        text: String,
    },
    Image {
        media: MediaRef,
        caption: Option<String>,
    },
    Document {
        media: MediaRef,
        filename: Option<String>,
        caption: Option<String>,
    },
    /// A kind the channel does not read (audio, sticker, location,
    /// reaction…): kept, and answered politely.
    Unsupported {
        kind: String,
    },
}

/// Where an attachment can be fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediaRef {
    /// Meta's media id (fetched through the Graph API), or Twilio's
    /// `MediaUrl0`.
    pub id_or_url: String,
    pub mime: Option<String>,
    pub sha256: Option<String>,
}

// ---------------------------------------------------------------- statuses

/// Where a message we sent has got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeliveryStatus {
    Queued,
    Sent,
    Delivered,
    Read,
    Failed,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::Queued,
        DeliveryStatus::Sent,
        DeliveryStatus::Delivered,
        DeliveryStatus::Read,
        DeliveryStatus::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Read => "read",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// Our own names and the providers' words for them: Twilio's
    /// `accepted`, `scheduled`, `queued` and `sending` are queued; its
    /// `undelivered` and `canceled` are failed. Anything else (Twilio's
    /// inbound `received`, Meta's `deleted`) is no status of ours.
    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        Some(match s {
            "queued" | "accepted" | "scheduled" | "sending" => DeliveryStatus::Queued,
            "sent" => DeliveryStatus::Sent,
            "delivered" => DeliveryStatus::Delivered,
            "read" => DeliveryStatus::Read,
            "failed" | "undelivered" | "canceled" => DeliveryStatus::Failed,
            _ => return None,
        })
    }
}

impl TryFrom<String> for DeliveryStatus {
    type Error = UnknownValue;
    /// A stored value: only our own names.
    fn try_from(value: String) -> Result<Self, UnknownValue> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or(UnknownValue {
                what: "delivery status",
                value,
            })
    }
}

/// The provider's reason a message failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderError {
    /// Meta's numeric code or Twilio's `ErrorCode`, as text (`131047`).
    pub code: String,
    /// What the provider says it means; empty when it says nothing.
    pub title: String,
}

/// News of a message we sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusUpdate {
    pub provider: Provider,
    /// The provider id of the message we sent.
    pub message_id: String,
    pub recipient: Option<Phone>,
    pub status: DeliveryStatus,
    /// When the message reached this status (UTC ms); Twilio gives none.
    pub at_ms: Option<i64>,
    pub error: Option<ProviderError>,
}

/// Everything one webhook request carried.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub messages: Vec<InboundMessage>,
    pub statuses: Vec<StatusUpdate>,
}

impl Delivery {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.statuses.is_empty()
    }
}

// -------------------------------------------------------------------- Meta

/// Meta's webhook body. Unknown fields are ignored (Meta adds fields
/// without notice); the ones the channel reads are checked by
/// [`meta_delivery`], which names what is missing.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaWebhook {
    pub object: String,
    pub entry: Vec<MetaEntry>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaEntry {
    /// The WhatsApp Business Account id.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub changes: Vec<MetaChange>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaChange {
    /// `messages` for messages and statuses; other subscribed fields
    /// (template reviews, account updates) are skipped.
    #[serde(default)]
    pub field: Option<String>,
    pub value: MetaValue,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct MetaValue {
    #[serde(default)]
    pub messaging_product: Option<String>,
    #[serde(default)]
    pub metadata: Option<MetaMetadata>,
    #[serde(default)]
    pub contacts: Vec<MetaContact>,
    #[serde(default)]
    pub messages: Vec<MetaMessage>,
    #[serde(default)]
    pub statuses: Vec<MetaStatus>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaMetadata {
    #[serde(default)]
    pub display_phone_number: Option<String>,
    #[serde(default)]
    pub phone_number_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaContact {
    #[serde(default)]
    pub profile: Option<MetaProfile>,
    #[serde(default)]
    pub wa_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaProfile {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaMessage {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    /// Unix seconds, as a string (a number is accepted too).
    #[serde(default, deserialize_with = "string_or_number")]
    pub timestamp: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub text: Option<MetaText>,
    #[serde(default)]
    pub interactive: Option<MetaInteractive>,
    #[serde(default)]
    pub button: Option<MetaButton>,
    #[serde(default)]
    pub image: Option<MetaMedia>,
    #[serde(default)]
    pub document: Option<MetaMedia>,
    #[serde(default)]
    pub context: Option<MetaContext>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaText {
    #[serde(default)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaInteractive {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub button_reply: Option<MetaReply>,
    #[serde(default)]
    pub list_reply: Option<MetaReply>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaReply {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A template's quick-reply button.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaButton {
    #[serde(default)]
    pub payload: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

/// An image or a document.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaMedia {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaContext {
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaStatus {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub recipient_id: Option<String>,
    #[serde(default)]
    pub errors: Vec<MetaError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MetaError {
    /// A number in Meta's payloads (a string is accepted too).
    #[serde(default, deserialize_with = "string_or_number")]
    pub code: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// A JSON string or integer, kept as text.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Signed(i64),
        Unsigned(u64),
    }
    Ok(Option::<Raw>::deserialize(d)?.map(|raw| match raw {
        Raw::Text(s) => s,
        Raw::Signed(n) => n.to_string(),
        Raw::Unsigned(n) => n.to_string(),
    }))
}

/// The value of a field the channel needs, or an error naming it.
fn need<'a>(value: &'a Option<String>, field: &str) -> Result<&'a str, AppError> {
    match value.as_deref() {
        Some(s) if !s.trim().is_empty() => Ok(s),
        _ => Err(AppError::field(field, "is missing")),
    }
}

/// Text that may be absent or empty: `None` either way.
fn present(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Unix seconds as text, to UTC milliseconds.
fn seconds_to_ms(value: &Option<String>, field: &str) -> Result<Option<i64>, AppError> {
    let Some(s) = value.as_deref() else {
        return Ok(None);
    };
    s.trim()
        .parse::<i64>()
        .ok()
        .and_then(|secs| secs.checked_mul(1000))
        .filter(|ms| *ms >= 0)
        .map(Some)
        .ok_or_else(|| AppError::field(field, "is not a unix time in seconds"))
}

/// Meta's webhook body, normalised. Profile names come from the `contacts`
/// beside the messages, matched by `wa_id`.
pub fn meta_delivery(payload: MetaWebhook) -> Result<Delivery, AppError> {
    if payload.object != "whatsapp_business_account" {
        return Err(AppError::field(
            "object",
            "is not a WhatsApp Business Account notification",
        ));
    }
    let mut delivery = Delivery::default();
    for change in payload.entry.into_iter().flat_map(|e| e.changes) {
        if change.field.as_deref().is_some_and(|f| f != "messages") {
            continue;
        }
        let value = change.value;
        let names: HashMap<&str, &str> = value
            .contacts
            .iter()
            .filter_map(|c| {
                let name = c.profile.as_ref()?.name.as_deref()?;
                Some((c.wa_id.as_deref()?, name))
            })
            .collect();
        for m in &value.messages {
            delivery.messages.push(meta_message(m, &names)?);
        }
        for s in &value.statuses {
            delivery.statuses.push(meta_status(s)?);
        }
    }
    Ok(delivery)
}

fn meta_message(m: &MetaMessage, names: &HashMap<&str, &str>) -> Result<InboundMessage, AppError> {
    let id = need(&m.id, "messages.id")?;
    let from_raw = need(&m.from, "messages.from")?;
    let from = phone_at("messages.from", from_raw)?;
    let kind = need(&m.kind, "messages.type")?;
    let body =
        match kind {
            "text" => {
                let text = m
                    .text
                    .as_ref()
                    .ok_or_else(|| AppError::field("text", "is missing"))?;
                let body = text
                    .body
                    .as_deref()
                    .ok_or_else(|| AppError::field("text.body", "is missing"))?;
                InboundBody::Text {
                    text: body.to_owned(),
                }
            }
            "interactive" => {
                let i = m
                    .interactive
                    .as_ref()
                    .ok_or_else(|| AppError::field("interactive", "is missing"))?;
                match need(&i.kind, "interactive.type")? {
                    "button_reply" => {
                        let r = i.button_reply.as_ref().ok_or_else(|| {
                            AppError::field("interactive.button_reply", "is missing")
                        })?;
                        InboundBody::ButtonReply {
                            id: need(&r.id, "interactive.button_reply.id")?.to_owned(),
                            title: need(&r.title, "interactive.button_reply.title")?.to_owned(),
                        }
                    }
                    "list_reply" => {
                        let r = i.list_reply.as_ref().ok_or_else(|| {
                            AppError::field("interactive.list_reply", "is missing")
                        })?;
                        InboundBody::ListReply {
                            id: need(&r.id, "interactive.list_reply.id")?.to_owned(),
                            title: need(&r.title, "interactive.list_reply.title")?.to_owned(),
                            description: present(&r.description),
                        }
                    }
                    other => InboundBody::Unsupported {
                        kind: format!("interactive.{other}"),
                    },
                }
            }
            "button" => {
                let b = m
                    .button
                    .as_ref()
                    .ok_or_else(|| AppError::field("button", "is missing"))?;
                InboundBody::TemplateButton {
                    payload: need(&b.payload, "button.payload")?.to_owned(),
                    text: need(&b.text, "button.text")?.to_owned(),
                }
            }
            "image" => {
                let media = m
                    .image
                    .as_ref()
                    .ok_or_else(|| AppError::field("image", "is missing"))?;
                InboundBody::Image {
                    media: meta_media(media, "image.id")?,
                    caption: present(&media.caption),
                }
            }
            "document" => {
                let media = m
                    .document
                    .as_ref()
                    .ok_or_else(|| AppError::field("document", "is missing"))?;
                InboundBody::Document {
                    media: meta_media(media, "document.id")?,
                    filename: present(&media.filename),
                    caption: present(&media.caption),
                }
            }
            other => InboundBody::Unsupported {
                kind: other.to_owned(),
            },
        };
    Ok(InboundMessage {
        provider: Provider::Meta,
        id: id.to_owned(),
        profile_name: names
            .get(from_raw)
            .or_else(|| names.get(from.digits()))
            .filter(|n| !n.is_empty())
            .map(|n| (*n).to_owned()),
        from,
        at_ms: seconds_to_ms(&m.timestamp, "messages.timestamp")?,
        body,
        context_id: m.context.as_ref().and_then(|c| present(&c.id)),
    })
}

fn meta_media(media: &MetaMedia, id_field: &str) -> Result<MediaRef, AppError> {
    Ok(MediaRef {
        id_or_url: need(&media.id, id_field)?.to_owned(),
        mime: present(&media.mime_type),
        sha256: present(&media.sha256),
    })
}

fn meta_status(s: &MetaStatus) -> Result<StatusUpdate, AppError> {
    let message_id = need(&s.id, "statuses.id")?;
    let status = DeliveryStatus::parse(need(&s.status, "statuses.status")?)
        .ok_or_else(|| AppError::field("statuses.status", "is not a delivery status"))?;
    let recipient = match present(&s.recipient_id) {
        Some(r) => Some(phone_at("statuses.recipient_id", &r)?),
        None => None,
    };
    let error = match s.errors.first() {
        Some(e) => Some(ProviderError {
            code: need(&e.code, "statuses.errors.code")?.to_owned(),
            title: present(&e.title)
                .or_else(|| present(&e.message))
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(StatusUpdate {
        provider: Provider::Meta,
        message_id: message_id.to_owned(),
        recipient,
        status,
        at_ms: seconds_to_ms(&s.timestamp, "statuses.timestamp")?,
        error,
    })
}

// ------------------------------------------------------------------ Twilio

/// Twilio's form fields, normalised. A request with `MessageStatus` and no
/// `Body` is a status callback (its recipient is `To`); anything else is an
/// incoming message. Twilio posts one message or one status per request.
pub fn twilio_delivery(params: &[(String, String)]) -> Result<Delivery, AppError> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
    let id = non_empty("MessageSid")
        .ok_or_else(|| AppError::field("MessageSid", "is missing"))?
        .to_owned();
    let mut delivery = Delivery::default();

    if let (Some(status), None) = (get("MessageStatus"), get("Body")) {
        let status = DeliveryStatus::parse(status.trim())
            .ok_or_else(|| AppError::field("MessageStatus", "is not a delivery status"))?;
        let recipient = match non_empty("To") {
            Some(to) => Some(phone_at("To", to)?),
            None => None,
        };
        let error = non_empty("ErrorCode").map(|code| ProviderError {
            code: code.trim().to_owned(),
            title: non_empty("ErrorMessage").unwrap_or_default().to_owned(),
        });
        delivery.statuses.push(StatusUpdate {
            provider: Provider::Twilio,
            message_id: id,
            recipient,
            status,
            at_ms: None,
            error,
        });
        return Ok(delivery);
    }

    let from = phone_at(
        "From",
        non_empty("From").ok_or_else(|| AppError::field("From", "is missing"))?,
    )?;
    let text = get("Body").unwrap_or_default();
    let num_media = match non_empty("NumMedia") {
        Some(n) => n
            .trim()
            .parse::<u32>()
            .map_err(|_| AppError::field("NumMedia", "is not a count"))?,
        None => 0,
    };
    let kind_hint = non_empty("MessageType");
    let body = if non_empty("ButtonPayload").is_some() || non_empty("ButtonText").is_some() {
        let button_text = non_empty("ButtonText").unwrap_or(text);
        InboundBody::TemplateButton {
            payload: non_empty("ButtonPayload").unwrap_or(button_text).to_owned(),
            text: button_text.to_owned(),
        }
    } else if num_media >= 1 {
        let url =
            non_empty("MediaUrl0").ok_or_else(|| AppError::field("MediaUrl0", "is missing"))?;
        let mime = non_empty("MediaContentType0").map(|m| m.trim().to_ascii_lowercase());
        let media = MediaRef {
            id_or_url: url.to_owned(),
            mime: mime.clone(),
            sha256: None,
        };
        let caption = Some(text).filter(|t| !t.is_empty()).map(str::to_owned);
        match mime
            .as_deref()
            .and_then(|m| m.split_once('/'))
            .map(|(top, _)| top)
        {
            Some("image") => InboundBody::Image { media, caption },
            // Voice notes and videos are not documents: Meta's webhook names
            // them audio and video, kinds the channel does not read.
            Some(top @ ("audio" | "video")) => InboundBody::Unsupported {
                kind: top.to_owned(),
            },
            _ => InboundBody::Document {
                media,
                filename: None,
                caption,
            },
        }
    } else if non_empty("Latitude").is_some() {
        InboundBody::Unsupported {
            kind: "location".into(),
        }
    } else if text.is_empty() && kind_hint.is_some_and(|k| k != "text") {
        InboundBody::Unsupported {
            kind: kind_hint.unwrap_or_default().to_owned(),
        }
    } else {
        InboundBody::Text {
            text: text.to_owned(),
        }
    };
    delivery.messages.push(InboundMessage {
        provider: Provider::Twilio,
        id,
        from,
        profile_name: non_empty("ProfileName").map(str::to_owned),
        at_ms: None,
        body,
        context_id: non_empty("OriginalRepliedMessageSid").map(str::to_owned),
    });
    Ok(delivery)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(json: &str) -> Result<Delivery, AppError> {
        let payload: MetaWebhook = serde_json::from_str(json).expect("test payload is JSON");
        meta_delivery(payload)
    }

    /// Meta's envelope around one change's `value` fields.
    fn envelope(value_fields: &str) -> String {
        format!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"102290129340398","changes":[{{"field":"messages","value":{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"15550783881","phone_number_id":"106540352242922"}},{value_fields}}}}}]}}]}}"#
        )
    }

    /// One message from +27 82 123 4567 ("Thandi"), with the given fields
    /// after `type`.
    fn one_message(kind: &str, fields: &str) -> String {
        envelope(&format!(
            r#""contacts":[{{"profile":{{"name":"Thandi"}},"wa_id":"27821234567"}}],"messages":[{{"from":"27821234567","id":"wamid.HBgLMjc4MjEyMzQ1NjcVAgASGBQzQUI0NkE4NjM1QTU2NjVGOURGQgA=","timestamp":"1750857384","type":"{kind}"{fields}}}]"#
        ))
    }

    fn only_message(d: Delivery) -> InboundMessage {
        assert!(d.statuses.is_empty(), "{d:?}");
        assert_eq!(d.messages.len(), 1, "{d:?}");
        d.messages.into_iter().next().unwrap()
    }

    fn only_status(d: Delivery) -> StatusUpdate {
        assert!(d.messages.is_empty(), "{d:?}");
        assert_eq!(d.statuses.len(), 1, "{d:?}");
        d.statuses.into_iter().next().unwrap()
    }

    fn field_of(e: AppError) -> String {
        e.field_error().expect("a field error").field.clone()
    }

    fn phone(s: &str) -> Phone {
        Phone::parse(s).unwrap()
    }

    // ------------------------------------------------------------ phone

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

    // ------------------------------------------------------------ Meta

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
                envelope(
                    r#""messages":[{"from":"27821234567","type":"text","text":{"body":"hi"}}]"#,
                ),
                "messages.id",
            ),
            (
                envelope(
                    r#""messages":[{"from":"27821234567","id":"wamid.x","text":{"body":"hi"}}]"#,
                ),
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
                envelope(
                    r#""statuses":[{"id":"wamid.x","status":"failed","errors":[{"title":"?"}]}]"#,
                ),
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

    // ------------------------------------------------------------ Twilio

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
            let s = only_status(
                twilio_delivery(&status_callback(word, &[("EventType", "READ")])).unwrap(),
            );
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
}
