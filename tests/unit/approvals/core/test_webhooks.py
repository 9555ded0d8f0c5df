"""The pure part of webhooks: the Standard Webhooks signature, the retry schedule, and the
checks of a URL and of an address that need no network."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

import pytest

from approvals.core import webhooks

# The Standard Webhooks reference libraries' own vector: github.com/standard-webhooks/
# standard-webhooks, libraries/python/tests/test_webhooks.py, test_sign_function (the same
# secret, id, timestamp and payload appear in the other languages' tests).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_PAYLOAD = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_matches_the_specifications_published_vector() -> None:
    assert webhooks.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD) \
        == VECTOR_SIGNATURE
    # the prefix is only a label: the key is the base64 after it
    assert webhooks.sign(VECTOR_SECRET.removeprefix("whsec_"), VECTOR_ID, VECTOR_TIMESTAMP,
                         VECTOR_PAYLOAD) == VECTOR_SIGNATURE


def test_one_changed_byte_of_the_body_or_the_timestamp_changes_the_signature() -> None:
    assert webhooks.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP,
                         b'{"test": 2432232315}') != VECTOR_SIGNATURE
    assert webhooks.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP + 1,
                         VECTOR_PAYLOAD) != VECTOR_SIGNATURE


def test_a_rotated_secret_signs_beside_the_new_one_separated_by_a_space() -> None:
    other = "whsec_" + base64.b64encode(b"k" * 32).decode()
    header = webhooks.signature_header([other, VECTOR_SECRET], VECTOR_ID, VECTOR_TIMESTAMP,
                                       VECTOR_PAYLOAD)
    first, second = header.split(" ")
    assert second == VECTOR_SIGNATURE
    expected = hmac.new(b"k" * 32, f"{VECTOR_ID}.{VECTOR_TIMESTAMP}.".encode()
                        + VECTOR_PAYLOAD, hashlib.sha256).digest()
    assert first == "v1," + base64.b64encode(expected).decode()


def test_the_schedule_grows_and_then_repeats_its_longest_wait() -> None:
    waits = [webhooks.backoff(n) for n in range(1, 9)]
    assert waits[:6] == [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
                         timedelta(hours=2), timedelta(hours=5), timedelta(hours=10)]
    assert waits[6:] == [timedelta(hours=10)] * 2
    # within a day of its making a message gets its first try and six more
    elapsed, tries = timedelta(0), 1
    while elapsed + webhooks.backoff(tries) <= webhooks.LIFETIME:
        elapsed += webhooks.backoff(tries)
        tries += 1
    assert tries == 7


@pytest.mark.parametrize(("url", "code"), [
    ("ftp://files.example.com/hook", "webhook_url_scheme"),
    ("javascript:alert(1)", "webhook_url_scheme"),
    ("http://user:pass@crm.example.com/hook", "webhook_url_credentials"),
    ("https://token@crm.example.com/hook", "webhook_url_credentials"),
    ("https://crm.example.com/hook#part", "webhook_url_fragment"),
    ("https:///hook", "webhook_url_invalid"),
    ("https://crm.example.com:99999/hook", "webhook_url_invalid"),
    ("https://crm.example.com/a b", "webhook_url_invalid"),
    ("", "webhook_url_invalid"),
])
def test_a_url_is_refused_before_anything_is_looked_up(url: str, code: str) -> None:
    assert webhooks.url_problem(url)[0] == code


def test_http_and_https_urls_with_ports_and_queries_pass() -> None:
    for url in ("https://crm.example.com/hooks/signoff?source=1", "http://10.0.0.5:8080/h",
                "HTTPS://[2001:db8::1]/hook"):
        assert webhooks.url_problem(url) is None, url


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
    ("192.168.0.10", "private"), ("172.16.5.4", "private"), ("fd00::1", "private"),
    ("100.64.0.1", "private"), ("::ffff:10.0.0.1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"),
])
def test_inner_addresses_are_refused(address: str, kind: str) -> None:
    assert webhooks.address_problem(address, allow_private=False) == kind


def test_allowing_private_addresses_opens_loopback_and_private_ranges_only() -> None:
    for address in ("127.0.0.1", "10.1.2.3", "::1", "fd00::1"):
        assert webhooks.address_problem(address, allow_private=True) is None
    for address in ("169.254.169.254", "224.0.0.1", "0.0.0.0", "240.0.0.1"):
        assert webhooks.address_problem(address, allow_private=True) is not None
    for address in ("8.8.8.8", "2606:4700::1111"):
        assert webhooks.address_problem(address, allow_private=False) is None
