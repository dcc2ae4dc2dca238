"""A Redis-backed task queue for Django's tasks interface (TASKS_BACKEND=redis).

Deliberately small: a task is a JSON record in a hash (`<prefix>:result:<id>`) and its id is
pushed on a list per queue (`<prefix>:queue:<name>`). The worker moves an id atomically onto a
processing list (BLMOVE) while it runs, so a worker that dies mid-task leaves it visible there
rather than lost. See docs/decisions/0006-task-queue.md for why not RQ or Celery.
"""

from __future__ import annotations

import json
import traceback
from typing import Any

import redis
from django.conf import settings
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from redis.typing import EncodableT, FieldT

RESULT_TTL = 7 * 24 * 3600  # finished results are kept a week


class RedisBackend(BaseTaskBackend):
    supports_get_result = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.url = self.options.get("URL") or "redis://127.0.0.1:6379/0"
        self.prefix = self.options.get("PREFIX", "civicdesk:tasks")

    @cached_property
    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True, socket_timeout=30)

    def queue_key(self, queue: str) -> str:
        return f"{self.prefix}:queue:{queue}"

    def processing_key(self, worker_id: str) -> str:
        return f"{self.prefix}:processing:{worker_id}"

    def result_key(self, result_id: str) -> str:
        return f"{self.prefix}:result:{result_id}"

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        result_id = get_random_string(32)
        record: dict[str, str] = {
            "task_path": task.module_path,
            "queue": task.queue_name,
            "args": json.dumps(normalize_json(list(args))),
            "kwargs": json.dumps(normalize_json(dict(kwargs))),
            "status": TaskResultStatus.READY,
            "enqueued_at": timezone.now().isoformat(),
        }
        pipe = self.client.pipeline()
        pipe.hset(self.result_key(result_id), mapping=fields(record))
        pipe.lpush(self.queue_key(task.queue_name), result_id)
        pipe.execute()
        result = self._result(result_id, record, task)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        record = self.client.hgetall(self.result_key(result_id))
        if not record:
            raise TaskResultDoesNotExist(result_id)
        return self._result(result_id, {text(key): text(value) for key, value in record.items()})

    def _result(
        self, result_id: str, record: dict[str, str], task: Task | None = None
    ) -> TaskResult:
        task = task or import_string(record["task_path"])
        errors = (
            [TaskError(exception_class_path=record["error_class"], traceback=record["traceback"])]
            if record.get("error_class")
            else []
        )
        result: TaskResult[..., Any] = TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus(record["status"]),
            enqueued_at=parse_datetime(record.get("enqueued_at", "")),
            started_at=parse_datetime(record.get("started_at", "")),
            finished_at=parse_datetime(record.get("finished_at", "")),
            last_attempted_at=parse_datetime(record.get("started_at", "")),
            args=json.loads(record["args"]),
            kwargs=json.loads(record["kwargs"]),
            backend=self.alias,
            errors=errors,
            worker_ids=[record["worker_id"]] if record.get("worker_id") else [],
        )
        if "return_value" in record:
            object.__setattr__(result, "_return_value", json.loads(record["return_value"]))
        return result

    def run_one(self, worker_id: str, timeout: float) -> bool:
        """Take one task off any of this backend's queues and run it; False when none came."""
        result_id: bytes | str | None = None
        for queue in sorted(self.queues):
            result_id = self.client.lmove(
                self.queue_key(queue), self.processing_key(worker_id), "RIGHT", "LEFT"
            )
            if result_id:
                break
        if result_id is None:
            if timeout:
                queue = self.queue_key(sorted(self.queues)[0])
                # BLMOVE takes a fractional timeout; redis-py annotates it as int.
                result_id = self.client.blmove(
                    queue,
                    self.processing_key(worker_id),
                    timeout,  # type: ignore[arg-type]
                    "RIGHT",
                    "LEFT",
                )
            if result_id is None:
                return False
        self._run(text(result_id), worker_id)
        self.client.lrem(self.processing_key(worker_id), 1, text(result_id))
        return True

    def _run(self, result_id: str, worker_id: str) -> None:
        key = self.result_key(result_id)
        self.client.hset(
            key,
            mapping={
                "status": TaskResultStatus.RUNNING,
                "started_at": timezone.now().isoformat(),
                "worker_id": worker_id,
            },
        )
        result = self.get_result(result_id)
        task_started.send(type(self), task_result=result)
        update: dict[str, str] = {"finished_at": timezone.now().isoformat()}
        try:
            value = result.task.call(*result.args, **result.kwargs)
            update |= {
                "status": TaskResultStatus.SUCCESSFUL,
                "return_value": json.dumps(normalize_json(value)),
            }
        except Exception as error:  # recorded on the result, as the database backend does
            kind = type(error)
            update |= {
                "status": TaskResultStatus.FAILED,
                "error_class": f"{kind.__module__}.{kind.__qualname__}",
                "traceback": "".join(traceback.format_exception(error)),
            }
        self.client.hset(key, mapping=fields(update))
        self.client.expire(key, RESULT_TTL)
        task_finished.send(type(self), task_result=self.get_result(result_id))


def text(value: bytes | str) -> str:
    """A reply as text: the client decodes replies, though redis-py's types allow bytes."""
    return value.decode() if isinstance(value, bytes) else value


def fields(record: dict[str, str]) -> dict[FieldT, EncodableT]:
    """The record as hset's mapping, whose invariant key type refuses a dict[str, str]."""
    return {key: value for key, value in record.items()}


def redis_url() -> str:
    return getattr(settings, "REDIS_URL", "redis://127.0.0.1:6379/0")
