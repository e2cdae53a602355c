"""The demo company: seven people in varied statuses (a manager who also takes work, six reps)
on team `sales`, which keeps office hours, and three of them also on team `inbound`, open around
the clock, so the hook picks a rep whenever a newcomer tries it.

The company itself is open every day, all day: company hours gate every team, so a team can only
be open around the clock in a company that is. `sales` has its own schedule (Mon–Fri 09:00–17:00,
New York) and is away outside it: its work then goes to voicemail."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from app.domain import hours as h
from app.models import Company, Rep, Team, TeamMember
from app.services import accounts, assigner
from app.services import presence as presence_service

PASSWORD = "ondeck-demo-2026"
MANAGER = ("Morgan Lee", "manager@demo.ondeck.app", "manager", "+12125550100", None)
REPS = [
    ("Dana Cruz", "dana@demo.ondeck.app", "available", "+12125550101", None),
    ("Lee Park", "lee@demo.ondeck.app", "busy", "+12125550102", "Demo call until 4pm"),
    ("Kim Novak", "kim@demo.ondeck.app", "away", "+12125550103", "Coffee, back in 10"),
    ("Sam Ortiz", "sam@demo.ondeck.app", "available", "+12125550104", None),
    ("Alex Chen", "alex@demo.ondeck.app", "offline", "+12125550105", None),
    ("Riya Shah", "riya@demo.ondeck.app", "available", "+12125550106", "Europe leads"),
]
# team `inbound` (open around the clock): these members, in this order
INBOUND = ("riya@demo.ondeck.app", "dana@demo.ondeck.app", "sam@demo.ondeck.app")
OFFICE_HOURS = {"in_office": h.COMPANY_DEFAULT.to_json(), "lunch": {day: [] for day in h.DAYS}}


def seed(session: Session, now: datetime) -> list[tuple[str, str, str]]:
    """Create the demo company once (idempotent); answer its sign-ins as (role, email, password)."""
    people = [MANAGER, *REPS]
    logins = [("manager" if p[2] == "manager" else "rep", p[1], PASSWORD) for p in people]
    if session.exec(select(Company).where(Company.slug == "demo")).first():
        return logins
    company = accounts.create_company(
        session, slug="demo", name="Demo Sales Co", timezone="America/New_York", now=now
    )
    company.hours = h.ALWAYS.to_json()
    team = _team(company, "sales", "Sales", OFFICE_HOURS, now)
    inbound = _team(company, "inbound", "Inbound (24/7)", None, now)
    session.add_all([team, inbound])
    for position, (name, email, status, phone, note) in enumerate(people):
        rep = _person(session, company, name, email, phone, status, now)
        presence_service.change(
            session,
            rep,
            status="available" if status == "manager" else status,
            note=note,
            now=now - timedelta(minutes=5 * position),
            by="rep",
        )
        session.add(TeamMember(team_id=team.id, rep_id=rep.id, position=position))
        if email in INBOUND:
            place = INBOUND.index(email)
            session.add(TeamMember(team_id=inbound.id, rep_id=rep.id, position=place))
    _history(session, company, now)
    return logins


LEADS = [time(9, 30), time(10, 15), time(11, 0), time(13, 30), time(14, 45), time(16, 0)]
CALLS = [time(10, 0), time(12, 0), time(15, 0)]
# inbound works around the clock, every day: some of its work comes early, late and at weekends
INBOUND_LEADS = [time(7, 0), time(12, 30), time(19, 30), time(22, 15)]
INBOUND_CALLS = [time(8, 0), time(20, 45)]


def _history(session: Session, company: Company, now: datetime) -> None:
    """A week of past leads and calls through the real assigner, so the log and charts show
    something: sales on weekdays inside its office hours, inbound every day at any hour."""
    tz = ZoneInfo(company.timezone)
    today = now.astimezone(tz).date()
    days = [today - timedelta(days=n) for n in range(7, 0, -1)]
    sales = [
        (d, at, "sales", kind)
        for d in days
        if d.weekday() < 5
        for kind, ts in (("lead", LEADS), ("call", CALLS))
        for at in ts
    ]
    inbound = [
        (d, at, "inbound", kind)
        for d in days
        for kind, ts in (("lead", INBOUND_LEADS), ("call", INBOUND_CALLS))
        for at in ts
    ]
    for n, (day, at, team, kind) in enumerate(sorted(sales + inbound)):
        t = datetime.combine(day, at, tz)
        assigner.assign(
            session, company, team=team, kind=kind, now=t, external_id=f"demo-{kind}-{n + 1}"
        )


def _team(company: Company, slug: str, name: str, schedule: dict | None, now: datetime) -> Team:
    """A demo team: lunch routes to the members, away and vacation to voicemail; no schedule
    follows company hours."""
    return Team(
        company_id=company.id,
        slug=slug,
        name=name,
        schedule=schedule,
        dest_lunch={"type": "members"},
        dest_away={"type": "voicemail"},
        dest_vacation={"type": "voicemail"},
        created_at=now,
    )


def _person(
    session: Session,
    company: Company,
    name: str,
    email: str,
    phone: str,
    status: str,
    now: datetime,
) -> Rep:
    """One demo person with the shared demo password."""
    role = "manager" if status == "manager" else "rep"
    new = accounts.add_person(
        session, company, name=name, email=email, phone=phone, role=role, now=now
    )
    accounts.set_password(session, new.rep, PASSWORD)
    return new.rep
