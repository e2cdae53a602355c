"""Builders for test data: plain functions, one transaction each."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from app.db import transaction
from app.models import Company, Rep
from app.services import accounts
from tests.conftest import DEFAULT_NOW

PASSWORD = "correct horse battery"


@dataclass
class World:
    """A company with a manager, tokens, and helpers to add people."""

    engine: Engine
    company: Company
    manager: Rep
    admin_token: str
    assign_token: str

    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def assign(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.assign_token}"}


def make_company(
    engine: Engine, slug: str = "acme", tz: str = "America/New_York", now: datetime = DEFAULT_NOW
) -> World:
    """A company with a manager (password PASSWORD), an admin token and an assign token."""
    with transaction(engine) as s:
        company = accounts.create_company(s, slug=slug, name=slug.title(), timezone=tz, now=now)
        manager = accounts.add_person(
            s, company, name="Morgan", email=f"boss@{slug}.test", role="manager", now=now
        ).rep
        accounts.set_password(s, manager, PASSWORD)
        admin = accounts.create_token(s, company, "crm-admin", "admin", now).secret
        assign = accounts.create_token(s, company, "crm", "assign", now).secret
    return World(engine, company, manager, admin, assign)


def make_rep(world: World, name: str, *, now: datetime = DEFAULT_NOW, **kw: Any) -> Rep:
    """A rep of the world's company with password PASSWORD."""
    email = kw.pop("email", f"{name.lower().replace(' ', '.')}@{world.company.slug}.test")
    with transaction(world.engine) as s:
        rep = accounts.add_person(s, world.company, name=name, email=email, now=now, **kw).rep
        accounts.set_password(s, rep, PASSWORD)
    return rep
