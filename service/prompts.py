"""Versioned prompt files.

A prompt file in `prompts/` has a front-matter header (name, version, variables) and message
sections introduced by `[system]`, `[user]` or `[assistant]` lines. Placeholders are
`{{ name }}`. Rendering is strict: a declared variable missing from the call, an extra one
passed, or a placeholder that is not declared is a `PromptError`. Every rendered prompt carries
its name, version and the SHA-256 of the file, recorded in the output of each step.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from service.errors import ConfigError
from service.messages import Message, Role
from service.schemas import PromptRef
from service.text.injection import defuse as defuse  # one owner: the injection rules

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_SECTION = re.compile(r"^\[(system|user|assistant)\]\s*$", re.MULTILINE)


class PromptError(ConfigError):
    """A prompt file is malformed, or rendered with the wrong variables."""


def prompts_dir() -> Path:
    # In a source checkout the top-level prompts/ wins; an installed wheel ships a copy.
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "prompts", here / "_prompts"):
        if candidate.is_dir():
            return candidate
    raise PromptError(f"no prompts directory next to {here}: reinstall rashomon")


@dataclass(frozen=True)
class RenderedPrompt:
    ref: PromptRef
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: int
    variables: frozenset[str]
    sections: tuple[tuple[Role, str], ...]
    sha256: str

    @property
    def ref(self) -> PromptRef:
        return PromptRef(name=self.name, version=self.version, sha256=self.sha256)

    def render(self, **values: str) -> RenderedPrompt:
        given = set(values)
        if missing := self.variables - given:
            raise PromptError(f"prompt {self.name!r}: missing variables {sorted(missing)}")
        if extra := given - self.variables:
            raise PromptError(f"prompt {self.name!r}: unknown variables {sorted(extra)}")

        def fill(text: str) -> str:
            return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

        messages = tuple(Message(role=role, content=fill(body)) for role, body in self.sections)
        return RenderedPrompt(ref=self.ref, messages=messages)


def parse_prompt(text: str, *, origin: str) -> PromptTemplate:
    if not text.startswith("---\n"):
        raise PromptError(f"{origin}: must start with a '---' front-matter block")
    try:
        header_text, body = text[4:].split("\n---\n", 1)
        header = yaml.safe_load(header_text)
    except (ValueError, yaml.YAMLError) as e:
        raise PromptError(f"{origin}: unreadable front matter ({e})") from e
    if not isinstance(header, dict) or set(header) - {"name", "version", "variables", "about"}:
        raise PromptError(f"{origin}: front matter takes name, version, variables, about")
    name, version, variables = header.get("name"), header.get("version"), header.get("variables")
    if not isinstance(name, str) or not isinstance(version, int) or not isinstance(variables, list):
        raise PromptError(f"{origin}: name (str), version (int) and variables (list) are required")

    parts = _SECTION.split(body)
    if parts[0].strip():
        raise PromptError(f"{origin}: text before the first [system]/[user] section")
    sections: list[tuple[Role, str]] = []
    for role, content in zip(parts[1::2], parts[2::2], strict=True):
        sections.append((role, content.strip("\n")))  # type: ignore[arg-type]
    if not sections:
        raise PromptError(f"{origin}: no [system]/[user] sections")

    used = {m.group(1) for _, content in sections for m in _PLACEHOLDER.finditer(content)}
    declared = set(map(str, variables))
    if used != declared:
        raise PromptError(
            f"{origin}: placeholders {sorted(used)} do not match declared variables "
            f"{sorted(declared)}"
        )
    return PromptTemplate(
        name=name,
        version=version,
        variables=frozenset(declared),
        sections=tuple(sections),
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


@lru_cache(maxsize=64)
def load_prompt(name: str, directory: Path | None = None) -> PromptTemplate:
    path = (directory or prompts_dir()) / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"no prompt file {path}")
    template = parse_prompt(path.read_text(encoding="utf-8"), origin=str(path))
    if template.name != name:
        raise PromptError(f"{path}: front matter names it {template.name!r}, file says {name!r}")
    return template


def fence(label: str, text: str) -> str:
    """Wrap untrusted text as data."""
    return f'<data id="{label}">\n{defuse(text)}\n</data>'
