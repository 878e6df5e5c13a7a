"""Planted secrets: each place of a HAR, each encoding. The value must be gone everywhere in the
output (raw, URL-encoded, JSON-escaped, base64) and its non-secret neighbour must stay."""

from __future__ import annotations

import base64
import io
import json
from typing import Any
from urllib.parse import quote

import jwt
import pytest

from harscrub.detection.forms import FORMS
from harscrub.engine.check import check_stream
from harscrub.engine.sanitize import sanitize_stream
from harscrub.policy import Policy

JWT = jwt.encode({"iss": "https://idp.example.com", "sub": "u1", "exp": 4102444800}, "k" * 32, algorithm="HS256")


def assert_gone(output: bytes, secret: str) -> None:
    text = output.decode("utf-8")
    decoded = json.dumps(json.loads(text))  # also catch it after one level of JSON unescaping
    for form in FORMS:
        for spelled in form.spell(secret):
            if len(spelled) >= 6:
                assert spelled not in text, f"secret survives ({form.name} form)"
                assert spelled not in decoded, f"secret survives ({form.name} form, unescaped)"


def entry(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "startedDateTime": "2026-11-01T10:00:00.000Z",
        "time": 12.5,
        "request": {
            "method": "GET",
            "url": "https://api.example.com/v1/items?page=2",
            "httpVersion": "HTTP/2",
            "headers": [{"name": "user-agent", "value": "Mozilla/5.0 (X11; Linux x86_64)"}],
            "queryString": [{"name": "page", "value": "2"}],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/2",
            "headers": [{"name": "content-type", "value": "application/json"}],
            "cookies": [],
            "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 2,
        },
        "cache": {},
        "timings": {"send": 1, "wait": 10, "receive": 1.5},
    }
    for path, value in overrides.items():
        node = base
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return base


def har(*entries: dict[str, Any], **log: Any) -> bytes:
    doc = {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, **log, "entries": list(entries)}}
    return json.dumps(doc).encode()


def run(data: bytes, policy: Policy | None = None) -> tuple[bytes, Any]:
    out = io.BytesIO()
    report = sanitize_stream(io.BytesIO(data), out, policy)
    return out.getvalue(), report


def sanitized(data: bytes, policy: Policy | None = None) -> dict[str, Any]:
    return json.loads(run(data, policy)[0])


SECRET = "Zx81kQ7vLp02NwY6tRb3"  # an opaque session-like value, no recognisable shape


# -- headers ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Authorization", "authorization", "Proxy-Authorization", "AUTHORIZATION"])
def test_authorization_keeps_its_scheme(name: str) -> None:
    e = entry(request__headers=[{"name": name, "value": f"Bearer {SECRET}"}, {"name": "accept", "value": "text/html"}])
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    headers = json.loads(out)["log"]["entries"][0]["request"]["headers"]
    assert headers[0]["value"].startswith("Bearer [REDACTED:")
    assert headers[1] == {"name": "accept", "value": "text/html"}


def test_basic_credentials_and_their_password_everywhere() -> None:
    creds = base64.b64encode(b"admin:CorrectHorse42").decode()
    e = entry(
        request__headers=[{"name": "Authorization", "value": f"Basic {creds}"}],
        response__content={"mimeType": "text/plain", "text": "login failed for password CorrectHorse42"},
    )
    out, _ = run(har(e))
    assert_gone(out, creds)
    assert_gone(out, "CorrectHorse42")
    assert b"Basic [REDACTED:" in out


@pytest.mark.parametrize(
    "name",
    ["x-api-key", "X-Auth-Token", "x-csrf-token", "X-XSRF-TOKEN", "x-amz-security-token", "X-Session-Id",
     "x-client-secret", "X-Upload-Signature", "apikey", "X-Account-Password"],
)
def test_credential_headers_by_name(name: str) -> None:
    e = entry(request__headers=[{"name": name, "value": SECRET}, {"name": "x-request-id", "value": "req-12345"}])
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert b"req-12345" in out


def test_http2_pseudo_header_path_is_a_url() -> None:
    e = entry(request__headers=[{"name": ":path", "value": f"/v1/items?page=2&access_token={SECRET}"}])
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert b"/v1/items?page=2&access_token=[REDACTED:" in out


