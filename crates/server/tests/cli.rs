//! The `kedai` binary as scripts use it: ids alone on stdout, refusals with a non-zero exit.

use std::path::PathBuf;
use std::process::{Command, Output};

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> Dir {
    let dir = std::env::temp_dir().join(format!("kedai-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    Dir(dir)
}

fn kedai(dir: &Dir, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kedai"));
    cmd.args(args)
        .env_clear()
        .env("KEDAI_DATABASE_URL", dir.0.join("kedai.db"))
        .env("KEDAI_DATA_DIR", &dir.0)
        .env("KEDAI_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run kedai: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn tenant_and_staff_create_print_only_their_ids() {
    let dir = temp_dir("ids");
    let out = kedai(
        &dir,
        &[
            "tenant",
            "create",
            "--name",
            "Kopi Corner",
            "--currency",
            "MYR",
            "--time-zone",
            "Asia/Kuala_Lumpur",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tenant = stdout(&out);
    assert!(
        tenant.trim().parse::<kedai_core::TenantId>().is_ok(),
        "stdout was {tenant:?}"
    );
    assert_eq!(tenant.lines().count(), 1);

    let out = kedai(
        &dir,
        &[
            "staff",
            "create",
            "--tenant",
            tenant.trim(),
            "--email",
            "boss@kopi.example",
            "--password",
            "long-secret-1",
            "--role",
            "manager",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let staff = stdout(&out);
    assert!(uuid_like(staff.trim()), "stdout was {staff:?}");

    // The same e-mail twice in one tenant is refused.
    let out = kedai(
        &dir,
        &[
            "staff",
            "create",
            "--tenant",
            tenant.trim(),
            "--email",
            "BOSS@kopi.example",
            "--password",
            "long-secret-2",
            "--role",
            "cashier",
        ],
        &[],
    );
    assert!(!out.status.success());
    assert!(stdout(&out).is_empty());
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

#[test]
fn bad_arguments_are_refused() {
    let dir = temp_dir("bad");
    for args in [
        vec!["tenant", "create", "--name", "X", "--currency", "ZZZ"],
        vec![
            "tenant",
            "create",
            "--name",
            "X",
            "--time-zone",
            "Mars/Base",
        ],
        vec![
            "staff",
            "create",
            "--tenant",
            "nope",
            "--email",
            "a@b.co",
            "--password",
            "long-secret-1",
            "--role",
            "owner",
        ],
        vec![
            "staff",
            "create",
            "--tenant",
            "01930000-0000-7000-8000-000000000001",
            "--email",
            "a@b.co",
            "--password",
            "long-secret-1",
            "--role",
            "owner",
        ],
        vec![
            "staff",
            "create",
            "--tenant",
            "01930000-0000-7000-8000-000000000001",
            "--email",
            "a@b.co",
            "--password",
            "long-secret-1",
            "--role",
            "emperor",
        ],
    ] {
        let out = kedai(&dir, &args, &[]);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stdout(&out).is_empty(), "{args:?} printed {}", stdout(&out));
    }
    let out = kedai(
        &dir,
        &["migrate"],
        &[("KEDAI_DATABASE_URL", "mysql://root@localhost/kedai")],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported scheme"));
}

#[test]
fn production_refuses_to_start_without_a_secret() {
    let dir = temp_dir("prod");
    let out = kedai(
        &dir,
        &["serve", "--bind", "127.0.0.1:0"],
        &[("KEDAI_ENV", "production")],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("KEDAI_JWT_SECRET"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn seed_demo_is_idempotent_and_openapi_is_written() {
    let dir = temp_dir("demo");
    let first = kedai(&dir, &["seed-demo"], &[]);
    let second = kedai(&dir, &["seed-demo"], &[]);
    assert!(first.status.success() && second.status.success());
    assert_eq!(stdout(&first).trim(), kedai_app::demo::DEMO_TENANT_ID);
    assert_eq!(stdout(&first), stdout(&second));
    assert!(String::from_utf8_lossy(&second.stderr).contains("already present"));
    let out_dir = dir.0.join("oa");
    let out = kedai(&dir, &["openapi", "--out", &out_dir.to_string_lossy()], &[]);
    assert!(out.status.success());
    let doc = std::fs::read_to_string(out_dir.join("openapi.json")).unwrap_or_default();
    assert!(doc.contains("/functions/v1/order-create"));
}
