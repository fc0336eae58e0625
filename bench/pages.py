"""The working day's pages under load: signed-in staff against a production WSGI server.

One run: a demo service of ``--clients`` clients in one organisation is loaded into a
PostgreSQL database of its own (dropped and built again; the load ends with ANALYZE), the
nightly jobs run once (patterns, overdue enquiries), and gunicorn serves it on 127.0.0.1
with two sync workers and production settings (DEBUG off, the manifest static files, the
cached template loader, persistent database connections); only the floor page is switched
on (``KEYWORK_BENCH_FLOOR=1``) and TLS is left out (plain HTTP on the loopback).

Then ``--users`` people sign in through the sign-in form (supervisors, the manager and the
administrator also type the code of their authenticator, computed from the device's key as
their app would) and each walks through the pages of their role with think time between
requests until the time is up. Nothing is counted until everyone has signed in and the
warm-up after that has passed. Every
page's p50, p95 and p99 are reported, and the same for the floor: a signed-in page with one
query behind the same middleware, served by the same server in the same run, so that the
ratio page ÷ floor says what a page costs beyond being signed in.

After the load, each page is fetched once more in this process with Django's test client
(signed in through the same form) to count its queries and name its slowest statement;
``--explain`` also prints the plans of the slowest statements on stderr.

Traffic goes to 127.0.0.1 only and stops by itself: at the deadline, and at
``MAX_REQUESTS_PER_USER`` requests per person at most.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PAGES_DATABASE_URL",
                        "postgres://postgres@127.0.0.1:5432/keywork_bench_pages")
HOST = "127.0.0.1"
MAX_REQUESTS_PER_USER = 2_000
SIGN_IN_LIMIT = 180.0
REQUEST_TIMEOUT = 60.0
FLOOR = "floor"


def _say(message: str) -> None:
    print(f"[pages] {message}", file=sys.stderr, flush=True)


# --- The pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of the working day. ``urls`` are URL names tried in order (the first that
    resolves is used; a page none of whose names resolves is skipped and named in the
    output). ``target`` says which of the person's own objects the URL takes: a client, a
    relationship or a supervision session, or nothing."""

    key: str
    urls: tuple[str, ...]
    roles: tuple[str, ...]
    target: str = ""
    query: str = ""
    api: bool = False


STAFF = ("keyworker", "supervisor")
PAGES: tuple[Page, ...] = (
    Page("caseload", ("dashboards:keyworker",), ("keyworker",)),
    Page("client_hub", ("records:client",), STAFF, target="client"),
    Page("dyad", ("signals:dyad",), STAFF, target="relationship"),
    Page("inbox", ("inbox:today", "inbox:index", "inbox:home", "inbox:inbox"),
         ("keyworker", "supervisor", "manager")),
    Page("supervisor_units", ("dashboards:supervisor",), ("supervisor",)),
    Page("supervision_agenda", ("supervision:detail",), ("supervisor",), target="session"),
    Page("manager", ("dashboards:manager",), ("manager",)),
    Page("people", ("organisations:users",), ("administrator",)),
    Page("api_clients", ("api:client-list",), STAFF, api=True),
    Page("api_relationships", ("api:relationship-list",), STAFF, api=True),
    Page("api_contacts", ("api:contact-list",), STAFF, api=True),
)


@dataclass
class Person:
    username: str
    role: str
    key: str = ""  # the authenticator's key (hex) where the role needs a second factor
    clients: list[int] = field(default_factory=list)
    relationships: list[int] = field(default_factory=list)
    session: int | None = None


def resolved_pages(table: tuple[Page, ...] = PAGES) -> tuple[list[tuple[Page, str]],
                                                              list[str]]:
    """The pages whose URL resolves here, with the URL name used, and what was skipped."""
    from django.urls import NoReverseMatch, reverse

    found: list[tuple[Page, str]] = []
    skipped: list[str] = []
    probe = {"client": {"pk": 1}, "relationship": {"pk": 1}, "session": {"pk": 1}}
    for page in table:
        for name in page.urls:
            try:
                reverse(name, kwargs=probe.get(page.target))
            except NoReverseMatch:
                continue
            found.append((page, name))
            break
        else:
            skipped.append(f"{page.key}: no URL named {' or '.join(page.urls)}")
    return found, skipped


