"""Push service origins: what an endpoint's origin is, and which origins are allowed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.push.config import _origin_of_head, origin_allowed, origin_of


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", "https://fcm.googleapis.com"),
        (
            "https://UPDATES.Push.Services.Mozilla.com/wpush/v2/x",
            "https://updates.push.services.mozilla.com",
        ),
        ("https://web.push.apple.com:443/Q", "https://web.push.apple.com"),
        ("http://127.0.0.1:8080/push/1", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:80/push/1", "http://127.0.0.1"),
        ("https://host?query", "https://host"),
        ("https://host#fragment", "https://host"),
        ("https://user:secret@host/push", ""),  # credentials in a push endpoint: refused
        ("ftp://host/push", ""),
        ("https:///no-host", ""),
        ("https://host:99999/push", ""),  # no such port
        ("not a url", ""),
        ("", ""),
    ],
)
def test_an_endpoints_origin_is_its_scheme_host_and_port(url, origin):
    assert origin_of(url) == origin


@given(
    st.sampled_from(["https", "http", "HTTPS", "ftp", ""]),
    st.text("abcXYZ.:@[]0123456789-", max_size=20),
    st.text("/?#abc:@", max_size=12),
)
def test_the_cached_origin_matches_reading_the_whole_url(scheme, authority, rest):
    url = f"{scheme}://{authority}{rest}"
    # The same reading, uncached, of the whole URL: what origin_of did before it cached.
    assert origin_of(url) == _origin_of_head.__wrapped__(url)


def test_only_listed_push_services_and_their_subdomains_are_allowed():
    services = ("https://fcm.googleapis.com", "https://*.push.apple.com")
    assert origin_allowed("https://fcm.googleapis.com", services)
    assert origin_allowed("https://web.push.apple.com", services)
    assert not origin_allowed("https://push.apple.com.evil.example", services)
    assert not origin_allowed("http://web.push.apple.com", services)
    assert not origin_allowed("", services)
