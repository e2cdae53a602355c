"""A delivery worker on its own, for tests: the loop of app/delivery.py (the one every server
worker runs) against a database, in a process of its own so a test can run two at once or
kill one with SIGKILL. Its clock may run ahead (to be past the lease of a killed worker without
waiting a minute); its requests carry `x-test-worker: NAME`.

    python -m tests.delivery_worker DATABASE_URL SECRET_KEY NAME [AHEAD_SECONDS]
"""

import asyncio
import sys
from datetime import datetime, timedelta
from types import SimpleNamespace

from app.clock import Clock
from app.db import make_engine
from app.delivery import Deliverer
from app.deps import Gates
from app.settings import Settings


class Ahead(Clock):
    """The real time, plus some seconds."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.ahead = timedelta(seconds=seconds)

    def now(self) -> datetime:
        return super().now() + self.ahead


async def main(url: str, secret_key: str, name: str, ahead: float) -> None:
    engine = make_engine(url)
    settings = Settings(database_url=url, secret_key=secret_key, webhook_allow_private=True)
    state = SimpleNamespace(engine=engine, clock=Ahead(ahead), settings=settings)
    state.gates = Gates(engine)  # the writer turn of this process, as in a server worker
    deliverer = Deliverer(SimpleNamespace(state=state))
    deliverer.client.headers["x-test-worker"] = name
    print("ready", flush=True)
    await deliverer.run()


if __name__ == "__main__":
    url, key, name = sys.argv[1:4]
    asyncio.run(main(url, key, name, float(sys.argv[4]) if len(sys.argv) > 4 else 0.0))