def url_for(page: Page, name: str, person: Person, rng: np.random.Generator) -> str | None:
    """The address of ``page`` for ``person``, or None when they have nothing to open."""
    from django.urls import reverse

    kwargs: dict[str, int] | None = None
    if page.target == "client":
        if not person.clients:
            return None
        kwargs = {"pk": int(rng.choice(person.clients))}
    elif page.target == "relationship":
        if not person.relationships:
            return None
        kwargs = {"pk": int(rng.choice(person.relationships))}
    elif page.target == "session":
        if person.session is None:
            return None
        kwargs = {"pk": person.session}
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{page.query}" if page.query else url


# --- A small browser -----------------------------------------------------------------------------


class Browser:
    """Cookies, CSRF tokens and one connection per request (gunicorn's sync workers close
    each connection after the response)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                accept: str = "text/html") -> tuple[int, dict[str, str], bytes, float]:
        headers = {"Host": f"{HOST}:{self.port}", "Accept": accept,
                   "Accept-Language": "en", "User-Agent": "keywork-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t0 = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        seconds = time.perf_counter() - t0
        for raw in resp.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, seconds


TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _form_token(body: bytes) -> str:
    found = TOKEN.search(body)
    if not found:
        raise RuntimeError("no CSRF token in the form")
    return found.group(1).decode()


def _path(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def totp_code(key_hex: str, at: float | None = None) -> str:
    """The code an authenticator app shows now for this device key (django-otp's TOTP)."""
    from django_otp.oath import TOTP

    clock = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    clock.time = time.time() if at is None else at
    return f"{clock.token():06d}"


def sign_in(browser: Browser, person: Person, password: str) -> float:
    """The sign-in form, then the code page where the role needs one; returns the seconds
    it took. Raises when the person does not end up signed in."""
    from django.urls import reverse

    t0 = time.perf_counter()
    login = reverse("accounts:login")
    status, _, body, _ = browser.request("GET", login)
    if status != 200:
        raise RuntimeError(f"sign-in page answered {status}")
    status, headers, body, _ = browser.request("POST", login, {
        "csrfmiddlewaretoken": _form_token(body), "username": person.username,
        "password": password})
    if status != 302:
        raise RuntimeError(f"{person.username}: the password was refused ({status})")
    location = _path(headers["location"])
    if location.startswith(reverse("accounts:otp_verify")):
        for _attempt in range(3):
            status, _, body, _ = browser.request("GET", location)
            status, headers, body, _ = browser.request("POST", location, {
                "csrfmiddlewaretoken": _form_token(body), "code": totp_code(person.key)})
            if status == 302:
                break
            # A code is accepted once per device and 30-second step: wait for the next.
            time.sleep(30 - time.time() % 30 + 0.5)
        else:
            raise RuntimeError(f"{person.username}: the second factor was refused")
    elif location.startswith("/accounts/"):
        raise RuntimeError(f"{person.username}: sent to {location} after the password")
    return time.perf_counter() - t0


# --- The load ------------------------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    seconds: float
    status: int
    size: int


@dataclass
class LoadResult:
    samples: list[Sample]
    sign_ins: list[float]
    failures: list[str]
    started: float
    ended: float


def drive(*, port: int, people: list[Person], pages: list[tuple[Page, str]], password: str,
          seconds: float, warmup: float, think: tuple[float, float], seed: int) -> LoadResult:
    """Every person in their own thread: sign in, then their role's pages in a shuffled
    round (the floor once per round), think time after each request, until the deadline."""
    from django.urls import reverse

    samples: list[Sample] = []
    sign_ins: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()
    # Signing in is slow on purpose (Argon2): the clock starts once everyone has signed in
    # (or SIGN_IN_LIMIT has passed), then the warm-up, then the measured time.
    clock = {"count_from": start + SIGN_IN_LIMIT + warmup,
             "deadline": start + SIGN_IN_LIMIT + warmup + seconds}
    waiting = [len(people)]
    ramp = 10.0
    floor_url = reverse("bench_floor")

    def signed_in() -> None:
        with lock:
            waiting[0] -= 1
            if waiting[0] == 0:
                clock["count_from"] = time.monotonic() + warmup
                clock["deadline"] = clock["count_from"] + seconds

    def person_loop(i: int, person: Person) -> None:
        rng = np.random.default_rng([seed, i])
        time.sleep(ramp * i / max(1, len(people)))
        browser = Browser(port)
        try:
            took = sign_in(browser, person, password)
        except Exception as exc:
            with lock:
                failures.append(f"sign-in {person.username}: {exc}")
            signed_in()
            return
        with lock:
            sign_ins.append(took)
        signed_in()
        mine = [(p, n) for p, n in pages if person.role in p.roles]
        done = 0
        while time.monotonic() < clock["deadline"] and done < MAX_REQUESTS_PER_USER:
            order = [*mine, None]
            rng.shuffle(order)  # type: ignore[arg-type]
            for item in order:
                if time.monotonic() >= clock["deadline"] or done >= MAX_REQUESTS_PER_USER:
                    break
                if item is None:
                    key, url, accept = FLOOR, floor_url, "text/html"
                else:
                    page, name = item
                    found = url_for(page, name, person, rng)
                    if found is None:
                        continue
                    key, url = page.key, found
                    accept = "application/json" if page.api else "text/html"
                began = time.monotonic()
                try:
                    status, headers, body, took = browser.request("GET", url, accept=accept)
                except OSError as exc:
                    with lock:
                        failures.append(f"{key} {person.username}: {exc.__class__.__name__}")
                    status, headers, body, took = 599, {}, b"", REQUEST_TIMEOUT
                done += 1
                if status == 302 and "/accounts/" in headers.get("location", ""):
                    with lock:
                        failures.append(f"{key} {person.username}: signed out")
                    return
                if began >= clock["count_from"]:  # not during sign-in and warm-up
                    with lock:
                        samples.append(Sample(key, took, status, len(body)))
                time.sleep(float(rng.uniform(*think)))

    threads = [threading.Thread(target=person_loop, args=(i, p), daemon=True)
               for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, clock["deadline"] - time.monotonic()) + 2 * REQUEST_TIMEOUT
               + 60)
    return LoadResult(samples, sign_ins, failures, min(clock["count_from"], clock["deadline"]),
                      time.monotonic())


