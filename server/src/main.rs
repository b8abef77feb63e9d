use shopfloor::config::{Cli, Command};

/// mimalloc, not glibc's malloc: the answers of deep BOM explosions and
/// long lists are many small strings (see the workspace Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = Cli::parse_args();
    let settings = match cli.resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("shopfloor: {e}");
            std::process::exit(2);
        }
    };
    let (config, http) = (settings.service.clone(), settings.http.clone());
    shopfloor::ops::init_tracing(&http.log_level, http.log_json);
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
            let svc =
                shopfloor::start_services(config.clone(), &settings.admin_password, settings.demo)
                    .await
                    .unwrap_or_else(|e| fail(e));
            shopfloor::spawn_background(&svc);
            let bind = http.bind;
            let app = shopfloor::router_with(svc, http, shopfloor::leptos_options(bind));
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .unwrap_or_else(|e| fail(format!("bind {bind}: {e}")));
            tracing::info!(addr = %bind, public_url = %config.public_url, "Shopfloor listening");
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
