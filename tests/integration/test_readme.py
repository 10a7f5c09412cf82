"""The README works for a newcomer: a virtual environment first, no links outside the repository,
and every first request it shows answers 2xx on a server started from sandbox.db.example.

The curl commands of the "First requests" blocks are parsed (method, URL, headers, body, cookie
jars, ``VAR=$(curl ... | python3 -c '...')`` assignments) and sent with httpx, the host replaced
by the live server's; the JavaScript snippets run under node with the real socket.io-client and
``ws`` of tests/js when those are installed.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from app.settings import DEFAULT_EXAMPLE_DB, REPO_ROOT, Settings
from tests.support.server import LiveServer, live_server

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
JS_DIR = REPO_ROOT / "tests" / "js"
NODE = shutil.which("node")
HOSTS = ("localhost:8000", "127.0.0.1:8000")
START, END = "<!-- first-requests:start -->", "<!-- first-requests:end -->"

# The REST platforms and a path only each one serves.
REST_PLATFORMS = {
    "Tribble": re.compile(r"/api/v1/(?!identity/|wallet/|transaction/)"),
    "Nivo": re.compile(r"/api/v1/(identity|wallet|transaction)/"),
    "Drop": re.compile(r"/api/(?!v1/)"),
    "T-Wallet": re.compile(r"/(profile|contact)\b"),
}


def first_requests() -> dict[str, list[str]]:
    """heading -> the fenced blocks (``bash`` or ``javascript``) under it, inside the markers."""
    assert START in README and END in README, "README lost its first-requests markers"
    section = README[README.index(START) : README.index(END)]
    found: dict[str, list[str]] = {}
    for part in re.split(r"^### ", section, flags=re.M)[1:]:
        heading, _, body = part.partition("\n")
        found[heading.strip()] = [m.group(0) for m in re.finditer(r"```(bash|javascript)\n.*?```", body, re.S)]
    return found


def block_code(block: str) -> str:
    return block.split("\n", 1)[1].rsplit("```", 1)[0]


def commands(block: str) -> list[str]:
    """The shell commands of a bash block: continuation lines joined, comments and blanks dropped."""
    joined = re.sub(r"\\\n\s*", " ", block_code(block))
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


# -- curl, parsed ------------------------------------------------------------------------------
@dataclass
class Curl:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    save_cookies: str | None = None  # -c FILE
    send_cookies: str | None = None  # -b FILE


def parse_curl(words: list[str]) -> Curl:
    assert words and words[0] == "curl", words
    method: str | None = None
    url = ""
    curl = Curl("GET", "")
    rest = iter(words[1:])
    for word in rest:
        if word in ("-X", "--request"):
            method = next(rest)
        elif word in ("-H", "--header"):
            name, _, value = next(rest).partition(":")
            curl.headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            curl.body = next(rest)
        elif word in ("-c", "--cookie-jar"):
            curl.save_cookies = next(rest)
        elif word in ("-b", "--cookie"):
            curl.send_cookies = next(rest)
        elif word in ("-s", "--silent", "-S", "--show-error", "-f", "--fail"):
            continue
        elif word.startswith("-"):
            raise AssertionError(f"the README test does not know curl's {word}")
        else:
            url = word
    curl.method = method or ("POST" if curl.body is not None else "GET")
    if curl.body is not None and not any(name.lower() == "content-type" for name in curl.headers):
        curl.headers["Content-Type"] = "application/x-www-form-urlencoded"  # what curl -d sends
    curl.url = url if "://" in url else f"http://{url}"
    return curl


class Shell:
    """Runs a README block's commands the way bash would, one httpx request per curl."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.variables: dict[str, str] = {}
        self.jars: dict[str, httpx.Cookies] = {}
        self.sent: list[tuple[Curl, httpx.Response]] = []

    def expand(self, word: str) -> str:
        for host in HOSTS:
            word = word.replace(f"http://{host}", self.base_url).replace(host, self.base_url)
        return re.sub(r"\$\{?(\w+)\}?", lambda m: self.variables[m.group(1)], word)

    def send(self, words: list[str]) -> httpx.Response:
        curl = parse_curl([self.expand(word) for word in words])
        cookies = self.jars.get(curl.send_cookies or "", httpx.Cookies())
        with httpx.Client(cookies=cookies, timeout=30) as http:
            resp = http.request(curl.method, curl.url, headers=curl.headers, content=curl.body)
        if curl.save_cookies:
            self.jars[curl.save_cookies] = httpx.Cookies(resp.cookies)
        self.sent.append((curl, resp))
        return resp

    def run(self, command: str) -> None:
        if assignment := re.fullmatch(r"(\w+)=\$\((.*)\)", command):
            name, inner = assignment.groups()
            words = shlex.split(inner)
            pipe = words.index("|")
            resp = self.send(words[:pipe])
            assert resp.is_success, f"{command}\n-> {resp.status_code} {resp.text}"
            program = words[pipe + 1 :]
            assert program[:2] == ["python3", "-c"], program
            out = subprocess.run(
                [sys.executable, "-c", program[2]], input=resp.text, capture_output=True, text=True, check=True
            )
            self.variables[name] = out.stdout.strip()
            return
        resp = self.send(shlex.split(command))
        assert resp.is_success, f"{command}\n-> {resp.status_code} {resp.text}"