def test_cookie_header_values_go_names_stay() -> None:
    e = entry(request__headers=[{"name": "cookie", "value": f"sid={SECRET}; theme=dark-mode-v2; JSESSIONID=ABCDEF0123456789"}])
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert_gone(out, "ABCDEF0123456789")
    value = json.loads(out)["log"]["entries"][0]["request"]["headers"][0]["value"]
    assert value.startswith("sid=[REDACTED:") and "; JSESSIONID=[REDACTED:" in value
    assert "; theme=dark-mode-v2;" in value  # a preference with a plain value stays (patterns/names.toml)


@pytest.mark.parametrize("name, value, kept", [
    ("theme", "dark", True), ("lang", "en-US", True), ("cookieconsent_status", "dismiss", True),
    ("OptanonAlertBoxClosed", "2026-11-01T10:00:00.000Z", True),
    ("theme", "Zq8vR2mT9xW4kL7pN3bH6cY1", False),  # random under a preference name: an identifier after all
    ("locale", "s%3AYk0NYMemZv6_1cIzQ", False), ("_ga", "GA1.1.1849263071.1700000000", False),
])
def test_preference_cookies_keep_plain_values(name: str, value: str, kept: bool) -> None:
    e = entry(request__headers=[{"name": "cookie", "value": f"{name}={value}"}],
              request__cookies=[{"name": name, "value": value}])
    out, _ = run(har(e))
    request = json.loads(out)["log"]["entries"][0]["request"]
    assert (request["headers"][0]["value"] == f"{name}={value}") is kept
    assert (request["cookies"][0]["value"] == value) is kept


def test_set_cookie_keeps_attributes_and_handles_firefox_newlines() -> None:
    value = f"sid={SECRET}; Path=/; Secure; HttpOnly; SameSite=Lax\nDT=Qm9vZ3Vz12345678; Max-Age=3600"
    e = entry(response__headers=[{"name": "Set-Cookie", "value": value}])
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert_gone(out, "Qm9vZ3Vz12345678")
    got = json.loads(out)["log"]["entries"][0]["response"]["headers"][0]["value"]
    assert "; Path=/; Secure; HttpOnly; SameSite=Lax\nDT=[REDACTED:" in got and got.endswith("; Max-Age=3600")


def test_cookies_arrays_keep_names_and_attributes_and_match_the_header() -> None:
    cookie = {"name": "sid", "value": SECRET, "path": "/", "domain": ".example.com", "httpOnly": True, "secure": True}
    e = entry(request__cookies=[cookie], request__headers=[{"name": "Cookie", "value": f"sid={SECRET}"}],
              response__cookies=[dict(cookie, expires="2027-01-01T00:00:00.000Z")])
    doc = sanitized(har(e))
    got = doc["log"]["entries"][0]
    req_cookie = got["request"]["cookies"][0]
    assert req_cookie["name"] == "sid" and req_cookie["domain"] == ".example.com" and req_cookie["httpOnly"] is True
    assert req_cookie["value"].startswith("[REDACTED:")
    assert got["request"]["headers"][0]["value"] == f"sid={req_cookie['value']}"  # same secret, same placeholder
    assert got["response"]["cookies"][0]["expires"] == "2027-01-01T00:00:00.000Z"


# -- URLs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "kept"),
    [
        (f"https://alice:{SECRET}@db.example.com/path", "https://alice:"),
        (f"https://api.example.com/cb?page=2&access_token={SECRET}", "https://api.example.com/cb?page=2&access_token="),
        (f"https://files.example.com/a.png?sv=2022-11-02&sig={quote(SECRET + '+/=')}", "sv=2022-11-02&sig="),
        (f"https://app.example.com/#access_token={SECRET}&token_type=Bearer&id_token={JWT}", "token_type=Bearer"),
        (f"https://app.example.com/#/callback?code={SECRET}&state=abc", "#/callback?code="),
        (f"https://api.example.com/v1/session/{JWT}/items", "https://api.example.com/v1/session/"),
        (f"https://api.example.com/search?q={JWT}", "https://api.example.com/search?q="),
        (f"https://api.example.com/search?X-Amz-Signature={SECRET}&X-Amz-Date=20260101T000000Z", "X-Amz-Date=20260101T000000Z"),
    ],
)
def test_url_parts(url: str, kept: str) -> None:
    secret = JWT if JWT in url else SECRET
    e = entry(request__url=url)
    out, _ = run(har(e))
    assert_gone(out, secret)
    assert kept in json.loads(out)["log"]["entries"][0]["request"]["url"]


