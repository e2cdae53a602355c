"""Builders for test data: plain functions, one transaction each."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine

from app.db import transaction
from app.models import Company, Holiday, Rep, Team, TimeOff
from app.services import accounts, teams
from app.services import presence as presence_service
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


def make_team(world: World, slug: str, members: list[Rep], **kw: Any) -> Team:
    """A team of the world's company with these members in order (kw: schedule, ring, ...)."""
    with transaction(world.engine) as s:
        return teams.create(
            s, world.company, slug=slug, name=slug.title(), now=DEFAULT_NOW,
            members=[m.id for m in members], **kw,
        )  # fmt: skip


def set_status(
    world: World, rep: Rep, status: str, *, now: datetime = DEFAULT_NOW, **kw: Any
) -> None:
    """Set a rep's status as the rep would from the Phone tab."""
    with transaction(world.engine) as s:
        row = s.get(Rep, rep.id)
        assert row is not None
        presence_service.change(s, row, status=status, now=now, **kw)


def available(world: World, *reps: Rep) -> None:
    """Make each of these reps Available."""
    for rep in reps:
        set_status(world, rep, "available")


def make_time_off(
    world: World,
    rep: Rep,
    day: date,
    end_date: date | None = None,
    start_min: int | None = None,
    end_min: int | None = None,
) -> TimeOff:
    """Time off for a rep: whole days, or start..end minutes of one day, in the rep's zone."""
    with transaction(world.engine) as s:
        row = TimeOff(
            company_id=world.company.id,
            rep_id=rep.id,
            day=day,
            end_date=end_date,
            start_min=start_min,
            end_min=end_min,
            created_at=DEFAULT_NOW,
        )
        s.add(row)
    return row


def make_holiday(world: World, day: date, name: str = "Company day off") -> None:
    """A custom company holiday."""
    with transaction(world.engine) as s:
        s.add(Holiday(company_id=world.company.id, day=day, name=name))