# -- a server on a copy of the example database --------------------------------------------------
@pytest.fixture(scope="module")
def example_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("readme")
    db = folder / "sandbox.db"
    shutil.copyfile(DEFAULT_EXAMPLE_DB, db)
    settings = Settings.load(env={}, db=db, example_db=DEFAULT_EXAMPLE_DB, workspaces_dir=folder / "workspaces")
    with live_server(settings) as server:  # rate limits on, as `paysandbox serve` runs
        yield server


# -- the checks ----------------------------------------------------------------------------------
def test_a_virtual_environment_comes_before_any_pip_install() -> None:
    venv = README.find("python3 -m venv .venv && . .venv/bin/activate")
    assert venv != -1, "README has no virtual-environment step"
    pip = README.find("pip install")
    assert venv < pip, "the first `pip install` comes before the virtual-environment step"
    ignored = (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".venv/" in ignored


def test_no_link_leaves_the_repository() -> None:
    assert "../shared" not in README
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README):
        if "://" not in target:
            assert (REPO_ROOT / target).exists(), f"README links to a missing {target}"
    assert "](docs/platforms/)" in README


def test_the_demo_accounts_are_near_the_top() -> None:
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    assert headings.index("Demo accounts") <= 2, headings
    assert headings.index("First requests") == headings.index("Demo accounts") + 1, headings


def test_a_first_request_for_every_platform() -> None:
    blocks = first_requests()
    for platform, path in REST_PLATFORMS.items():
        assert platform in blocks, f"no first request for {platform}"
        curls = [c for block in blocks[platform] if block.startswith("```bash") for c in commands(block)]
        assert any("curl" in c and path.search(c) for c in curls), f"{platform}: no curl on its own paths"
    socketio = "".join(blocks["Tribble Socket.IO (JavaScript)"])
    assert 'io("http://127.0.0.1:8000/socket.io", { auth: { token: `Bearer ${TOKEN}` } })' in socketio
    assert "/cashier/svc/ws?token=" in "".join(blocks["Cashier WebSocket (JavaScript)"])


@pytest.mark.parametrize("platform", list(REST_PLATFORMS))
def test_the_first_requests_answer_2xx(example_server: LiveServer, platform: str) -> None:
    shell = Shell(example_server.base_url)
    for block in first_requests()[platform]:
        for command in commands(block):
            shell.run(command)
    own = [resp for curl, resp in shell.sent if REST_PLATFORMS[platform].search(curl.url)]
    assert own, f"{platform}: no request reached its paths"
    assert own[-1].json(), own[-1].text  # every one answered 2xx (Shell.run); the last one has data


def _token(server: LiveServer) -> str:
    resp = httpx.post(
        f"{server.base_url}/api/v1/auth/login",
        json={"email": "alice@paysandbox.test", "password": "Sandbox123!"},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    return str(resp.json()["accessToken"])


def _run_js(server: LiveServer, code: str, replies: int) -> list[object]:
    """The snippet under node (``TOKEN`` defined, ``WebSocket`` from ``ws`` on Node < 22); the first
    ``replies`` console.log calls, as JSON."""
    prelude = (
        'import { WebSocket as NodeWebSocket } from "ws";\n'
        "globalThis.WebSocket ??= NodeWebSocket;\n"
        f"const TOKEN = {json.dumps(_token(server))};\n"
        "let seen = 0;\n"
        "console.log = (...args) => {\n"
        '  process.stdout.write(JSON.stringify(args) + "\\n");\n'
        f"  if (++seen >= {replies}) process.exit(0);\n"
        "};\n"
        'setTimeout(() => { process.stderr.write("no answer\\n"); process.exit(3); }, 20000);\n'
    )
    script = code.replace("http://127.0.0.1:8000", server.base_url).replace("ws://127.0.0.1:8000", server.ws_url)
    assert NODE is not None
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", prelude + script],
        cwd=JS_DIR,  # bare imports resolve from tests/js/node_modules
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


needs_node = pytest.mark.skipif(
    NODE is None or not (JS_DIR / "node_modules" / "socket.io-client").is_dir(),
    reason="node or tests/js/node_modules (npm ci in tests/js) is missing",
)


@needs_node
def test_the_socketio_snippet_subscribes(example_server: LiveServer) -> None:
    (code,) = first_requests()["Tribble Socket.IO (JavaScript)"]
    ((label, ack),) = _run_js(example_server, block_code(code), 1)  # type: ignore[misc]
    assert label == "subscribed"
    assert ack == {"subscribed": ["transaction:all", "user:f5057fee-4c3e-4459-82dd-21250b729601"], "rejected": []}


@needs_node
def test_the_cashier_snippet_gets_its_accounts(example_server: LiveServer) -> None:
    (code,) = first_requests()["Cashier WebSocket (JavaScript)"]
    connected, accounts = _run_js(example_server, block_code(code), 2)
    assert connected[0]["type"] == "connected"  # type: ignore[index]
    reply = accounts[0]  # type: ignore[index]
    assert reply["type"] == "success" and reply["data"]["message"] == "accounts retrieved", reply
    assert "ACC-USER-USD-1" in json.dumps(reply)
