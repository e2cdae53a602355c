"""JSON controllers under /api/v1."""

from app.api.company import CompanyController
from app.api.reps import RepController, StatusController

API_ROUTES: list[object] = [CompanyController, RepController, StatusController]
