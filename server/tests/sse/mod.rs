//! A small server-sent-events client for the tests: reads frames off a
//! streaming response, tells a quiet stream from one the server ended.

#![allow(dead_code)]

use domain::events::LiveEvent;
use futures::StreamExt;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frame {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

impl Frame {
    pub fn live(&self) -> LiveEvent {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("{e}: {}", self.data))
    }
}

#[derive(Debug, PartialEq)]
pub enum Next {
    Frame(Frame),
    /// The server ended the stream.
    Ended,
    /// Nothing within the wait.
    Quiet,
}

pub struct Sse {
    body: futures::stream::BoxStream<'static, reqwest::Result<axum::body::Bytes>>,
    buf: String,
}

impl Sse {
    pub async fn open(base: &str, token: &str, last_event_id: Option<&str>) -> Sse {
        let mut req = reqwest::Client::new()
            .get(format!("{base}/api/v1/events"))
            .bearer_auth(token);
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 200);
        Sse {
            body: res.bytes_stream().boxed(),
            buf: String::new(),
        }
    }

    pub async fn next(&mut self, wait: Duration) -> Next {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // One frame per blank line; comments (keep-alives) are skipped.
            if let Some(end) = self.buf.find("\n\n") {
                let raw: String = self.buf.drain(..end + 2).collect();
                let mut f = Frame {
                    event: "message".into(),
                    ..Default::default()
                };
                let mut any = false;
                for line in raw.lines() {
                    let (k, v) = line.split_once(':').unwrap_or((line, ""));
                    let v = v.strip_prefix(' ').unwrap_or(v);
                    match k {
                        "event" => f.event = v.into(),
                        "id" => f.id = Some(v.into()),
                        "data" => f.data.push_str(v),
                        _ => continue,
                    }
                    any = true;
                }
                if any {
                    return Next::Frame(f);
                }
                continue;
            }
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Err(_) => return Next::Quiet,
                Ok(None) | Ok(Some(Err(_))) => return Next::Ended,
                Ok(Some(Ok(bytes))) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
            }
        }
    }

    pub async fn frame(&mut self, wait: Duration) -> Frame {
        match self.next(wait).await {
            Next::Frame(f) => f,
            other => panic!("expected an event, got {other:?}"),
        }
    }

    /// The `hello` that opens every stream, and the id it carries.
    pub async fn hello(&mut self) -> Option<i64> {
        let f = self.frame(Duration::from_secs(5)).await;
        assert_eq!(f.event, "hello", "{f:?}");
        f.id.map(|i| i.parse().unwrap())
    }

    /// The next change on the stream, skipping nothing.
    pub async fn change(&mut self, wait: Duration) -> domain::events::Change {
        let f = self.frame(wait).await;
        match f.live() {
            LiveEvent::Change(c) => {
                assert_eq!(f.id, Some(c.seq.to_string()), "the SSE id is the seq");
                c
            }
            other => panic!("expected a change, got {other:?}"),
        }
    }
}
