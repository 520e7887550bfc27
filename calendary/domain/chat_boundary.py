"""The chat entity's boundary, typed both ways: an operation names its request and result models.

Workflows send `Operation.payload(request)` and read `Operation.answer(raw)`; the entity parses the
same request model and answers with the same `EntityAnswer`. The JSON is the persisted contract
(queued operations and orchestration histories hold it), so the models only describe it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from calendary.domain.chat_state import ChatState, ChatStateError

RequestT = TypeVar("RequestT", bound=BaseModel)
ResultT = TypeVar("ResultT")  # a result model, or a Literal (erase answers "erased")


class EntityAnswer(BaseModel, Generic[ResultT]):
    """Every operation's answer: its result, the record it left and that record's revision."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use, not at import

    result: ResultT
    # The record as the entity saved it, kept as JSON: index.md is rendered from exactly this.
    state: dict[str, Any] | None
    revision: int

    @property
    def chat(self) -> ChatState:
        if self.state is None:
            raise ChatStateError("the chat entity answered without a record")
        return ChatState.model_validate(self.state)


@dataclass(frozen=True)
class Operation(Generic[RequestT, ResultT]):
    """One chat-entity operation: the name it is called by, its models and its transition."""

    name: str
    request: type[RequestT] | None  # None: the operation takes no input
    result: Any  # the result model, or a Literal type: what `answer` validates the result with
    transition: Callable[[ChatState, Any], tuple[ChatState, ResultT]]

    def payload(self, request: RequestT | None) -> dict[str, Any] | None:
        """The JSON a workflow sends: the fields it set and no others, as the dicts the workflows
        built before these models did (a version-1.0 generation sends no likeness, say)."""
        if request is None:
            return None
        return request.model_dump(mode="json", exclude_unset=True)

    def parse(self, payload: Any) -> RequestT | None:
        """The entity's side: the same model validates what arrives."""
        return self.request.model_validate(payload) if self.request is not None else None

    def answer(self, raw: Any) -> EntityAnswer[ResultT]:
        """The workflow's side: the entity's JSON answer, typed."""
        return EntityAnswer[self.result].model_validate(raw)  # type: ignore[name-defined]

    def apply(self, state: ChatState, payload: Any) -> tuple[ChatState, ResultT]:
        return self.transition(state, self.parse(payload))


def answer_json(result: Any, state: dict[str, Any] | None, revision: int) -> dict[str, Any]:
    """What the entity hands back for every operation (`EntityAnswer` as JSON)."""
    return EntityAnswer[Any](result=result, state=state, revision=revision).model_dump(mode="json")
