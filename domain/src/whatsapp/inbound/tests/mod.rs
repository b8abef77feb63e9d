//! Tests of the normalisation: phones and names (`types`), Meta's messages
//! (`meta_messages`), its statuses and refusals (`meta_statuses`), and
//! Twilio's form posts (`twilio`). The helpers here are shared.

mod meta_messages;
mod meta_statuses;
mod twilio;
mod types;

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
