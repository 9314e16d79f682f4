"""Fixtures for the email edition: one composed message from the session's sample build, and a real
SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage

import pytest


@pytest.fixture(scope="session")
def sample_mail(sample_build, tmp_path_factory):
    """The sample issue's email edition, composed from the session's email PDF: (path, parsed message)."""
    from newsletter_pdf.distribute.mail import MailResult, compose

    pdf = sample_build.output("email").path
    mail = compose(sample_build.newsletter, pdf.read_bytes(), pdf.name)
    path = tmp_path_factory.mktemp("mail") / "sample.eml"
    data = mail.as_bytes()
    path.write_bytes(data)
    parsed = email.message_from_bytes(data, _class=EmailMessage, policy=policy.default)
    result = MailResult(path, len(data), pdf, mail.subject, len(sample_build.newsletter.issue.articles))
    return result, parsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps what it receives; `refuse` lists addresses answered 550,
    `hang_up_on` an address whose message makes the server drop the connection (a crash)."""

    def __init__(self):
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.hang_up_on: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        rcpts = [r.lower() for r in envelope.rcpt_tos]
        if any(r in self.refuse for r in rcpts):
            return "550 mailbox unavailable"
        if any(r in self.hang_up_on for r in rcpts):
            server.transport.close()  # the connection breaks mid-exchange, like a crash
            return "421 closing"
        self.received.append((envelope.mail_from, rcpts, envelope.content))
        return "250 OK"

    def delivered_to(self) -> list[str]:
        return [r for _, rcpts, _ in self.received for r in rcpts]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for one test: (mailbox, port)."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def smtp_auth_server():
    """A loopback SMTP server that wants a login (post / the password below): (mailbox, port, logins)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    mailbox, logins = Mailbox(), []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        ok = auth_data.login == b"post" and auth_data.password == b"s3cret from env"
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 on failure

    port = free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        yield mailbox, port, logins
    finally:
        controller.stop()
