//! A Rust client of the orders service that gets the service's own
//! `OrderError` back from each failed call, and matches on it.
//!
//! ```text
//! cargo run -p apierror-examples --bin client                       # starts the axum service itself
//! cargo run -p apierror-examples --bin client -- --actix            # the same on actix-web
//! cargo run -p apierror-examples --bin client -- http://127.0.0.1:3000   # a running one (tour --serve)
//! ```

use std::process::ExitCode;

use apierror_examples::{actix_app, axum_app, client};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let actix = args.iter().any(|a| a == "--actix");
    let url = args.iter().find(|a| a.starts_with("http://")).cloned();
    if let Some(unknown) = args
        .iter()
        .find(|a| *a != "--actix" && !a.starts_with("http://"))
    {
        eprintln!(
            "unknown argument {unknown}; use --actix or a base URL such as http://127.0.0.1:3000"
        );
        return ExitCode::FAILURE;
    }

    let mut actix_server = None;
    let base = match url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None if actix => match actix_app::spawn("127.0.0.1:0") {
            Ok(running) => {
                actix_server = Some(running.handle);
                format!("http://{}", running.addr)
            }
            Err(error) => {
                eprintln!("could not start the actix-web service: {error}");
                return ExitCode::FAILURE;
            }
        },
        None => match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => {
                let addr = listener
                    .local_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                tokio::spawn(axum_app::serve(listener));
                format!("http://{addr}")
            }
            Err(error) => {
                eprintln!("could not start the axum service: {error}");
                return ExitCode::FAILURE;
            }
        },
    };

    println!("apierror client: calling the orders service on {base}");
    let failures = client::run(&base).await;
    if let Some(handle) = actix_server {
        handle.stop(true).await;
    }
    if failures == 0 {
        println!("\nEvery call gave what it should.");
        ExitCode::SUCCESS
    } else {
        eprintln!("\n{failures} calls did not give what they should.");
        ExitCode::FAILURE
    }
}
