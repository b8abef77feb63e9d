//! The WhatsApp channel's pure parts: what arrives from a provider,
//! normalised (`inbound`), the flows people follow in a chat, defined as
//! data and interpreted by one engine (`flow`, `engine`), and the matcher
//! that places free text in a flow (`matcher`).

pub mod engine;
pub mod flow;
pub mod inbound;
pub mod matcher;
pub mod texts;

#[cfg(test)]
mod tests;
