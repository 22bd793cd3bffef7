"""A local HTTP server that plays the two group robots as their documentation describes them, written apart from
casetrack's adapter so a mistake there is caught here:

- DingTalk custom robot: POST /robot/send?access_token=T&timestamp=MS&sign=S, with 加签 the signature
  URL-encoded Base64(HmacSHA256(key=secret, msg=timestamp + "\\n" + secret)) and the timestamp within an hour of
  the platform's clock; errcode 310000 when either is wrong. Markdown: {"msgtype": "markdown", "markdown":
  {"title", "text"}}.
- 企业微信 group robot: POST /cgi-bin/webhook/send?key=K; Markdown {"msgtype": "markdown", "markdown":
  {"content"}} of at most 4,096 UTF-8 bytes, errcode 40058 when longer.

Each request takes the next of ``answers`` (then "ok"): "ok", "errcode" (a refusal), "rate_limit" (DingTalk 130101
/ 企业微信 45009), "timeout" (the message is posted, the answer comes too late), "http_500"."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class RobotServer:
    def __init__(self, *, dingtalk_token="ding-token", secret="SECtestsecret", wecom_key="wecom-key", late_by=2.0):
        self.dingtalk_token, self.secret, self.wecom_key, self.late_by = dingtalk_token, secret, wecom_key, late_by
        self.answers: list[str] = []
        #: Seconds between posting a message and answering (a kill lands while the answer is on its way).
        self.delay = 0.0
        #: (platform, the message's body) of every message the group shows.
        self.posted: list[tuple[str, dict]] = []
        #: Every request, refused ones too: (platform, query, body).
        self.requests: list[tuple[str, dict, dict]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                status, answer = server.answer(parts.path, query, body)
                if status is None:
                    return
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> RobotServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def dingtalk_webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/robot/send?access_token={self.dingtalk_token}"

    @property
    def wecom_webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={self.wecom_key}"

    def texts(self, platform: str | None = None) -> list[str]:
        return [
            body["markdown"].get("text") or body["markdown"].get("content")
            for where, body in self.posted
            if platform in (None, where)
        ]

    def answer(self, path: str, query: dict, body: dict):
        platform = "dingtalk" if path == "/robot/send" else "wecom"
        with self.lock:
            self.requests.append((platform, query, body))
            mode = self.answers.pop(0) if self.answers else "ok"
        refusal = self._dingtalk_refusal(query) if platform == "dingtalk" else self._wecom_refusal(query, body)
        if refusal:
            return 200, refusal
        if mode == "errcode":
            return 200, {"errcode": 300001 if platform == "dingtalk" else 93000, "errmsg": "invalid robot"}
        if mode == "rate_limit":
            return 200, {"errcode": 130101 if platform == "dingtalk" else 45009, "errmsg": "send too fast"}
        if mode == "http_500":
            return 500, {"errmsg": "internal error"}
        with self.lock:
            self.posted.append((platform, body))
        # Posted, the answer still on its way: where a killed worker leaves a copy it cannot know arrived.
        time.sleep(self.delay)
        if mode == "timeout":
            time.sleep(self.late_by)
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _dingtalk_refusal(self, query: dict) -> dict | None:
        if query.get("access_token") != self.dingtalk_token:
            return {"errcode": 300001, "errmsg": "token is not exist"}
        timestamp = query.get("timestamp", "")
        if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > 3_600_000:
            return {"errcode": 310000, "errmsg": "timestamp is outside the hour"}
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        ).decode()
        # parse_qs undoes the one URL-encoding on top of Base64: a signature sent unencoded loses its "+" here.
        if query.get("sign") != expected:
            return {"errcode": 310000, "errmsg": "sign not match"}
        return None

    def _wecom_refusal(self, query: dict, body: dict) -> dict | None:
        if query.get("key") != self.wecom_key:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        content = body.get("markdown", {}).get("content", "")
        if len(content.encode()) > 4096:
            return {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
        return None
