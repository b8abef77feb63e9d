//! Twilio's webhook: the form fields of an incoming message or a status
//! callback, read into one [`Delivery`] ([`twilio_delivery`]).

use super::{
    phone_at, Delivery, DeliveryStatus, InboundBody, InboundMessage, MediaRef, Provider,
    ProviderError, StatusUpdate,
};
use crate::error::AppError;

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
