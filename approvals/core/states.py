"""The states an instance and a task can be in, and the kinds of task: named once."""

from __future__ import annotations

RUNNING, COMPLETED, CANCELLED = "running", "completed", "cancelled"
WAITING, OPEN, DECIDED, WITHDRAWN = "waiting", "open", "decided", "withdrawn"
APPROVAL, REVISION_TASK = "approval", "revision"
