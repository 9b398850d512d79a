"""Teacher roles in the Teacher Resource Center (no imports: the CLI's parser reads them)."""

from __future__ import annotations

TEACHER_ROLE = "teacher"  # sees the classes they teach
ADMIN_ROLE = "admin"  # a school administrator: sees every class of their school
TEACHER_ROLES = (TEACHER_ROLE, ADMIN_ROLE)