def summarise(load: LoadResult, keys: list[str]) -> dict[str, dict[str, Any]]:
    """p50, p95, p99 (ms), samples, errors and the largest response (KB) of each page."""
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for s in load.samples:
        by_page[s.page].append(s)
    out: dict[str, dict[str, Any]] = {}
    for key in keys:
        rows = by_page.get(key, [])
        ok = [s.seconds * 1000 for s in rows if s.status == 200]
        if not ok:
            out[key] = {"samples": 0, "errors": len(rows)}
            continue
        p50, p95, p99 = np.percentile(np.array(ok), [50, 95, 99])
        out[key] = {"p50": round(float(p50), 1), "p95": round(float(p95), 1),
                    "p99": round(float(p99), 1), "samples": len(ok),
                    "errors": len(rows) - len(ok),
                    "kb": round(max(s.size for s in rows if s.status == 200) / 1024, 1)}
    return out


# --- The service ---------------------------------------------------------------------------------


def _fresh_database() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, secret: str) -> dict[str, str]:
    """Production settings on the loopback: no TLS, and the floor page switched on."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("KEYWORK_TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "keywork.settings", "DATABASE_URL": PG_URL,
        "SECRET_KEY": secret, "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0", "KEYWORK_BENCH_FLOOR": "1",
        "KEYWORK_DATA_DIR": str(data_dir), "STATIC_ROOT": str(data_dir / "static"),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                    os.environ.get("PYTHONPATH")])),
    })
    return env


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    bindir = Path(sys.executable).parent
    subprocess.run([str(bindir / "keywork"), "collectstatic", "--noinput",  # noqa: S603
                    "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    proc = subprocess.Popen(  # noqa: S603 - our own server on the loopback
        [str(bindir / "gunicorn"), "keywork.wsgi:application", "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--timeout", "120",
         "--log-level", "warning"],
        env=env, cwd=ROOT)
    until = time.monotonic() + 60
    while time.monotonic() < until:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/health", headers={"Host": f"{HOST}:{port}"})
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {proc.returncode}")
    stop_server(proc)
    raise RuntimeError("gunicorn did not answer /health within a minute")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def choose_people(*, users: int, seed: int) -> list[Person]:
    """Who signs in: the manager and the administrator, the supervisors (at most a fifth of
    the people), and for the rest a fixed draw among the keyworkers who have open
    relationships. A supervisor without an authenticator gets one, as on their first
    sign-in; each supervisor gets an upcoming supervision session with one of their
    keyworkers, its agenda gathered by the supervision service."""
    import datetime as dt

    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from keywork.clients.selectors import clients_for_membership
    from keywork.demo.services import demo_organisation
    from keywork.organisations.models import Membership, Role
    from keywork.relationships.models import Relationship
    from keywork.supervision.selectors import supervised_workers
    from keywork.supervision.services import session_create

    org = demo_organisation()
    if org is None:
        raise RuntimeError("the demo service is not loaded")
    rng = np.random.default_rng(seed)
    members = Membership.objects.filter(organisation=org, is_active=True).select_related("user")
    by_role: dict[str, list[Membership]] = defaultdict(list)
    for m in members.order_by("pk"):
        by_role[m.role].append(m)
    chosen: list[Membership] = []
    for role in (Role.MANAGER, Role.ADMINISTRATOR):
        chosen += by_role[role][:1]
    chosen += by_role[Role.SUPERVISOR][:max(1, users // 5)]
    open_rel = Relationship.objects.filter(organisation=org,
                                           status__in=("proposed", "active", "ending"))
    with_clients = set(open_rel.values_list("keyworker_id", flat=True))
    workers = [m for m in by_role[Role.KEYWORKER] if m.user_id in with_clients]
    want = max(0, users - len(chosen))
    picked = rng.choice(len(workers), size=min(want, len(workers)), replace=False)
    chosen += [workers[i] for i in sorted(picked)]
    people = []
    for m in chosen:
        person = Person(username=m.user.username, role=m.role)
        if m.needs_second_factor:
            device = TOTPDevice.objects.filter(user=m.user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=m.user, name="Bench authenticator",
                                                   confirmed=True, key=secrets.token_hex(20))
            person.key = device.key
        if m.role in (Role.KEYWORKER, Role.SUPERVISOR):
            mine = open_rel.filter(keyworker=m.user) if m.role == Role.KEYWORKER else (
                open_rel.filter(client__in=clients_for_membership(m)))
            pairs = list(mine.order_by("pk").values_list("pk", "client_id")[:200])
            person.relationships = [p for p, _ in pairs]
            person.clients = sorted({c for _, c in pairs})
        if m.role == Role.SUPERVISOR:
            worker = supervised_workers(m).first()
            if worker is not None:
                person.session = session_create(
                    membership=m, worker_id=worker.pk,
                    held_on=timezone.localdate() + dt.timedelta(days=7)).pk
        people.append(person)
    return people


# --- Counting queries ----------------------------------------------------------------------------


def count_queries(people: list[Person], pages: list[tuple[Page, str]], password: str,
                  explain: bool) -> dict[str, dict[str, Any]]:
    """Each page once more in this process, signed in through the form: its number of
    queries and its slowest statement."""
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    out: dict[str, dict[str, Any]] = {}
    signed: dict[str, HttpClient] = {}
    rng = np.random.default_rng(0)
    floor = Page(FLOOR, ("bench_floor",), ("keyworker",))
    for page, name in [*pages, (floor, "bench_floor")]:
        # The first role the page names is the one counted (the keyworker's client page).
        candidates = sorted((p for p in people if p.role in page.roles
                             and url_for(page, name, p, rng) is not None),
                            key=lambda p: page.roles.index(p.role))
        if not candidates:
            continue
        person = candidates[0]
        http = signed.get(person.username)
        if http is None:
            http = HttpClient()
            http.post(reverse("accounts:login"),
                      {"username": person.username, "password": password})
            for _attempt in range(3):
                if not person.key or http.post(reverse("accounts:otp_verify"), {
                        "code": totp_code(person.key)}).status_code == 302:
                    break
                time.sleep(30 - time.time() % 30 + 0.5)  # a code is good once per step
            signed[person.username] = http
        url = url_for(page, name, person, rng)
        assert url is not None
        extra = {"HTTP_ACCEPT": "application/json"} if page.api else {}
        http.get(url, **extra)
        with CaptureQueriesContext(connection) as captured:
            resp = http.get(url, **extra)
        statements = captured.captured_queries
        slowest = max(statements, key=lambda q: float(q["time"]), default=None)
        out[page.key] = {
            "status": resp.status_code, "queries": len(statements),
            "slowest_ms": round(float(slowest["time"]) * 1000, 1) if slowest else None,
            "slowest_sql": slowest["sql"][:240] if slowest else None,
        }
        if explain and slowest is not None:
            for q in sorted(statements, key=lambda q: -float(q["time"]))[:3]:
                if not q["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    plan = "\n".join(r[0] for r in cur.fetchall())
                _say(f"{page.key}: {float(q['time']) * 1000:.1f} ms\n{q['sql'][:600]}\n{plan}")
    return out


# --- One run -------------------------------------------------------------------------------------


def measure(*, clients: int, users: int, seconds: float, warmup: float,
            think: tuple[float, float], workers: int, seed: int, prefix: str,
            explain: bool) -> dict[str, Any]:
    secret = secrets.token_urlsafe(50)
    data_dir = Path(tempfile.mkdtemp(prefix="keywork-bench-pages-"))
    _fresh_database()
    os.environ.update({"DATABASE_URL": PG_URL, "KEYWORK_TESTING": "1", "SECRET_KEY": secret,
                       "KEYWORK_BENCH_FLOOR": "1", "ALLOWED_HOSTS": "testserver,127.0.0.1",
                       "KEYWORK_DATA_DIR": str(data_dir),
                       "DJANGO_SETTINGS_MODULE": "keywork.settings"})
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from keywork.demo import vocabulary as vocab

    call_command("migrate", verbosity=0)
    _say(f"loading a {clients:,}-client demo service")
    t0 = time.perf_counter()
    call_command("seed_demo", "--clients", str(clients), "--seed", str(seed), "--evaluate",
                 "--no-progress", verbosity=0, stdout=io.StringIO())
    seed_seconds = time.perf_counter() - t0
    call_command("check_safeguarding", stdout=io.StringIO())
    people = choose_people(users=users, seed=seed)
    connection.close()
    pages, skipped = resolved_pages()
    for reason in skipped:
        _say(f"skipped {reason}")
    roles: dict[str, int] = defaultdict(int)
    for p in people:
        roles[p.role] += 1
    port = _free_port()
    env = server_env(data_dir, secret)
    _say(f"gunicorn with {workers} workers on {HOST}:{port}; {len(people)} people "
         f"({dict(roles)}), {warmup:.0f} s warm-up, {seconds:.0f} s measured")
    server = start_server(env, port, workers)
    try:
        load = drive(port=port, people=people, pages=pages, password=vocab.PASSWORD,
                     seconds=seconds, warmup=warmup, think=think, seed=seed)
    finally:
        stop_server(server)
    for failure in load.failures[:20]:
        _say(f"failed: {failure}")
    keys = [p.key for p, _ in pages]
    figures = summarise(load, [*keys, FLOOR])
    _say("counting queries per page")
    counted = count_queries(people, pages, vocab.PASSWORD, explain)
    return report(prefix=prefix, figures=figures, counted=counted, keys=keys,
                  skipped=skipped, load=load, clients=clients, roles=dict(roles),
                  seconds=seconds, think=think, workers=workers, seed_seconds=seed_seconds)


GOALS = {"pages": 2.0, "pages_50k": 3.0}
MAX_HTML_KB = 300.0


def report(*, prefix: str, figures: dict[str, dict[str, Any]],
           counted: dict[str, dict[str, Any]], keys: list[str], skipped: list[str],
           load: LoadResult, clients: int, roles: dict[str, int], seconds: float,
           think: tuple[float, float], workers: int, seed_seconds: float) -> dict[str, Any]:
    """The run's figures under ``prefix`` (``pages`` at 5,000 clients, ``pages_50k`` at
    50,000); the floor's are ``floor_*`` in the first and ``<prefix>_floor_*`` after."""
    floor_prefix = "floor" if prefix == "pages" else f"{prefix}_floor"
    floor = figures.get(FLOOR, {})
    measured = [k for k in keys if figures[k].get("samples")]
    unmeasured = [k for k in keys if k not in measured]

    def per(stat: str) -> dict[str, Any]:
        return {k: figures[k].get(stat) for k in measured}

    floor_p95 = floor.get("p95")
    ratios = ({k: round(figures[k]["p95"] / floor_p95, 2) for k in measured}
              if floor_p95 else {})
    worst = max(ratios, key=lambda k: ratios[k], default=None)
    kb = per("kb")
    goal = GOALS.get(prefix, 2.0)
    errors = sum(f.get("errors", 0) for f in figures.values())
    out: dict[str, Any] = {
        f"{prefix}_p50_ms": per("p50"),
        f"{prefix}_p95_ms": per("p95"),
        f"{prefix}_p99_ms": per("p99"),
        f"{prefix}_samples": per("samples"),
        f"{prefix}_errors": {k: figures[k].get("errors", 0) for k in keys},
        f"{prefix}_html_kb": kb,
        f"{prefix}_ratio": ratios,
        f"{prefix}_queries": {k: v["queries"] for k, v in counted.items()},
        f"{prefix}_slowest_sql": {k: {"ms": v["slowest_ms"], "sql": v["slowest_sql"]}
                                  for k, v in counted.items() if k != FLOOR},
        f"{floor_prefix}_p50_ms": floor.get("p50"),
        f"{floor_prefix}_p95_ms": floor_p95,
        f"{floor_prefix}_p99_ms": floor.get("p99"),
        f"{floor_prefix}_samples": floor.get("samples", 0),
        f"{prefix}_worst_ratio": ratios.get(worst) if worst else None,
        f"{prefix}_worst_page": worst,
        f"{prefix}_worst_ratio_goal": goal,
        f"{prefix}_over_goal": sorted(k for k, r in ratios.items() if r > goal),
        f"{prefix}_max_html_kb": max(kb.values(), default=None),
        f"{prefix}_max_html_kb_goal": MAX_HTML_KB,
        f"{prefix}_skipped": skipped,
        f"{prefix}_unmeasured": unmeasured,
        f"{prefix}_failures": len(load.failures),
        f"{prefix}_error_responses": errors,
        f"{prefix}_clients": clients,
        f"{prefix}_people": roles,
        f"{prefix}_seconds_measured": round(load.ended - load.started, 1),
        f"{prefix}_seconds_goal_min": seconds,
        f"{prefix}_think_seconds": list(think),
        f"{prefix}_server": f"gunicorn, {workers} sync workers",
        f"{prefix}_requests": len(load.samples),
        f"{prefix}_requests_per_second": round(
            len(load.samples) / max(1e-9, load.ended - load.started), 1),
        f"{prefix}_signin_p95_ms": (round(float(np.percentile(
            np.array(load.sign_ins) * 1000, 95)), 1) if load.sign_ins else None),
        f"{prefix}_seed_seconds": round(seed_seconds, 1),
    }
    out[f"{prefix}_goal_met"] = bool(
        worst is not None and ratios[worst] <= goal
        and (out[f"{prefix}_max_html_kb"] or 0) <= MAX_HTML_KB
        and not skipped and not unmeasured and errors == 0 and not load.failures)
    return out


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value else default


def _think(value: str) -> tuple[float, float]:
    low, _, high = value.partition(",")
    return float(low), float(high or low)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=5_000)
    parser.add_argument("--users", type=int, default=int(_env_float("BENCH_PAGES_USERS", 50)))
    parser.add_argument("--seconds", type=float,
                        default=_env_float("BENCH_PAGES_SECONDS", 120.0),
                        help="measured time, after the warm-up")
    parser.add_argument("--warmup", type=float, default=_env_float("BENCH_PAGES_WARMUP", 10.0),
                        help="seconds not counted once everyone has signed in")
    parser.add_argument("--think", type=_think,
                        default=_think(os.environ.get("BENCH_PAGES_THINK", "2,6")),
                        help="think time between requests, seconds: LOW,HIGH")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default="pages")
    parser.add_argument("--explain", action="store_true",
                        help="print the plans of each page's slowest statements on stderr")
    args = parser.parse_args(argv)
    result = measure(clients=args.clients, users=args.users, seconds=args.seconds,
                     warmup=args.warmup, think=args.think, workers=args.workers,
                     seed=args.seed, prefix=args.prefix, explain=args.explain)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
