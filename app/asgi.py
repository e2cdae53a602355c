"""The ASGI entry point for servers (`uvicorn app.asgi:app`): settings come from the environment."""

from app import logs
from app.main import create_app

logs.install()  # ?token= (PBXs) never reaches the access log
app = create_app()
