#!/usr/bin/env python3
"""Prepares what the soak's wrk scripts send, from a running server.

Usage: benches/soak/prepare.py BASE_URL OUT_DIR SESSIONS CLIENTS

Writes into OUT_DIR:
  programs.txt   every program id the server lists (GET /api/v1/programs?status=all)
  queries.txt    the search queries of crates/search/tests/relevance/queries.tsv, URL-encoded
  sessions.tsv   SESSIONS visitors who started the diagnosis: cookie, CSRF token (one a line)
  profiles.jsonl the business profiles of benches/load/profiles.jsonl
Each visitor comes from one of CLIENTS addresses (X-Forwarded-For, the server trusting
loopback as its proxy), as the wrk scripts' visitors do.
"""
import http.client
import json
import re
import shutil
import sys
import urllib.parse

QUERIES = "crates/search/tests/relevance/queries.tsv"
PROFILES = "benches/load/profiles.jsonl"


def client_address(i):
    """The i-th visitor address, 10.x.y.z; the same formula as mix.lua's."""
    return f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"


def request(conn, method, path, headers=None, body=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.getheaders(), response.read().decode("utf-8")


def program_ids(conn):
    ids, page, pages = [], 1, 1
    while page <= pages:
        status, _, body = request(conn, "GET", f"/api/v1/programs?status=all&per_page=100&page={page}")
        if status != 200:
            sys.exit(f"GET /api/v1/programs answered {status}")
        answer = json.loads(body)
        ids += [item["id"] for item in answer["items"]]
        pages = answer["pages"]
        page += 1
    return ids


def visitor(conn, i):
    """A visitor who opened the diagnosis and answered where the business is."""
    headers = {"X-Forwarded-For": client_address(i)}
    status, response_headers, body = request(conn, "GET", "/diagnosis", headers)
    if status != 200:
        sys.exit(f"GET /diagnosis answered {status}")
    cookies = [v.split(";", 1)[0] for k, v in response_headers if k.lower() == "set-cookie"]
    token = re.search(r'name="_csrf" value="([^"]+)"', body)
    if len(cookies) != 1 or not token:
        sys.exit("GET /diagnosis gave no session cookie or no CSRF token")
    form = urllib.parse.urlencode(
        {"_csrf": token.group(1), "field": "municipality", "step": "1", "value": "日置市", "action": "next"}
    )
    headers.update({"Cookie": cookies[0], "Content-Type": "application/x-www-form-urlencoded"})
    status, _, _ = request(conn, "POST", "/diagnosis/answer", headers, form)
    if status != 303:
        sys.exit(f"POST /diagnosis/answer answered {status}")
    return cookies[0], token.group(1)


def main():
    base, out, sessions, clients = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    host = urllib.parse.urlsplit(base).netloc
    conn = http.client.HTTPConnection(host, timeout=60)
    ids = program_ids(conn)
    with open(f"{out}/programs.txt", "w") as f:
        f.writelines(f"{urllib.parse.quote(i)}\n" for i in ids)
    with open(QUERIES) as src, open(f"{out}/queries.txt", "w") as f:
        for line in src:
            if line.strip() and not line.startswith("#"):
                f.write(urllib.parse.quote(line.split("\t", 1)[0].strip()) + "\n")
    with open(f"{out}/sessions.tsv", "w") as f:
        for i in range(sessions):
            cookie, token = visitor(conn, 1 + i % clients)
            f.write(f"{cookie}\t{token}\n")
    shutil.copy(PROFILES, f"{out}/profiles.jsonl")
    print(f"prepared: {len(ids)} programs, {sessions} visitor sessions, {clients} client addresses")


if __name__ == "__main__":
    main()
