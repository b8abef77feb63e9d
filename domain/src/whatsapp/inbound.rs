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
use serde::{Deserialize, Serialize};
use std::fmt;

mod meta;
mod twilio;

pub use meta::{
    meta_delivery, MetaButton, MetaChange, MetaContact, MetaContext, MetaEntry, MetaError,
    MetaInteractive, MetaMedia, MetaMessage, MetaMetadata, MetaProfile, MetaReply, MetaStatus,
    MetaText, MetaValue, MetaWebhook,
};
pub use twilio::twilio_delivery;

#[cfg(test)]
mod tests;

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