def test_query_string_array_matches_the_url() -> None:
    e = entry(request__url=f"https://api.example.com/x?page=2&token={SECRET}",
              request__queryString=[{"name": "page", "value": "2"}, {"name": "token", "value": SECRET}])
    got = sanitized(har(e))["log"]["entries"][0]["request"]
    placeholder = got["queryString"][1]["value"]
    assert placeholder.startswith("[REDACTED:") and got["url"].endswith("token=" + placeholder)
    assert got["queryString"][0] == {"name": "page", "value": "2"}


@pytest.mark.parametrize("header", ["Referer", "referer", "Location", "Content-Location", "Origin"])
def test_every_url_valued_header(header: str) -> None:
    e = entry(request__headers=[{"name": header, "value": f"https://app.example.com/home?session={SECRET}&tab=3"}])
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert b"https://app.example.com/home?session=[REDACTED:" in out and b"&tab=3" in out


def test_redirect_url_initiator_and_page_title() -> None:
    url = f"https://app.example.com/cb?code={SECRET}"
    e = entry(response__redirectURL=url, _initiator={"type": "script", "url": url, "stack": {"callFrames": [
        {"functionName": "go", "url": url, "lineNumber": 3, "columnNumber": 7}], "parent": {"callFrames": [{"url": url}]}}})
    pages = [{"id": "page_1", "title": url, "startedDateTime": "2026-11-01T10:00:00.000Z", "pageTimings": {}}]
    out, _ = run(har(e, pages=pages))
    assert_gone(out, SECRET)
    doc = json.loads(out)
    assert doc["log"]["pages"][0]["title"].startswith("https://app.example.com/cb?code=[REDACTED:")
    assert doc["log"]["entries"][0]["_initiator"]["stack"]["callFrames"][0]["lineNumber"] == 3


def test_url_encoded_nested_url() -> None:
    inner = f"https://app.example.com/cb?access_token={SECRET}"
    e = entry(request__url=f"https://idp.example.com/logout?redirect_uri={quote(inner, safe='')}&lang=en")
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert b"https://idp.example.com/logout?redirect_uri=" in out and b"&lang=en" in out


# -- request bodies -----------------------------------------------------------------------------
def test_form_body_and_params_stay_consistent() -> None:
    text = f"grant_type=authorization_code&code={SECRET}&client_secret=s3cr3t-Client-Val&redirect_uri=https%3A%2F%2Fapp"
    params = [{"name": "grant_type", "value": "authorization_code"}, {"name": "code", "value": SECRET},
              {"name": "client_secret", "value": "s3cr3t-Client-Val"}, {"name": "redirect_uri", "value": "https://app"}]
    e = entry(request__method="POST", request__postData={"mimeType": "application/x-www-form-urlencoded", "text": text, "params": params})
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert_gone(out, "s3cr3t-Client-Val")
    post = json.loads(out)["log"]["entries"][0]["request"]["postData"]
    assert post["text"].startswith("grant_type=authorization_code&code=[REDACTED:")
    assert post["params"][1]["value"] in post["text"] and post["params"][0]["value"] == "authorization_code"


def test_json_body_nested_and_graphql() -> None:
    body = {"operationName": "Login", "query": 'mutation { login(email: "a@example.com", password: "Hunter2Hunter2") { token } }',
            "variables": {"input": {"email": "a@example.com", "password": SECRET, "remember": True}}}
    e = entry(request__method="POST", request__postData={"mimeType": "application/json", "text": json.dumps(body)})
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert_gone(out, "Hunter2Hunter2")
    text = json.loads(json.loads(out)["log"]["entries"][0]["request"]["postData"]["text"])
    assert text["variables"]["input"]["email"] == "a@example.com" and text["variables"]["input"]["remember"] is True
    assert text["operationName"] == "Login"


