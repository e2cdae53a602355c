"""python -m app: serve, demo, org create, token create, migrate."""

import argparse
import os
import secrets
import sys

from app.clock import Clock
from app.settings import Settings


def _migrate(settings: Settings) -> None:
    """Bring the database schema up to date."""
    from app.migrations import upgrade

    upgrade(settings.database_url)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> None:
    _migrate(settings)
    print("database is up to date")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    from app import live
    from app.db import make_engine, transaction
    from app.services import demo

    _migrate(settings)
    engine = make_engine(settings.database_url)
    with live.command_line(settings, engine), transaction(engine) as session:
        logins = demo.seed(session, Clock().now())
    engine.dispose()
    for role, email, password in logins:
        print(role, email, password)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    if args.demo:
        cmd_demo(args, settings)
    else:
        _migrate(settings)
    # every worker must share the signing secret of this run
    os.environ.setdefault("ONDECK_DEV_SECRET", settings.secret_key)
    os.environ.setdefault("ONDECK_BASE_URL", f"http://{args.host}:{args.port}")
    print(f"OnDeck on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(
        "app.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        # X-Forwarded-For/-Proto are read (by uvicorn) only from ONDECK_TRUSTED_PROXIES, so
        # throttles see the real client behind a proxy and no client can choose its address
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or None,
        # longer than clients' and proxies' idle timeouts (httpx 5 s, most proxies 60 s), so the
        # client closes an idle connection first: a close racing a new request resets it
        timeout_keep_alive=65,
    )


def cmd_org(args: argparse.Namespace, settings: Settings) -> None:
    from app import live
    from app.db import make_engine, transaction
    from app.services import accounts

    _migrate(settings)
    password = secrets.token_urlsafe(12)
    engine = make_engine(settings.database_url)
    now = Clock().now()
    with live.command_line(settings, engine), transaction(engine) as session:
        company = accounts.create_company(
            session, slug=args.slug, name=args.name, timezone=args.timezone, now=now
        )
        email = args.manager_email or f"manager@{args.slug}.ondeck.app"
        new = accounts.add_person(
            session, company, name="Manager", email=email, role="manager", now=now
        )
        accounts.set_password(session, new.rep, password)
    print(f"created company {args.slug}")
    print(f"manager {email} first sign-in password: {password}")


def cmd_token(args: argparse.Namespace, settings: Settings) -> None:
    from app.db import make_engine, transaction
    from app.services import accounts

    engine = make_engine(settings.database_url)
    with transaction(engine) as session:
        company = accounts.company_by_slug(session, args.org)
        new = accounts.create_token(session, company, args.name, args.scope, Clock().now())
    print(f"{args.scope} token for {args.org} (shown once): {new.secret}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m app", description="OnDeck")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the server")
    s.add_argument("--demo", action="store_true", help="seed the demo company first")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=1)
    s.set_defaults(func=cmd_serve)
    sub.add_parser("demo", help="seed the demo company").set_defaults(func=cmd_demo)
    sub.add_parser("migrate", help="update the schema").set_defaults(func=cmd_migrate)
    org = sub.add_parser("org", help="companies").add_subparsers(dest="org_command", required=True)
    oc = org.add_parser("create", help="create a company")
    oc.add_argument("slug")
    oc.add_argument("--name", required=True)
    oc.add_argument("--timezone", default="America/New_York")
    oc.add_argument("--manager-email")
    oc.set_defaults(func=cmd_org)
    tok = sub.add_parser("token", help="API tokens").add_subparsers(
        dest="token_command", required=True
    )
    tc = tok.add_parser("create", help="create a token")
    tc.add_argument("--org", required=True)
    tc.add_argument("--name", required=True)
    tc.add_argument("--scope", choices=["assign", "admin"], default="assign")
    tc.set_defaults(func=cmd_token)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from app.services.errors import Invalid, NotFound

    try:
        args.func(args, Settings.from_env())
    except (Invalid, NotFound) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
