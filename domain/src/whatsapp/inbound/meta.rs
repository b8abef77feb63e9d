//! Meta's Cloud API webhook: the JSON body as Meta posts it ([`MetaWebhook`])
//! and its reading into one [`Delivery`] ([`meta_delivery`]).

use super::{
    phone_at, Delivery, DeliveryStatus, InboundBody, InboundMessage, MediaRef, Provider,
    ProviderError, StatusUpdate,
};
use crate::error::AppError;
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;

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
