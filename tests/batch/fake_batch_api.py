"""A local fake of the OpenAI Batch endpoints (/v1/files, /v1/batches, /v1/files/{id}/content),
served through httpx.MockTransport into a real `openai.AsyncOpenAI` client. Each request line is
answered by the project's fake responder; lines whose messages contain FAILME get HTTP 500
(`failme="error"`), a 200 whose answer is JSON that fits no step's schema (`"invalid"`: the
`DEGRADED` text), or the responder's answer like any other line (`"answer"`)."""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import httpx
import openai

from service.llm.base import CompletionRequest, Message
from service.llm.fake_responder import fake_responder

DEGRADED = '{"degraded": "an answer that fits no schema"}'


class FakeBatchAPI:
    def __init__(
        self, polls_before_done: int = 1, failme: Literal["error", "invalid", "answer"] = "error"
    ) -> None:
        self.failme = failme
        self.error_message = "simulated server error"  # the text of a failed line's error
        self.reject_uploads = False  # answer every upload 401 with `error_message`
        self.retrieve_status = 200  # else answer every batch status poll with it
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.polls: dict[str, int] = {}
        self.polls_before_done = polls_before_done
        self.requests_seen = 0
        self.failme_seen = 0  # of requests_seen, the lines whose messages contain FAILME

    def client(self) -> openai.AsyncOpenAI:
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        return openai.AsyncOpenAI(
            base_url="http://fake-batch.test/v1", api_key="k", http_client=http, max_retries=0
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == "/v1/files":
            if self.reject_uploads:
                return httpx.Response(401, json={"error": {"message": self.error_message}})
            return self._upload(request)
        if request.method == "POST" and path == "/v1/batches":
            body = json.loads(request.content)
            batch_id = f"batch_{len(self.batches) + 1}"
            self.batches[batch_id] = self._run(batch_id, body["input_file_id"])
            self.polls[batch_id] = 0
            return httpx.Response(200, json={**self.batches[batch_id], "status": "validating"})
        match = re.fullmatch(r"/v1/batches/([\w-]+)", path)
        if request.method == "GET" and match:
            batch_id = match.group(1)
            if self.retrieve_status != 200:
                return httpx.Response(
                    self.retrieve_status, json={"error": {"message": self.error_message}}
                )
            if batch_id not in self.batches:
                return httpx.Response(404, json={"error": {"message": f"no batch {batch_id}"}})
            self.polls[batch_id] += 1
            batch = dict(self.batches[batch_id])
            if self.polls[batch_id] <= self.polls_before_done:
                batch.update(status="in_progress", output_file_id=None, error_file_id=None)
            return httpx.Response(200, json=batch)
        match = re.fullmatch(r"/v1/files/([\w-]+)/content", path)
        if request.method == "GET" and match:
            return httpx.Response(200, content=self.files[match.group(1)])
        return httpx.Response(404, json={"error": {"message": f"no route {path}"}})

    def _upload(self, request: httpx.Request) -> httpx.Response:
        boundary = request.headers["content-type"].split("boundary=")[1].encode()
        for part in request.content.split(b"--" + boundary):
            if b'name="file"' in part:
                data = part.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n", 1)[0]
                file_id = f"file-{len(self.files) + 1}"
                self.files[file_id] = data
                return httpx.Response(
                    200,
                    json={
                        "id": file_id,
                        "object": "file",
                        "bytes": len(data),
                        "created_at": 0,
                        "filename": "batch.jsonl",
                        "purpose": "batch",
                        "status": "processed",
                    },
                )
        return httpx.Response(400, json={"error": {"message": "no file part"}})

    def _run(self, batch_id: str, input_file_id: str) -> dict[str, Any]:
        out, err = [], []
        for raw in self.files[input_file_id].decode().splitlines():
            line = json.loads(raw)
            self.requests_seen += 1
            body = line["body"]
            assert line["url"] == "/v1/chat/completions" and line["method"] == "POST"
            request = CompletionRequest(
                messages=tuple(Message(m["role"], m["content"]) for m in body["messages"]),
                schema_name=body["response_format"]["json_schema"]["name"],
                json_schema=body["response_format"]["json_schema"]["schema"],
            )
            failme = any("FAILME" in m.content for m in request.messages)
            self.failme_seen += failme
            if failme and self.failme == "error":
                err.append(
                    {
                        "id": f"r{self.requests_seen}",
                        "custom_id": line["custom_id"],
                        "response": {
                            "status_code": 500,
                            "body": {"error": {"message": self.error_message}},
                        },
                        "error": None,
                    }
                )
                continue
            degrade = failme and self.failme == "invalid"
            content = DEGRADED if degrade else json.dumps(fake_responder(request))
            out.append(
                {
                    "id": f"r{self.requests_seen}",
                    "custom_id": line["custom_id"],
                    "error": None,
                    "response": {
                        "status_code": 200,
                        "request_id": "x",
                        "body": {
                            "id": "c",
                            "object": "chat.completion",
                            "model": body["model"],
                            "choices": [
                                {
                                    "index": 0,
                                    "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content},
                                }
                            ],
                            "usage": {
                                "prompt_tokens": 10,
                                "completion_tokens": 5,
                                "total_tokens": 15,
                            },
                        },
                    },
                }
            )
        ids = {}
        for name, lines in (("output_file_id", out), ("error_file_id", err)):
            if lines:
                file_id = f"file-{len(self.files) + 1}"
                self.files[file_id] = "".join(json.dumps(x) + "\n" for x in lines).encode()
                ids[name] = file_id
        return {
            "id": batch_id,
            "object": "batch",
            "endpoint": "/v1/chat/completions",
            "input_file_id": input_file_id,
            "completion_window": "24h",
            "status": "completed",
            "created_at": 0,
            "output_file_id": None,
            "error_file_id": None,
            **ids,
        }
