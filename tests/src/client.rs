//! A small HTTP client for the suites: every exchange gives the status, the
//! headers and the body, whatever the status.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "not JSON ({error}): {:?} (status {})",
                self.text(),
                self.status
            )
        })
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// `POST url` with a body.
pub fn post(url: &str, body: impl AsRef<[u8]>) -> Answer {
    let response = agent()
        .post(url)
        .header("content-type", "application/json")
        .send(body.as_ref())
        .unwrap_or_else(|error| panic!("POST {url}: {error}"));
    answer(response)
}

/// `GET url`, or `None` if nothing answers there (yet).
pub fn try_get(url: &str) -> Option<Answer> {
    agent().get(url).call().ok().map(answer)
}

/// A request with any method and no body.
pub fn request(method: &str, url: &str) -> Answer {
    let agent = agent();
    let request = http::Request::builder()
        .method(method)
        .uri(url)
        .body(())
        .expect("a valid request");
    let response = agent
        .run(request)
        .unwrap_or_else(|error| panic!("{method} {url}: {error}"));
    answer(response)
}

fn answer(mut response: http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .expect("a readable body");
    Answer {
        status,
        headers,
        body,
    }
}

/// `POST` a body that the server may refuse before reading it all: the body
/// is written from another thread while the answer is read, so an early
/// answer (such as 413) is seen instead of a broken pipe.
pub fn post_large(address: SocketAddr, path: &str, body: Vec<u8>) -> Answer {
    raw(
        address,
        "POST",
        path,
        &[("content-type", b"application/json")],
        body,
    )
}

/// A request written byte for byte: any method, headers repeated or not
/// ASCII or huge, as a hostile client may send them (the body is written
/// while the answer is read, as for [`post_large`]).
pub fn raw(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &[u8])],
    body: Vec<u8>,
) -> Answer {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a read timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {address}\r\n").into_bytes();
    for (name, value) in headers {
        head.extend_from_slice(name.as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    let framing = format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    head.extend_from_slice(framing.as_bytes());
    let mut writer = stream.try_clone().expect("a second handle");
    let sender = std::thread::spawn(move || {
        let _ = writer
            .write_all(&head)
            .and_then(|()| writer.write_all(&body));
    });
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let _ = sender.join();
    parse_raw(&raw)
}

/// An answer from its raw bytes (a complete head; the body as it came).
pub fn parse_raw(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        body.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    body
}

/// `POST` whose body stops short of its `content-length`: the head and
/// `sent` are written, then nothing more while the answer is awaited.
pub fn post_stalled(address: SocketAddr, path: &str, declared: usize, sent: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a read timeout");
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         content-length: {declared}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("the head");
    stream.write_all(sent).expect("the start of the body");
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_raw(&raw)
}

/// `POST` from a client that reads nothing of the answer for `idle`, on a
/// connection whose receive buffer is as small as the kernel allows (so
/// that a large answer cannot wait in it), then reads what is there: the
/// bytes that came, whether or not the answer was whole.
pub fn post_read_late(address: SocketAddr, path: &str, body: &[u8], idle: Duration) -> Vec<u8> {
    let mut stream = connect_with_small_receive_buffer(address);
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("a read timeout");
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("the head");
    stream.write_all(body).expect("the body");
    std::thread::sleep(idle);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    raw
}

/// A TCP connection to `address` whose receive buffer was set small before
/// it connected (the window it announces is then small too).
fn connect_with_small_receive_buffer(address: SocketAddr) -> TcpStream {
    use std::os::fd::FromRawFd;
    let SocketAddr::V4(v4) = address else {
        panic!("a loopback IPv4 address: {address}");
    };
    // SAFETY: plain socket calls on a descriptor this function owns until it
    // hands it to the TcpStream, with pointers to live, sized values.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0, "a socket");
        let size: libc::c_int = 1024;
        let set = libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&size as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
        assert_eq!(set, 0, "SO_RCVBUF");
        let sockaddr = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: v4.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*v4.ip()).to_be(),
            },
            sin_zero: [0; 8],
        };
        let connected = libc::connect(
            fd,
            (&sockaddr as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        assert_eq!(connected, 0, "connect to {address}");
        TcpStream::from_raw_fd(fd)
    }
}
