"""The central server: FastAPI + SQLModel (the sync issue)."""
