//! `kedai`: serve, migrate, seed the demo, write the OpenAPI document, create tenants and staff.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kedai::{Settings, StartError, app_state, bind, open_store};
use kedai_app::{Store, demo, identity};
use kedai_core::{SystemClock, TenantId};
use kedai_identity::{NewTenant, Role};

/// Kedai: O2O commerce and CRM backend.
#[derive(Parser)]
#[command(name = "kedai", version, about)]
struct Cli {
    #[command(flatten)]
    settings: Settings,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate and serve HTTP.
    Serve {
        /// Create the demo merchant first if it does not exist.
        #[arg(long)]
        demo: bool,
        /// Do not run the outbox worker in this instance (webhooks, e-mail and SMS wait for
        /// an instance that runs one).
        #[arg(long, env = "KEDAI_NO_WORKERS")]
        no_workers: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Create the demo merchant (owner login, products, stock) if it does not exist.
    SeedDemo,
    /// Write the OpenAPI document to DIR/openapi.json.
    Openapi {
        /// Output folder.
        #[arg(long, default_value = "openapi")]
        out: PathBuf,
    },
    /// Load realistic bulk data into a tenant (benchmarks, capacity tests): products with
    /// lots, customers, and orders spread over the last two years in every status, with their
    /// items, stock allocations, ledger rows, status history and payments. COPY on PostgreSQL,
    /// batched inserts on SQLite; prints a summary as JSON.
    #[cfg(feature = "bulk")]
    SeedBulk {
        /// Tenant id, or `demo` for the demo merchant (created if missing).
        #[arg(long)]
        tenant: String,
        /// Products to create.
        #[arg(long, default_value_t = 100)]
        products: u32,
        /// Customers to create.
        #[arg(long, default_value_t = 1000)]
        customers: u32,
        /// Orders to create.
        #[arg(long, default_value_t = 10_000)]
        orders: u64,
        /// Seed of the generator.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Orders per transaction.
        #[arg(long, default_value_t = 20_000)]
        chunk: u64,
    },
    /// Tenants (merchants).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Staff users.
    #[command(subcommand)]
    Staff(StaffCommand),
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant; prints only its id.
    Create {
        /// Brand name.
        #[arg(long)]
        name: String,
        /// ISO-4217 currency.
        #[arg(long, default_value = "MYR")]
        currency: String,
        /// IANA time zone.
        #[arg(long, default_value = "Asia/Kuala_Lumpur")]
        time_zone: String,
        /// Let anyone read its order summary with `X-Company-Id` and no token.
        #[arg(long)]
        public_summary: bool,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Create a staff user; prints only its id.
    Create {
        /// Tenant id.
        #[arg(long)]
        tenant: String,
        /// Sign-in e-mail.
        #[arg(long)]
        email: String,
        /// Password (at least 8 characters).
        #[arg(long)]
        password: String,
        /// owner, admin, manager, cashier, agent or viewer.
        #[arg(long)]
        role: String,
        /// Display name (default: the e-mail's local part).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error(transparent)]
    App(#[from] kedai_app::AppError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr so commands that print an id keep stdout clean for scripts.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    kedai::logging::init(&cli.settings.log, std::io::stderr, ansi);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    kedai_core::Clock::now(&SystemClock)
}

fn parse_tenant(text: &str) -> Result<TenantId, CliError> {
    text.parse()
        .map_err(|_| CliError::Usage(format!("`{text}` is not a tenant id")))
}

fn seed_demo(store: &dyn Store) -> Result<demo::DemoInfo, CliError> {
    let owner = demo::demo_owner()?;
    Ok(store.write(|tx| demo::seed_demo(tx, &owner, now()))?)
}

fn print_demo(info: &demo::DemoInfo, base: &str) {
    let state = if info.created {
        "created"
    } else {
        "already present"
    };
    eprintln!("demo merchant {state}");
    eprintln!(
        "  company id (X-Company-Id / merchant_id): {}",
        info.tenant_id
    );
    eprintln!("  owner login: {} / {}", info.email, info.password);
    for (id, name) in &info.products {
        eprintln!("  product {id}: {name}");
    }
    eprintln!(
        "  sign in: curl -s -X POST {base}/v1/auth/login -H 'Content-Type: application/json' -d '{{\"email\":\"{}\",\"password\":\"{}\"}}'",
        info.email, info.password
    );
}

fn run(cli: Cli) -> Result<(), CliError> {
    let settings = cli.settings;
    match cli.command {
        Command::Openapi { out } => {
            std::fs::create_dir_all(&out)?;
            let json = kedai_http::openapi()
                .to_pretty_json()
                .map_err(|e| CliError::Usage(e.to_string()))?;
            std::fs::write(out.join("openapi.json"), format!("{json}\n"))?;
            Ok(())
        }
        Command::Migrate => {
            open_store(&settings)?;
            Ok(())
        }
        Command::SeedDemo => {
            let store = open_store(&settings)?;
            let info = seed_demo(&store)?;
            print_demo(&info, &format!("http://{}", settings.bind));
            println!("{}", info.tenant_id);
            Ok(())
        }
        #[cfg(feature = "bulk")]
        Command::SeedBulk {
            tenant,
            products,
            customers,
            orders,
            seed,
            chunk,
        } => {
            let store = open_store(&settings)?;
            let tenant: TenantId = if tenant == "demo" {
                seed_demo(&store)?.tenant_id
            } else {
                parse_tenant(&tenant)?
            };
            let options = kedai_persistence::bulk::BulkOptions {
                tenant,
                products,
                customers,
                orders,
                seed,
                chunk,
            };
            let report = kedai_persistence::bulk::seed_bulk(store.pool(), &options, now())
                .map_err(|e| CliError::Usage(e.to_string()))?;
            let summary = serde_json::json!({
                "tenant_id": tenant.to_string(),
                "products": report.products,
                "customers": report.customers,
                "lots": report.lots,
                "orders": report.orders,
                "order_items": report.items,
                "stock_allocations": report.allocations,
                "stock_movements": report.movements,
                "status_history": report.history,
                "payments": report.payments,
                "orders_by_status": report.by_status,
                "seconds": report.elapsed.as_secs_f64(),
            });
            println!("{summary}");
            Ok(())
        }
        Command::Tenant(TenantCommand::Create {
            name,
            currency,
            time_zone,
            public_summary,
        }) => {
            let store = open_store(&settings)?;
            let tenant = NewTenant::new(&name, &currency, &time_zone, public_summary)
                .map_err(kedai_app::AppError::from)?;
            let store: &dyn Store = &store;
            let created =
                store.write(|tx| identity::create_tenant(tx, TenantId::new(), &tenant, now()))?;
            println!("{}", created.id);
            Ok(())
        }
        Command::Staff(StaffCommand::Create {
            tenant,
            email,
            password,
            role,
            name,
        }) => {
            let tenant = parse_tenant(&tenant)?;
            let role: Role = role.parse().map_err(CliError::Usage)?;
            let staff = identity::new_staff(&email, name.as_deref(), role, &password)?;
            let store = open_store(&settings)?;
            let store: &dyn Store = &store;
            let created = store.write(|tx| identity::create_staff(tx, tenant, &staff, now()))?;
            println!("{}", created.id);
            Ok(())
        }
        Command::Serve { demo, no_workers } => {
            // Refuse a bad configuration before touching the database.
            settings.jwt_secret().map_err(StartError::from)?;
            settings
                .outbound
                .ports(settings.environment)
                .map_err(StartError::from)?;
            let store = open_store(&settings)?;
            let base = format!("http://{}", settings.bind);
            if demo {
                let info = seed_demo(&store)?;
                print_demo(&info, &base);
            }
            let mut state = app_state(&settings, store)?;
            // Dropped (stopped, after the jobs in hand) when the server has stopped.
            let _worker = if no_workers {
                eprintln!(
                    "outbox worker off (--no-workers): events and messages wait in the database"
                );
                None
            } else {
                Some(kedai::start_worker(&settings, &mut state)?)
            };
            let bound = bind(&settings, state)?;
            eprintln!(
                "Kedai listening on http://{}  (docs: http://{}/docs)",
                bound.addr, bound.addr
            );
            actix_web::rt::System::new().block_on(bound.server)?;
            Ok(())
        }
    }
}
