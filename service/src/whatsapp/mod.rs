//! The WhatsApp channel: webhook deliveries checked and stored, processed
//! after, flows run with the linked user's permissions, the outbound queue.

pub mod intake;
pub mod parse;
pub mod signature;
