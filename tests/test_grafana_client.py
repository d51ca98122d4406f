"""The Grafana client against a real loopback server: settings, auth, error mapping, retries where safe, faults,
and the token kept out of every message."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from generator.grafana import errors as E
from generator.grafana.config import Credentials, settings_from
from generator.grafana.push import Dashboard
from tests.grafana_standin import StandInGrafana
from tests.grafana_support import (
    DASHBOARDS,
    PASSWORD,
    TOKEN,
    actions,
    assert_no_secret,
    cli,
    client_for,
    push,
    push_in_process,
    repo_dashboards,
)

# ----------------------------------------------------------------------------------------------------------------
# Settings: checked before anything is sent


def test_settings_from_environment_and_flags_precedence():
    s = settings_from(environ={"GRAFANA_URL": "https://g.example.com/grafana/", "GRAFANA_TOKEN": TOKEN,
                               "GRAFANA_ORG_ID": "3"})
    assert s.url == "https://g.example.com/grafana" and s.org_id == 3 and s.credentials.kind == "token"
    s = settings_from(url="https://other.example.com", org_id="4",
                      environ={"GRAFANA_URL": "https://g.example.com", "GRAFANA_USER": "admin",
                               "GRAFANA_PASSWORD": PASSWORD})
    assert s.url == "https://other.example.com" and s.org_id == 4 and s.credentials.kind == "basic"
    assert_no_secret(repr(s), str(s), repr(s.credentials))


@pytest.mark.parametrize("environ, expected", [
    ({"GRAFANA_TOKEN": TOKEN}, "no Grafana URL"),
    ({"GRAFANA_URL": "https://g.example.com"}, "no Grafana credentials"),
    ({"GRAFANA_URL": "https://g.example.com", "GRAFANA_USER": "admin"}, "no Grafana credentials"),
    ({"GRAFANA_URL": "g.example.com", "GRAFANA_TOKEN": TOKEN}, "scheme and host"),
    ({"GRAFANA_URL": "http://grafana.example.com", "GRAFANA_TOKEN": TOKEN}, "refusing to send the Grafana token"),
    ({"GRAFANA_URL": "http://10.0.0.5:3000", "GRAFANA_USER": "a", "GRAFANA_PASSWORD": PASSWORD},
     "refusing to send the Grafana password"),
    ({"GRAFANA_URL": f"https://admin:{PASSWORD}@g.example.com", "GRAFANA_TOKEN": TOKEN}, "carries credentials"),
    ({"GRAFANA_URL": "https://g.example.com", "GRAFANA_TOKEN": TOKEN, "GRAFANA_ORG_ID": "main"}, "must be a number"),
])
def test_unusable_settings_are_usage_errors(environ, expected):
    with pytest.raises(E.GrafanaUsageError, match=expected) as info:
        settings_from(environ=environ)
    assert_no_secret(str(info.value), repr(info.value))


@pytest.mark.parametrize("url", ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000",
                                 "http://127.1.2.3"])
def test_plain_http_is_allowed_to_loopback(url):
    assert settings_from(environ={"GRAFANA_URL": url, "GRAFANA_TOKEN": TOKEN}).url == url


def test_plain_http_elsewhere_needs_the_explicit_flag():
    s = settings_from(allow_insecure_http=True, environ={"GRAFANA_URL": "http://g.lan", "GRAFANA_TOKEN": TOKEN})
    assert s.url == "http://g.lan"


def test_tls_options(tmp_path):
    env = {"GRAFANA_URL": "https://g.example.com", "GRAFANA_TOKEN": TOKEN}
    assert settings_from(environ=env).verify is True
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert settings_from(ca_bundle=str(bundle), environ=env).verify == str(bundle)
    assert settings_from(insecure_skip_tls_verify=True, environ=env).verify is False
    with pytest.raises(E.GrafanaUsageError, match="does not exist"):
        settings_from(ca_bundle=str(tmp_path / "missing.pem"), environ=env)
    with pytest.raises(E.GrafanaUsageError, match="contradict"):
        settings_from(ca_bundle=str(bundle), insecure_skip_tls_verify=True, environ=env)


def test_credentials_never_show():
    for c in (Credentials(token=TOKEN), Credentials(user="admin", password=PASSWORD)):
        assert_no_secret(repr(c), str(c), f"{c}", repr([c]))


# ----------------------------------------------------------------------------------------------------------------
# Auth and error mapping


def test_token_basic_auth_and_org_header(grafana):
    assert client_for(grafana).list_folders() == []
    basic = settings_from(url=grafana.url, environ={"GRAFANA_USER": "admin", "GRAFANA_PASSWORD": PASSWORD})
    from generator.grafana.client import GrafanaClient
    assert GrafanaClient(basic).list_folders() == []
    with pytest.raises(E.GrafanaUnauthorized, match="not a member of organization 7"):
        client_for(grafana, org_id=7).list_folders()
    assert client_for(grafana, org_id=1).list_folders() == []


def test_wrong_token_is_a_clear_error_without_the_token(grafana, grafana_logs):
    client = client_for(grafana, token="glsa_wrong_" + TOKEN[::-1])
    with pytest.raises(E.GrafanaUnauthorized) as info:
        client.get_dashboard("x")
    assert info.value.status_code == 401 and info.value.grafana_message == "Invalid API key"
    assert "Invalid API key" in str(info.value)
    assert_no_secret(str(info.value), repr(info.value), repr(client), repr(client.session.auth))
    assert not any("wrong" in line for line in grafana_logs.lines)


def test_wrong_token_through_the_cli(project_copy, grafana):
    result = push(project_copy, grafana, token="glsa_wrong_token_value")
    assert result.returncode == 2  # credentials refused: a usage error, as in diff
    assert "Grafana refused the credentials (401 Invalid API key)" in result.stderr
    assert "glsa_wrong_token_value" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert grafana.writes == 0


def test_missing_credentials_or_url_through_the_cli_is_a_usage_error(project_copy, grafana):
    no_token = push(project_copy, grafana, token="")
    assert no_token.returncode == 2 and "no Grafana credentials" in no_token.stderr
    no_url = cli("push", project_copy, None)
    assert no_url.returncode == 2 and "no Grafana URL" in no_url.stderr
    plain = cli("push", project_copy, "http://grafana.example.com")
    assert plain.returncode == 2 and "refusing to send the Grafana token over plain http" in plain.stderr
    bad_flag = cli("push", project_copy, grafana.url, "--jobs", "many")
    assert bad_flag.returncode == 2
    assert grafana.total_requests == 0


def test_insecure_tls_is_warned(project_copy, grafana):
    result = cli("push", project_copy, grafana.url.replace("http://", "https://"), "--insecure-skip-tls-verify",
                 "--retries", "0")
    assert "warning: TLS certificate verification is off" in result.stderr
    assert result.returncode == 3 and "TLS" in result.stderr  # the stand-in speaks plain http: unreachable


@pytest.mark.parametrize("status, cls", [(400, E.GrafanaBadRequest), (403, E.GrafanaForbidden),
                                         (404, E.GrafanaNotFound), (409, E.GrafanaConflict),
                                         (412, E.GrafanaPreconditionFailed), (500, E.GrafanaServerError),
                                         (418, E.GrafanaClientError)])
def test_status_codes_map_to_the_hierarchy(grafana, status, cls):
    grafana.inject("status", status=status, path="/api/search")
    with pytest.raises(cls) as info:
        client_for(grafana, retries=0).search()
    assert isinstance(info.value, E.GrafanaError) and f"injected {status}" in str(info.value)


def test_grafana_message_and_status_are_in_the_error(grafana):
    client = client_for(grafana)
    client.save_dashboard({"uid": "a", "title": "A"}, folder_uid="", overwrite=False, message="")
    with pytest.raises(E.GrafanaPreconditionFailed) as info:
        client.save_dashboard({"uid": "a", "title": "A", "version": 7}, folder_uid="", overwrite=False, message="")
    assert info.value.grafana_status == "version-mismatch"
    assert "The dashboard has been changed by someone else [version-mismatch]" in str(info.value)
    with pytest.raises(E.GrafanaBadRequest, match="folder not found"):
        client.save_dashboard({"uid": "b", "title": "B"}, folder_uid="nope", overwrite=False, message="")


def test_not_json_and_redirects_are_explained():
    import http.server

    class Odd(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/api/search"):
                self.send_response(302)
                self.send_header("Location", "/login")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                body = b"<html>hello</html>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Odd)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = client_for(f"http://127.0.0.1:{server.server_address[1]}")
        with pytest.raises(E.GrafanaError, match="redirected GET /api/search to /login"):
            client.search()
        with pytest.raises(E.GrafanaError, match="something other than JSON"):
            client.health()
    finally:
        server.shutdown()
        server.server_close()


# ----------------------------------------------------------------------------------------------------------------
# Retries: only where safe


def test_503_and_dropped_connections_are_retried_for_reads(grafana, grafana_logs):
    grafana.add_dashboard({"uid": "a", "title": "A"})
    grafana.inject("status", status=503, path="/api/dashboards/uid/a", times=2)
    grafana.inject("drop", path="/api/dashboards/uid/a", times=1)
    client = client_for(grafana)
    assert client.get_dashboard("a")["dashboard"]["title"] == "A"
    assert client.retries_done == 3 and grafana.requests["GET /api/dashboards/uid/:uid"] == 4


def test_429_waits_as_long_as_retry_after_says(grafana):
    waits = []
    grafana.inject("status", status=429, retry_after="2", path="/api/search", times=1)
    grafana.inject("status", status=429, path="/api/folders", method="POST", times=1)  # no Retry-After: backoff
    client = client_for(grafana, sleep=waits.append)
    assert client.search() == []
    assert waits == [2.0]
    client.create_folder("X")  # a POST, retried because 429 means "not processed"
    assert len(waits) == 2 and waits[1] < 1 and len(grafana.folders) == 1


def test_429_asking_for_too_long_is_not_waited_for(grafana):
    waits = []
    grafana.inject("status", status=429, retry_after="3600", path="/api/search", times=1)
    with pytest.raises(E.GrafanaTooManyRequests, match="asks to wait 3600 s"):
        client_for(grafana, sleep=waits.append).search()
    assert waits == []


def test_500_is_not_retried(grafana):
    grafana.inject("status", status=500, path="/api/search", times=1)
    with pytest.raises(E.GrafanaServerError):
        client_for(grafana).search()
    assert grafana.requests["GET /api/search"] == 1


def test_a_write_not_declared_replay_safe_is_not_retried_after_a_502(grafana):
    grafana.inject("status", status=502, path="/api/folders", method="POST", times=1)
    with pytest.raises(E.GrafanaServerError):
        client_for(grafana).request("POST", "/api/folders", body={"title": "X"})
    assert grafana.requests["POST /api/folders"] == 1


def test_connection_refused_is_retried_then_explained(grafana_logs):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = client_for(f"http://127.0.0.1:{port}", retries=2)
    with pytest.raises(E.GrafanaTransportError) as info:
        client.create_folder("X")
    assert "connection refused" in str(info.value) and "after 3 attempts" in str(info.value)
    assert info.value.sent is False and client.requests_sent == 3


def test_connection_refused_then_grafana_comes_up(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    holder = {}

    def start_later():
        time.sleep(0.3)
        holder["server"] = StandInGrafana(token=TOKEN, port=port).start()

    threading.Thread(target=start_later).start()
    client = client_for(f"http://127.0.0.1:{port}", retries=6, backoff=0.1)
    try:
        assert client.list_folders() == []
        assert client.retries_done >= 1
    finally:
        time.sleep(0.35)
        holder["server"].stop()


def test_read_timeout_is_retried_for_reads(grafana):
    grafana.inject("delay", delay=3, path="/api/search", times=1)
    client = client_for(grafana, timeout=1)
    assert client.search() == []
    assert grafana.requests["GET /api/search"] >= 2 and client.retries_done >= 1


def test_persistent_faults_end_in_a_clear_failure(grafana):
    grafana.inject("status", status=503, times=None)
    with pytest.raises(E.GrafanaServerError, match="Grafana answered 503 to GET /api/search: injected 503"):
        client_for(grafana, retries=2).search()
    assert grafana.requests["GET /api/search"] == 3


# ----------------------------------------------------------------------------------------------------------------
# Faults during a push: retried where safe, failures reported, and the next run converges


def test_lost_answer_to_a_save_is_replayed_and_recognised_not_a_conflict(grafana, tmp_path):
    grafana.inject("drop_after", path="/api/dashboards/db", times=1)  # applied, then the connection drops
    grafana.inject("status_after", status=502, path="/api/dashboards/db", times=1)  # applied, proxy says 502
    report = push_in_process(grafana, conflicts_dir=tmp_path, jobs=1)
    assert set(actions(report).values()) == {"created"}, [o.detail for o in report.outcomes]
    assert {e["version"] for e in grafana.dashboards.values()} == {1}  # the replays were refused, not applied
    assert grafana.requests["POST /api/dashboards/db"] == DASHBOARDS + 2 and not list(tmp_path.iterdir())

    changed = [Dashboard(d.uid, {**d.data, "description": "v2"}) for d in repo_dashboards()]
    grafana.inject("status_after", status=504, path="/api/dashboards/db", times=1)
    report = push_in_process(grafana, changed, conflicts_dir=tmp_path, jobs=1)
    assert set(actions(report).values()) == {"updated"}, [o.detail for o in report.outcomes]
    assert {e["version"] for e in grafana.dashboards.values()} == {2}


def test_a_500_on_save_fails_that_dashboard_only_and_the_next_run_converges(project_copy, grafana):
    grafana.inject("status", status=500, path="/api/dashboards/db", times=1)
    first = push(project_copy, grafana, "--jobs", "1")
    assert first.returncode == 1
    assert f"{DASHBOARDS - 1} created" in first.stdout and "1 failed" in first.stdout
    assert "Grafana answered 500 to POST /api/dashboards/db: injected 500" in first.stdout
    assert "failed" in first.stderr
    assert grafana.requests["POST /api/dashboards/db"] == DASHBOARDS  # the 500 was not retried
    second = push(project_copy, grafana)
    assert second.returncode == 0 and f"1 created, 0 updated, {DASHBOARDS - 1} unchanged" in second.stdout
    third = push(project_copy, grafana)
    assert third.returncode == 0 and f"{DASHBOARDS} unchanged" in third.stdout


def test_transient_faults_during_a_cli_push_are_absorbed(project_copy, grafana):
    grafana.inject("status", status=503, path="/api/dashboards/uid/", times=2)
    grafana.inject("status", status=429, retry_after="1", path="/api/dashboards/db", times=1)
    grafana.inject("drop", path="/api/folders", times=1)
    result = push(project_copy, grafana, "--verbose")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{DASHBOARDS} created" in result.stdout
    assert "-> 503" in result.stderr and "-> 429" in result.stderr  # --verbose logs requests, never credentials


def test_grafana_down_through_the_cli(project_copy):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = cli("push", project_copy, f"http://127.0.0.1:{port}", "--retries", "1")
    assert result.returncode == 3  # unreachable, as for every command
    assert "cannot connect (connection refused)" in result.stderr and "Traceback" not in result.stderr


def test_secrets_never_printed_in_any_scenario(project_copy, grafana, tmp_path):
    """Token and password, through success, conflicts, failures, retries, and --verbose request logs."""
    basic = {"GRAFANA_TOKEN": "", "GRAFANA_USER": "admin", "GRAFANA_PASSWORD": PASSWORD}
    runs = [push(project_copy, grafana, "--verbose"),
            cli("push", project_copy, grafana.url, "--folder", "AI/Service", "--verbose", token="", env=basic)]
    grafana.edit_dashboard("ai-cost", lambda d: d.update(title="edited"))
    grafana.inject("status", status=503, times=2)
    runs.append(push(project_copy, grafana, "--verbose", "--prune"))
    runs.append(cli("diff", project_copy, grafana.url, "--raw", "--verbose", token="", env=basic))
    runs.append(cli("push", project_copy, grafana.url, "--verbose", token="", env={**basic, "GRAFANA_PASSWORD": "x"}))
    runs.append(cli("push", project_copy, "http://grafana.example.com", "--verbose"))
    for run in runs:  # cli() asserts already; this test says so explicitly
        assert_no_secret(run.stdout, run.stderr)
    assert any("GET /api/dashboards/uid/ai-cost" in r.stderr for r in runs)  # the logs were really on
    for path in (project_copy / "conflicts").iterdir():
        assert_no_secret(path.read_text())