def test_multipart_parts_by_name() -> None:
    text = ("--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQuarterly report\r\n"
            f"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{SECRET}\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            f"api_key={SECRET}x\r\n--XyZ--\r\n")
    e = entry(request__method="POST", request__postData={"mimeType": "multipart/form-data; boundary=XyZ", "text": text})
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert b"Quarterly report" in out and b'filename=\\"a.txt\\"' in out


def test_saml_post_binding() -> None:
    saml = base64.b64encode(b'<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><saml:Assertion>x</saml:Assertion></samlp:Response>').decode()
    e = entry(request__method="POST", request__postData={"mimeType": "application/x-www-form-urlencoded",
                                                        "text": f"SAMLResponse={quote(saml, safe='')}&RelayState=%2Fhome"})
    out, _ = run(har(e))
    assert_gone(out, saml)
    assert b"RelayState=%2Fhome" in out


def test_plain_text_and_xml_bodies() -> None:
    xml = f'<Envelope><Header><wsse:Password Type="PasswordText">{SECRET}</wsse:Password></Header><Body>ok</Body></Envelope>'
    e = entry(request__method="POST", request__postData={"mimeType": "text/xml", "text": xml},
              response__content={"mimeType": "text/plain", "text": f"debug: DB_PASSWORD={SECRET}9 connected to db01"})
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert b"<Body>ok</Body>" in out and b"connected to db01" in out


# -- response bodies ----------------------------------------------------------------------------
def test_token_endpoint_response() -> None:
    body = {"access_token": JWT, "refresh_token": SECRET, "id_token": JWT, "token_type": "Bearer", "expires_in": 3600, "scope": "openid email"}
    e = entry(response__content={"mimeType": "application/json; charset=utf-8", "text": json.dumps(body)})
    out, _ = run(har(e))
    assert_gone(out, JWT)
    assert_gone(out, SECRET)
    got = json.loads(json.loads(out)["log"]["entries"][0]["response"]["content"]["text"])
    assert got["token_type"] == "Bearer" and got["expires_in"] == 3600 and got["scope"] == "openid email"


def test_html_hidden_inputs_meta_and_inline_script() -> None:
    html = ('<html><head><meta name="csrf-token" content="q8Zr2LmP0xW9vT4kJ7sN3bY6"><title>Sign in</title></head><body>'
            f'<form><input type="hidden" name="authenticity_token" value="{SECRET}"><input name="user" value="alice"></form>'
            '<script>window.__CONFIG__ = { apiKey: "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY", region: "eu-west-1" };</script></body></html>')
    e = entry(response__content={"mimeType": "text/html", "text": html})
    out, _ = run(har(e))
    for secret in (SECRET, "q8Zr2LmP0xW9vT4kJ7sN3bY6", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"):
        assert_gone(out, secret)
    assert b"<title>Sign in</title>" in out and b'value=\\"alice\\"' in out and b"eu-west-1" in out


def test_base64_content_is_decoded_scanned_and_reencoded() -> None:
    body = json.dumps({"api_key": SECRET, "plan": "enterprise"}).encode()
    e = entry(response__content={"mimeType": "application/json", "encoding": "base64", "text": base64.b64encode(body).decode()})
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    content = json.loads(out)["log"]["entries"][0]["response"]["content"]
    decoded = json.loads(base64.b64decode(content["text"]))
    assert decoded["plan"] == "enterprise" and decoded["api_key"].startswith("[REDACTED:")


def test_binary_base64_content_with_an_embedded_token() -> None:
    blob = b"\x89PNG\r\n\x1a\n\x00\x00" + b"ghp_16C7e42F292c6912E7710c838347Ae178B4a" + bytes(range(256))
    e = entry(response__content={"mimeType": "application/octet-stream", "encoding": "base64", "text": base64.b64encode(blob).decode()})
    out, _ = run(har(e))
    assert_gone(out, "ghp_16C7e42F292c6912E7710c838347Ae178B4a")


# -- WebSocket, vendor fields, unknown places ------------------------------------------------------
def test_websocket_frames() -> None:
    frames = [
        {"type": "send", "time": 1.0, "opcode": 1, "data": json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {SECRET}"}})},
        {"type": "send", "time": 1.1, "opcode": 1, "data": f"CONNECT\naccept-version:1.2\nAuthorization:Bearer {JWT}\n\n\x00"},
        {"type": "receive", "time": 1.2, "opcode": 1, "data": '{"type":"chat","text":"hello world"}'},
        {"type": "receive", "time": 1.3, "opcode": 2, "data": base64.b64encode(f"token={SECRET}".encode()).decode()},
    ]
    e = entry(_resourceType="websocket", _webSocketMessages=frames)
    out, _ = run(har(e))
    assert_gone(out, SECRET)
    assert_gone(out, JWT)
    assert b"hello world" in out


def test_vendor_fields_and_unknown_strings() -> None:
    e = entry(_custom={"authToken": SECRET, "note": f"retry with {JWT}", "attempt": 3},
              _securityDetails={"protocol": "TLS 1.3", "subjectName": "*.example.com"})
    out, _ = run(har(e, _recorder={"license_key": SECRET + "L"}))
    assert_gone(out, SECRET)
    assert_gone(out, JWT)
    doc = json.loads(out)
    assert doc["log"]["entries"][0]["_custom"]["attempt"] == 3
    assert doc["log"]["entries"][0]["_securityDetails"]["protocol"] == "TLS 1.3"


# -- every occurrence, every encoding ------------------------------------------------------------
@pytest.mark.parametrize("form", ["raw", "url", "json", "base64"])
def test_a_secret_found_once_is_swept_everywhere_in_every_encoding(form: str) -> None:
    password = "Tr0ub4dor&3-horse"
    found = entry(request__method="POST", request__postData={"mimeType": "application/json", "text": json.dumps({"password": password})})
    encoded = {"raw": password, "url": quote(password, safe=""), "json": json.dumps({"echo": password}),
               "base64": base64.b64encode(f"[audit] {password} [end]".encode()).decode()}[form]
    # The copy sits in an earlier entry, in a place no rule looks at by name.
    echo = entry(response__content={"mimeType": "text/plain", "text": f"trace: {encoded} (end)"})
    out, report = run(har(echo, found))
    assert_gone(out, password)
    if form != "base64":
        assert encoded not in out.decode()
    assert any(f.repeat for f in report.findings)


def test_output_keeps_everything_that_is_not_secret() -> None:
    e = entry(request__headers=[{"name": "Authorization", "value": f"Bearer {SECRET}"},
                                {"name": "accept-language", "value": "en-GB,en;q=0.9"}])
    src = json.loads(har(e, pages=[{"id": "page_1", "title": "Home", "startedDateTime": "2026-11-01T10:00:00.000Z", "pageTimings": {"onLoad": 120}}],
                         comment="recorded for case 4711"))
    doc = sanitized(json.dumps(src).encode())
    got, orig = doc["log"]["entries"][0], src["log"]["entries"][0]
    assert doc["log"]["pages"] == src["log"]["pages"] and doc["log"]["comment"] == "recorded for case 4711"
    assert got["timings"] == orig["timings"] and got["time"] == orig["time"]
    assert got["response"] == orig["response"] and got["request"]["url"] == orig["request"]["url"]
    assert got["request"]["headers"][1] == orig["request"]["headers"][1]


def test_firefox_order_pages_after_entries_and_top_level_members_survive() -> None:
    doc = {"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "120"}, "entries": [entry()],
                   "pages": [{"id": "page_1", "title": "t", "startedDateTime": "x", "pageTimings": {}}], "_vendor": {"x": 1}}, "_top": 1}
    out = json.loads(run(json.dumps(doc).encode())[0])
    assert list(out["log"])[:5] == ["version", "creator", "entries", "pages", "_vendor"]
    assert out["_top"] == 1 and out["log"]["pages"] == doc["log"]["pages"]


# -- policy knobs ----------------------------------------------------------------------------------
def test_jwt_strip_signature_keeps_claims_but_not_signature() -> None:
    e = entry(request__headers=[{"name": "Authorization", "value": f"Bearer {JWT}"}])
    out, _ = run(har(e), Policy(jwt_mode="strip-signature"))
    header, payload, signature = JWT.split(".")
    assert (header + "." + payload + ".").encode() in out
    assert signature.encode() not in out


def test_allow_list_keeps_a_known_public_value() -> None:
    e = entry(request__headers=[{"name": "x-api-key", "value": "public-demo-key-123"}])
    out, _ = run(har(e), Policy(allow=frozenset({"public-demo-key-123"})))
    assert b"public-demo-key-123" in out


def test_same_key_same_placeholder_across_files() -> None:
    e = entry(request__headers=[{"name": "x-api-key", "value": SECRET}])
    a, _ = run(har(e), Policy(key=b"0123456789abcdef0123"))
    b, _ = run(har(entry(), e), Policy(key=b"0123456789abcdef0123"))
    value = json.loads(a)["log"]["entries"][0]["request"]["headers"][0]["value"]
    assert value.encode() in b


def test_sanitizing_twice_changes_nothing() -> None:
    e = entry(request__url=f"https://u:{SECRET}@api.example.com/x?token={SECRET}#id_token={JWT}",
              request__headers=[{"name": "cookie", "value": f"sid={SECRET}"}, {"name": "Authorization", "value": f"Bearer {JWT}"}],
              response__content={"mimeType": "text/html", "text": f'<input type="hidden" name="csrf" value="{SECRET}">'})
    once, _ = run(har(e))
    twice, report = run(once)
    assert twice == once
    assert not [f for f in report.findings]


_ENV = f"APP_ENV=production\nDATABASE_URL=postgres://shop:{SECRET}@db.internal:5432/shop\nLOG_LEVEL=info\n"


@pytest.mark.parametrize("place", ["text body", "multipart attachment", "json string", "html page", "request url"])
def test_a_url_with_a_password_in_any_place_is_clean_and_stays_so(place: str) -> None:
    """A URL's password becomes a placeholder, percent-encoded in the user info so the URL
    parses. Its output passes ``check`` and a second sanitize changes nothing: the encoded
    placeholder is a placeholder (a ``.env`` attachment once came out flagged by check and got a
    new fingerprint on every run)."""
    bodies = {
        "text body": ("text/plain", _ENV),
        "multipart attachment": ("multipart/form-data; boundary=B",
                                 '--B\r\nContent-Disposition: form-data; name="attachment"; filename=".env"\r\n'
                                 f"Content-Type: application/octet-stream\r\n\r\n{_ENV}\r\n--B--\r\n"),
        "json string": ("application/json", json.dumps({"config": _ENV, "dsn": f"postgres://shop:{SECRET}@db/x"})),
        "html page": ("text/html", f"<pre>{_ENV}</pre>"),
    }
    if place == "request url":
        e = entry(request__url=f"https://shop:{SECRET}@db.example.com/x?page=2")
    else:
        mime, text = bodies[place]
        e = entry(request__method="POST", request__postData={"mimeType": mime, "text": text})
    once, _ = run(har(e))
    assert_gone(once, SECRET)
    assert b"db.internal:5432/shop" in once or b"db.example.com/x?page=2" in once
    twice, report = run(once)
    assert twice == once
    assert not list(report.findings)
    assert check_stream(io.BytesIO(once)).total == 0


@pytest.mark.parametrize("written", ["[REDACTED:postgres-uri-password:abcdef1234]",
                                     "%5BREDACTED%3Apostgres-uri-password%3Aabcdef1234%5D",
                                     "%5bREDACTED%3aurl-credentials%3aabcdef1234%5d"])
def test_a_placeholder_in_user_info_is_kept_as_written(written: str) -> None:
    """However an earlier run spelled it, a placeholder in a URL's user info is neither flagged
    nor re-encoded."""
    text = f"APP_ENV=production\nDATABASE_URL=postgres://shop:{written}@db.internal:5432/shop\n"
    e = entry(request__method="POST", request__postData={"mimeType": "text/plain", "text": text},
              request__url=f"https://shop:{written}@db.example.com/x")
    data = har(e)
    out, report = run(data)
    assert json.loads(out)["log"]["entries"] == [e] and not list(report.findings)
    assert check_stream(io.BytesIO(data)).total == 0


def test_a_yaml_body_loses_its_password_and_keeps_its_neighbours() -> None:
    text = "database:\n  host: db.internal\n  user: app\n  password: Sunflower#2024\n  pool: 5\n"
    e = entry(response__content={"size": 1, "mimeType": "application/x-yaml", "text": text})
    output, _ = run(har(e))
    assert_gone(output, "Sunflower#2024")
    body = json.loads(output)["log"]["entries"][0]["response"]["content"]["text"]
    assert "host: db.internal\n  user: app\n" in body and "pool: 5" in body


def test_a_key_that_describes_a_credential_keeps_its_value_in_a_script() -> None:
    """``token_type: "Bearer"`` is metadata, as the field name ``token_type`` is; the token goes."""
    script = f'init({{token_type: "Bearer", access_token: "{SECRET}", expires_in: 3600}})'
    e = entry(response__content={"size": 1, "mimeType": "application/javascript", "text": script})
    output, _ = run(har(e))
    assert_gone(output, SECRET)
    assert 'token_type: "Bearer"' in json.loads(output)["log"]["entries"][0]["response"]["content"]["text"]


def test_report_never_holds_a_secret() -> None:
    e = entry(request__headers=[{"name": "Authorization", "value": f"Bearer {JWT}"}, {"name": "cookie", "value": f"sid={SECRET}"}])
    _, report = run(har(e))
    text = json.dumps(report.to_dict())
    assert SECRET not in text and JWT not in text and JWT[:20] not in text
    assert report.by_rule and report.distinct_secrets == 2


def test_marker_counts_rules_and_digest() -> None:
    e = entry(request__headers=[{"name": "x-api-key", "value": SECRET}])
    doc = sanitized(har(e))
    marker = doc["log"]["_harscrub"]
    assert marker["redacted"] == {"secret-field": 1} and marker["entries"] == 1
    assert marker["digest"].startswith("sha256:") and len(marker["rules"]) == 16


# -- values found by their context are weak (issue 12) --------------------------------------------
def test_a_value_found_by_its_context_is_removed_there_and_not_swept_when_plain() -> None:
    """``reset2024`` after ``password=`` in a page goes there; the same word elsewhere stays."""
    page = "<p>set DB_PASSWORD=reset2024 in .env</p>"
    e = entry(response__content={"size": 1, "mimeType": "text/html", "text": page},
              request__headers=[{"name": "X-Release", "value": "reset2024"}])
    out = sanitized(har(e))["log"]["entries"][0]
    assert "reset2024" not in out["response"]["content"]["text"]
    assert out["request"]["headers"][0]["value"] == "reset2024"


def test_a_random_value_found_by_its_context_is_swept_everywhere() -> None:
    page = f"<p>set DB_PASSWORD={SECRET} in .env</p>"
    e = entry(response__content={"size": 1, "mimeType": "text/html", "text": page},
              request__headers=[{"name": "X-Copy", "value": SECRET}])
    output, _ = run(har(e))
    assert_gone(output, SECRET)


@pytest.mark.parametrize("text", [
    '<a href="/reset?user=jane&amp;password=OidUjz.ONSKC88&amp;lang=fr-CA">reset</a>',
    "fetch('/reset?user=jane&password=OidUjz.ONSKC88&lang=fr-CA')",
])
def test_a_credential_parameter_in_a_relative_link_goes_its_neighbours_stay(text: str) -> None:
    e = entry(response__content={"size": 1, "mimeType": "text/html", "text": text})
    body = sanitized(har(e))["log"]["entries"][0]["response"]["content"]["text"]
    assert "OidUjz.ONSKC88" not in body
    assert "user=jane" in body and "lang=fr-CA" in body


@pytest.mark.parametrize("number", ["1.50", "123456789012345678901234567890", "1e400", "-0", "1E2", "2.5e-7", "42"])
def test_numbers_in_a_redacted_json_body_are_written_as_they_were(number: str) -> None:
    """A body rewritten because a secret left it keeps every other number's digits (a price's
    trailing zero, an id past 64 bits), and never becomes ``Infinity``."""
    body = '{"password": "Zx81kQ7vLp02NwY6tRb3", "n": ' + number + ', "list": [' + number + "]}"
    e = entry(request__method="POST", request__postData={"mimeType": "application/json", "text": body})
    text = sanitized(har(e))["log"]["entries"][0]["request"]["postData"]["text"]
    assert "Zx81kQ7vLp02NwY6tRb3" not in text
    assert text.endswith(f'"n": {number}, "list": [{number}]}}'), text
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the body"))
