//! The tests' static host: answers GET requests on 127.0.0.1 as a static
//! web server would, many connections side by side (HTTP/1.1 with
//! keep-alive, through hyper on a runtime of its own).
//!
//! Not tiny_http, which served these tests before: its pool of connection
//! threads can lose a wake-up when two connections open at the same moment
//! (0.12: `TaskPool::spawn` queues the second behind a thread that was
//! already woken for the first), and the second connection's requests then
//! sit unread until another connection closes. A page that opens several
//! connections at once (its simulation worker starting while it fetches)
//! saw a request answered only when the test gave up.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};

/// What the host answers to one request.
pub struct Answer {
    pub status: u16,
    /// Headers besides `Content-Length` (hyper adds it).
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// Held this long before it is sent (a slow file, for a test).
    pub delay: Option<std::time::Duration>,
}

impl Answer {
    pub fn ok(content_type: &str, body: Vec<u8>) -> Self {
        Answer {
            status: 200,
            headers: vec![("Content-Type", content_type.to_string())],
            body,
            delay: None,
        }
    }

    pub fn status(status: u16, text: &str) -> Self {
        Answer {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: text.as_bytes().to_vec(),
            delay: None,
        }
    }
}

/// Serves on a free port of 127.0.0.1 until the process ends, each request
/// answered by `answer` from its path (without the query); returns the port.
pub fn serve(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .expect("a runtime for the test host");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let answer = answer.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                        let a = answer(req.uri().path());
                        async move {
                            if let Some(d) = a.delay {
                                tokio::time::sleep(d).await;
                            }
                            Ok::<_, Infallible>(response(a))
                        }
                    });
                    // A browser closing a connection midway is no error here.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    port
}

fn response(a: Answer) -> Response<Full<Bytes>> {
    let mut r = Response::builder().status(a.status);
    for (name, value) in a.headers {
        r = r.header(name, value);
    }
    r.body(Full::new(Bytes::from(a.body)))
        .expect("headers the host writes itself")
}
