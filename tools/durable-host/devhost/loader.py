"""Find the function app and index its functions by kind, as the worker and the extension do."""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

DEFAULT_APP = "function_app:app"
ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class HttpFunction:
    name: str
    route: str
    methods: tuple[str, ...]
    trigger_param: str
    client_param: str | None
    wants_context: bool
    fn: Callable[..., Any]
    is_async: bool
    auth_level: str = "FUNCTION"  # ANONYMOUS, FUNCTION or ADMIN, as the app registered it


@dataclass(frozen=True)
class QueueFunction:
    name: str
    queue_name: str  # may hold a %Setting% reference, resolved at start
    connection: str
    trigger_param: str
    wants_context: bool
    fn: Callable[..., Any]
    is_async: bool


@dataclass(frozen=True)
class ActivityFunction:
    name: str
    trigger_param: str
    wants_context: bool
    fn: Callable[..., Any]
    is_async: bool
    client_param: str | None = None  # a durable client input binding, as on any function


@dataclass(frozen=True)
class TimerFunction:
    name: str
    schedule: str  # NCRONTAB; may hold a %Setting% reference, resolved at start
    run_on_startup: bool
    use_monitor: bool | None  # None: the host decides from the schedule
    trigger_param: str
    client_param: str | None
    wants_context: bool
    fn: Callable[..., Any]
    is_async: bool


@dataclass
class FunctionIndex:
    http: list[HttpFunction] = field(default_factory=list)
    orchestrators: dict[str, Callable[..., str]] = field(default_factory=dict)  # lower name
    orchestrator_names: dict[str, str] = field(default_factory=dict)  # lower name -> name
    activities: dict[str, ActivityFunction] = field(default_factory=dict)  # lower name
    entities: dict[str, Callable[..., str]] = field(default_factory=dict)  # lower name
    queues: list[QueueFunction] = field(default_factory=list)
    timers: list[TimerFunction] = field(default_factory=list)

    def orchestrator(self, name: str) -> Callable[..., str] | None:
        return self.orchestrators.get(name.lower())

    def activity(self, name: str) -> ActivityFunction | None:
        return self.activities.get(name.lower())

    def entity(self, name: str) -> Callable[..., str] | None:
        return self.entities.get(name.lower())


def load_app(spec: str = DEFAULT_APP) -> func.FunctionRegister:
    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    app = getattr(module, attribute or "app", None)
    if not isinstance(app, func.FunctionRegister):
        raise ValueError(f"{spec} is not a FunctionApp/DFApp")
    return app


# get_functions() may run only once per app object (it re-registers names), so cache it.
_FUNCTIONS: dict[int, tuple[func.FunctionRegister, list[Any]]] = {}
_INDEXES: dict[int, tuple[func.FunctionRegister, FunctionIndex]] = {}


def app_functions(app: func.FunctionRegister) -> list[Any]:
    """The app's functions, enumerated once per process whoever asks first."""
    cached = _FUNCTIONS.get(id(app))
    if cached is None or cached[0] is not app:
        cached = (app, list(app.get_functions()))
        _FUNCTIONS[id(app)] = cached
    return cached[1]


def index_app(app: func.FunctionRegister) -> FunctionIndex:
    cached = _INDEXES.get(id(app))
    if cached is not None and cached[0] is app:
        return cached[1]
    index = FunctionIndex()
    for function in app_functions(app):
        _add(index, function)
    _INDEXES[id(app)] = (app, index)
    return index


def _bindings(function: Any) -> list[dict[str, Any]]:
    return json.loads(function.get_function_json())["bindings"]


def _wants_context(fn: Callable[..., Any], bindings: list[dict[str, Any]]) -> bool:
    target = getattr(fn, "client_function", fn)
    names = {b["name"] for b in bindings}
    return "context" in inspect.signature(target).parameters and "context" not in names


def _add(index: FunctionIndex, function: Any) -> None:
    name = function.get_function_name()
    trigger = function.get_trigger()
    kind = trigger.get_binding_name()
    fn = function.get_user_function()
    bindings = _bindings(function)
    is_async = inspect.iscoroutinefunction(fn)
    client = next((b["name"] for b in bindings if b["type"] == "durableClient"), None)
    if kind == "httpTrigger":
        spec = next(b for b in bindings if b["type"] == "httpTrigger")
        methods = tuple(m.upper() for m in spec.get("methods") or ALL_METHODS)
        index.http.append(
            HttpFunction(
                name=name,
                route=(spec.get("route") or name).strip("/"),
                methods=methods,
                trigger_param=spec["name"],
                client_param=client,
                wants_context=_wants_context(fn, bindings),
                fn=fn,
                is_async=is_async,
                auth_level=str(spec.get("authLevel") or "FUNCTION").upper(),
            )
        )
    elif kind == "orchestrationTrigger":
        real = getattr(trigger, "orchestration", None) or name
        index.orchestrators[real.lower()] = fn
        index.orchestrator_names[real.lower()] = real
    elif kind == "activityTrigger":
        real = getattr(trigger, "activity", None) or name
        index.activities[real.lower()] = ActivityFunction(
            name=real,
            trigger_param=trigger.name,
            wants_context=_wants_context(fn, bindings),
            fn=fn,
            is_async=is_async,
            client_param=client,
        )
    elif kind == "entityTrigger":
        real = getattr(trigger, "entity_name", None) or name
        index.entities[real.lower()] = fn
    elif kind == "queueTrigger":
        spec = next(b for b in bindings if b["type"] == "queueTrigger")
        index.queues.append(
            QueueFunction(
                name=name,
                queue_name=spec["queueName"],
                connection=spec.get("connection") or "AzureWebJobsStorage",
                trigger_param=spec["name"],
                wants_context=_wants_context(fn, bindings),
                fn=fn,
                is_async=is_async,
            )
        )
    elif kind == "timerTrigger":
        spec = next(b for b in bindings if b["type"] == "timerTrigger")
        index.timers.append(
            TimerFunction(
                name=name,
                schedule=spec["schedule"],
                run_on_startup=bool(spec.get("runOnStartup", False)),
                use_monitor=spec.get("useMonitor"),
                trigger_param=spec["name"],
                client_param=client,
                wants_context=_wants_context(fn, bindings),
                fn=fn,
                is_async=is_async,
            )
        )
