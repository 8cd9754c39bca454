"""A chat message: what a prompt renders (`service.prompts`) and a backend sends
(`service.llm`). Its own module so that neither of those two imports the other for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}
