"""azure.core's exception classes and `MatchConditions`, imported when first named (PEP 562).

The storage adapters and a few activities catch these by name. Importing azure.core pulls in its
whole HTTP pipeline (~10 ms), which the worker would pay when it imports the app to index the
functions, before any of them touches storage. Name them as attributes (`az.ResourceNotFoundError`,
not `from ... import`): an `except` clause evaluates its class only when an exception reaches it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from azure.core import MatchConditions as MatchConditions
    from azure.core.exceptions import AzureError as AzureError
    from azure.core.exceptions import ResourceExistsError as ResourceExistsError
    from azure.core.exceptions import ResourceModifiedError as ResourceModifiedError
    from azure.core.exceptions import ResourceNotFoundError as ResourceNotFoundError

_HOME = {
    "MatchConditions": "azure.core",
    "AzureError": "azure.core.exceptions",
    "ResourceExistsError": "azure.core.exceptions",
    "ResourceModifiedError": "azure.core.exceptions",
    "ResourceNotFoundError": "azure.core.exceptions",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value
