"""SQLModel tables of the station store. Migrations in ``migrations/`` create them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, LargeBinary, String
from sqlmodel import Field, SQLModel


class Station(SQLModel, table=True):
    """This computer: one row, made on first run."""

    id: str = Field(primary_key=True)
    name: str
    public_key: str
    created_at: datetime


class School(SQLModel, table=True):
    id: str = Field(primary_key=True)
    name: str


class Teacher(SQLModel, table=True):
    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id")
    username: str = Field(unique=True)
    display_name: str
    password_hash: str


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"

    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id")
    teacher_id: str = Field(foreign_key="teacher.id")
    name: str


class Learner(SQLModel, table=True):
    id: str = Field(primary_key=True)
    class_id: str = Field(foreign_key="school_class.id", index=True)
    display_name: str
    pin_hash: str


class Blob(SQLModel, table=True):
    """A pack file's bytes, addressed by SHA-256 (shared by every pack version using it)."""

    sha256: str = Field(primary_key=True)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Pack(SQLModel, table=True):
    """An installed micro-credential: its verified, signed manifest and where it came from."""

    id: str = Field(primary_key=True)
    version: str
    title: str
    career_cluster: str = Field(index=True)
    summary: str
    skill_titles: str  # JSON list, so the catalog lists skills without parsing manifests
    preview: bool
    publisher_key_id: str
    manifest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    installed_at: datetime


class PackFile(SQLModel, table=True):
    __tablename__ = "pack_file"

    pack_id: str = Field(
        sa_column=Column(String, ForeignKey("pack.id", ondelete="CASCADE"), primary_key=True)
    )
    path: str = Field(primary_key=True)
    sha256: str = Field(foreign_key="blob.sha256")
    size: int
