//! The load generator: `connections` keep-alive HTTP/1.1 connections, each
//! sending one request after another for a fixed time, every answer checked.
//! Loopback only, bounded in time.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// One kind of request and the answer it must get.
#[derive(Clone)]
pub struct Workload {
    pub path: String,
    pub body: Bytes,
    /// The status every request must get.
    pub expected_status: u16,
    /// The exact answer body every request must get (checked byte for byte).
    pub expected: Bytes,
    /// Calls per request (100 for a batch of 100).
    pub calls_per_request: u32,
    /// Headers sent besides `host` and `content-type` (a bearer token).
    pub headers: Vec<(&'static str, String)>,
}

/// What one run measured.
#[derive(Default)]
pub struct Measurement {
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    /// Latency of each successful request, in microseconds, sorted.
    pub latencies_us: Vec<u32>,
    pub first_error: Option<String>,
}

impl Measurement {
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile_ms(&self, percentile: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let rank = ((percentile / 100.0) * (self.latencies_us.len() - 1) as f64).round() as usize;
        self.latencies_us[rank] as f64 / 1000.0
    }
}

/// Runs `workload` against `address` on `connections` connections for `duration`.
pub async fn run(
    address: SocketAddr,
    workload: &Workload,
    connections: usize,
    duration: Duration,
) -> Measurement {
    run_mix(
        address,
        std::slice::from_ref(workload),
        connections,
        duration,
        None,
    )
    .await
}

/// Runs the `workloads` in turn on each of `connections` connections for
/// `duration`; with `pause`, each connection waits that long between requests.
pub async fn run_mix(
    address: SocketAddr,
    workloads: &[Workload],
    connections: usize,
    duration: Duration,
    pause: Option<Duration>,
) -> Measurement {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|index| {
            let mut workloads = workloads.to_vec();
            let turn = index % workloads.len();
            workloads.rotate_left(turn);
            tokio::spawn(async move { connection(address, workloads, deadline, pause).await })
        })
        .collect();
    let mut total = Measurement::default();
    for task in tasks {
        let part = task.await.unwrap_or_else(|error| Measurement {
            errors: 1,
            first_error: Some(format!("load task failed: {error}")),
            ..Measurement::default()
        });
        total.requests += part.requests;
        total.errors += part.errors;
        total.latencies_us.extend(part.latencies_us);
        total.first_error = total.first_error.or(part.first_error);
    }
    total.elapsed = start.elapsed();
    total.latencies_us.sort_unstable();
    total
}

/// One connection's share: requests in turn over the workloads, reopening
/// the connection after an error, until the deadline.
async fn connection(
    address: SocketAddr,
    workloads: Vec<Workload>,
    deadline: Instant,
    pause: Option<Duration>,
) -> Measurement {
    let mut measurement = Measurement::default();
    let mut sender = None;
    let mut turn = 0;
    while Instant::now() < deadline {
        let connection = match &mut sender {
            Some(connection) => connection,
            None => match open(address).await {
                Ok(opened) => sender.insert(opened),
                Err(error) => {
                    record_error(&mut measurement, error);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        if let Some(pause) = pause {
            tokio::time::sleep(pause).await;
        }
        let workload = &workloads[turn % workloads.len()];
        turn += 1;
        let request = request_of(workload, address);
        let sent = Instant::now();
        match exchange(connection, request, workload).await {
            Ok(()) => {
                measurement.requests += 1;
                measurement
                    .latencies_us
                    .push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
            }
            Err(error) => {
                record_error(&mut measurement, error);
                sender = None;
            }
        }
    }
    measurement
}

fn request_of(workload: &Workload, address: SocketAddr) -> hyper::Request<Full<Bytes>> {
    let mut request = hyper::Request::post(&workload.path)
        .header("host", address.to_string())
        .header("content-type", "application/json");
    for (name, value) in &workload.headers {
        request = request.header(*name, value);
    }
    request
        .body(Full::new(workload.body.clone()))
        .expect("a valid request")
}

/// Sends one request and reads the whole answer: an error unless it is the
/// status and the body the workload expects.
async fn exchange(
    connection: &mut http1::SendRequest<Full<Bytes>>,
    request: hyper::Request<Full<Bytes>>,
    workload: &Workload,
) -> Result<(), String> {
    let response = connection
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if status != workload.expected_status || body != workload.expected {
        let shown = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        return Err(format!(
            "{}: status {status}, body {shown:?}",
            workload.path
        ));
    }
    Ok(())
}

fn record_error(measurement: &mut Measurement, error: String) {
    measurement.errors += 1;
    measurement.first_error.get_or_insert(error);
}

async fn open(address: SocketAddr) -> Result<http1::SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(address)
        .await
        .map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(sender)
}
