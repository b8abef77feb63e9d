use clap::Parser;
use shopfloor::config::{Cli, Command};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let (config, admin_password) = match cli.resolve() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("shopfloor: {e}");
            std::process::exit(2);
        }
    };
    shopfloor::ops::init_tracing(&config.log_level, cli.log_json);
    let fail = |e: String| -> ! {
        eprintln!("shopfloor: {e}");
        std::process::exit(1)
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            service::Db::connect(&config.database_url)
                .await
                .map_err(|e| e.to_string())
                .unwrap_or_else(|e| fail(e));
            println!("migrations applied");
        }
        Command::ResetPassword { username } => {
            let db = service::Db::connect(&config.database_url)
                .await
                .unwrap_or_else(|e| fail(e.to_string()));
            let token =
                service::auth::issue_password_reset(&db, None, &username, service::now_ms())
                    .await
                    .unwrap_or_else(|e| fail(e.into_app().user_message()));
            println!("{}/reset?token={token}", config.public_url);
        }
        Command::Serve => {
            let svc = shopfloor::start_services(config.clone(), &admin_password, cli.demo)
                .await
                .unwrap_or_else(|e| fail(e));
            shopfloor::spawn_background(&svc);
            let app = shopfloor::router(svc, shopfloor::leptos_options(config.bind));
            let listener = tokio::net::TcpListener::bind(config.bind)
                .await
                .unwrap_or_else(|e| fail(format!("bind {}: {e}", config.bind)));
            tracing::info!(addr = %config.bind, public_url = %config.public_url, "Shopfloor listening");
            println!("Shopfloor is serving at {}", config.public_url);
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .unwrap_or_else(|e| fail(e.to_string()));
        }
    }
}
