//! The examples' orders service, served for the load test
//! (`tests/load/run.sh`): `load_server axum|actix [ADDR]`, ADDR a loopback
//! address, `127.0.0.1:3900` by default.
//!
//! Unlike the examples' own `spawn`, it uses every core (the load generator
//! shares them) and logs as a service would: events at WARN and above (every
//! 5xx at ERROR, with its source chain) to stderr.

use std::net::SocketAddr;

use apierror_examples::orders::AppState;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let framework = args.next().unwrap_or_default();
    let addr: SocketAddr = args
        .next()
        .as_deref()
        .unwrap_or("127.0.0.1:3900")
        .parse()
        .map_err(std::io::Error::other)?;
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::other("the load server binds loopback only"));
    }
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .init();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    match framework.as_str() {
        "axum" => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()?
            .block_on(async {
                let listener = tokio::net::TcpListener::bind(addr).await?;
                println!("axum listening on {}", listener.local_addr()?);
                apierror_examples::axum_app::serve(listener).await
            }),
        "actix" => actix_web::rt::System::new().block_on(async {
            let state = AppState::default();
            let server = actix_web::HttpServer::new(move || {
                apierror_examples::actix_app::app(state.clone())
            })
            .workers(workers)
            .bind(addr)?;
            println!("actix-web listening on {}", server.addrs()[0]);
            server.run().await
        }),
        other => Err(std::io::Error::other(format!(
            "usage: load_server axum|actix [ADDR]; got {other:?}"
        ))),
    }
}
