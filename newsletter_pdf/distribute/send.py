"""Sending the email edition: one message per member over SMTP, rate-limited, resumable, never twice.

Every attempt is written to a JSON-lines log beside the outputs before and after it is made:
`sending`, then `sent` or `failed`. A rerun skips whoever was `sent`, retries whoever `failed`
(the server refused: nothing was delivered), and skips whoever has a `sending` with no outcome
(the connection broke mid-message: the server may have delivered it) unless told to resend them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path

from newsletter_pdf.distribute.mail import EML_POLICY, MailResult, distribution_of
from newsletter_pdf.distribute.members import Recipient, read_recipients
from newsletter_pdf.errors import UserError
from newsletter_pdf.input.models import Newsletter, Smtp

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
TIMEOUT = 60  # seconds for each exchange with the server


@dataclass
class SendReport:
    dry_run: bool
    log: Path
    server: str
    to_send: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unconfirmed: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped early (the connection broke)
    warnings: list[str] = field(default_factory=list)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def log_path(out_dir: Path, newsletter: Newsletter) -> Path:
    return out_dir / f"{newsletter.slug}-{newsletter.issue.date}-sent.jsonl"


def read_log(path: Path) -> dict[str, str]:
    """The last status of each address (lower case) in the log: sending, sent or failed."""
    status: dict[str, str] = {}
    if not path.exists():
        return status
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            status[entry["to"].lower()] = entry["status"]
        except (ValueError, KeyError, AttributeError):
            raise UserError(f"{path}:{number}: this line of the sending log is damaged; fix or remove it.") from None
    return status


class _Log:
    """Append-only, flushed to disk at each line: what it says survives a crash."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.stream = path.open("a", encoding="utf-8")

    def write(self, to: str, status: str, message_id: str, error: str | None = None) -> None:
        entry = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "to": to, "status": status}
        entry["message_id"] = message_id
        if error:
            entry["error"] = error
        self.stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.stream.flush()
        os.fsync(self.stream.fileno())

    def close(self) -> None:
        self.stream.close()


def smtp_of(newsletter: Newsletter) -> Smtp:
    """The configured server, checked to be encrypted or on this machine."""
    smtp = distribution_of(newsletter).smtp
    if smtp is None:
        raise UserError(f"{newsletter.publication_file}: `distribution:` has no `smtp:` server to send through.")
    check_security(smtp)
    return smtp


def check_security(smtp: Smtp) -> None:
    if smtp.security == "none" and smtp.host.lower() not in LOCAL_HOSTS:
        raise UserError(
            f"distribution.smtp.security is 'none' for {smtp.host}: mail to another machine must go over "
            "an encrypted connection. Use security: starttls (port 587) or tls (port 465)."
        )


def password_for(smtp: Smtp) -> str | None:
    if not smtp.username:
        return None
    password = os.environ.get(smtp.password_env)
    if not password:
        raise UserError(
            f"the SMTP password for {smtp.username} is read from the environment variable {smtp.password_env}, "
            "which is not set. Set it in the shell that sends (it is never read from a file)."
        )
    return password


def connect(smtp: Smtp) -> smtplib.SMTP:
    """An open, encrypted (or local) and logged-in connection."""
    check_security(smtp)
    password = password_for(smtp)
    context = ssl.create_default_context()
    try:
        if smtp.security == "tls":
            server: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.effective_port, timeout=TIMEOUT, context=context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.effective_port, timeout=TIMEOUT)
        server.ehlo()
        if smtp.security == "starttls":
            if not server.has_extn("starttls"):
                server.close()
                raise UserError(f"{smtp.host} does not offer STARTTLS; nothing was sent (security: starttls).")
            server.starttls(context=context)
            server.ehlo()
        if smtp.username and password is not None:
            server.login(smtp.username, password)
    except (OSError, smtplib.SMTPException) as exc:
        raise UserError(f"could not connect to {smtp.host}:{smtp.effective_port}: {exc}. Nothing was sent.") from None
    return server


def personalise(base: bytes, recipient: Recipient) -> EmailMessage:
    """The common message addressed to one member, with its own Message-ID."""
    message = message_from_bytes(base, _class=EmailMessage, policy=EML_POLICY)
    message["To"] = formataddr((recipient.name, recipient.email)) if recipient.name else recipient.email
    local, domain = str(message["Message-ID"]).strip("<> ").rsplit("@", 1)
    tag = hashlib.sha256(recipient.email.lower().encode()).hexdigest()[:12]
    message.replace_header("Message-ID", f"<{local}.{tag}@{domain}>")
    return message


def send(
    mail: MailResult,
    newsletter: Newsletter,
    members_csv: Path | str,
    out_dir: Path | str,
    *,
    really: bool = False,
    resend_unconfirmed: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send mail.path to every member not yet sent it; a dry run (really=False) only says what it would do."""
    distribution = distribution_of(newsletter)
    smtp = smtp_of(newsletter)
    recipients = read_recipients(members_csv)
    path = log_path(Path(out_dir), newsletter)
    status = read_log(path)
    report = SendReport(not really, path, f"{smtp.host}:{smtp.effective_port} ({smtp.security})")
    queue = []
    for recipient in recipients:
        state = status.get(recipient.email.lower())
        if state == "sent":
            report.already_sent.append(recipient.email)
        elif state == "sending" and not resend_unconfirmed:
            report.unconfirmed.append(recipient.email)
        else:
            queue.append(recipient)
    report.to_send = [r.email for r in queue]
    if not really:
        try:
            password_for(smtp)
        except UserError as exc:  # a dry run says so, and goes on
            report.warnings.append(str(exc))
    if not really or not queue:
        return report

    base = mail.path.read_bytes()
    sender = parseaddr(distribution.sender)[1]
    interval = 60.0 / smtp.per_minute
    server = connect(smtp)
    log = _Log(path)
    last = None

    def refused(recipient: Recipient, message_id: str, reason: str) -> None:
        """The server said no: nothing was delivered, and a rerun tries again."""
        log.write(recipient.email, "failed", message_id, reason)
        report.failed[recipient.email] = reason
        progress(f"Refused {recipient.email}: {reason}")

    try:
        for recipient in queue:
            if last is not None:
                sleep(max(0.0, last + interval - time.monotonic()))
            message = personalise(base, recipient)
            message_id = str(message["Message-ID"])
            log.write(recipient.email, "sending", message_id)
            last = time.monotonic()
            try:
                rejected = server.send_message(message, from_addr=sender, to_addrs=[recipient.email])
            except smtplib.SMTPResponseException as exc:
                refused(recipient, message_id, f"{exc.smtp_code} {_text(exc.smtp_error)}")
                if exc.smtp_code == 421:  # the server is closing the connection
                    report.stopped = report.failed[recipient.email]
                    break
                continue
            except smtplib.SMTPRecipientsRefused as exc:
                refused(recipient, message_id, "; ".join(f"{c} {_text(m)}" for c, m in exc.recipients.values()))
                continue
            except (OSError, smtplib.SMTPException) as exc:  # the connection broke: the outcome is unknown
                report.unconfirmed.append(recipient.email)
                report.stopped = f"{type(exc).__name__}: {exc}"
                break
            if rejected:
                refused(recipient, message_id, "; ".join(f"{c} {_text(m)}" for c, m in rejected.values()))
                continue
            log.write(recipient.email, "sent", message_id)
            report.sent.append(recipient.email)
            progress(f"Sent to {recipient.email}")
    finally:
        log.close()
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return report


def send_issue(
    issue_dir: Path | str,
    members_csv: Path | str,
    out_dir: Path | str = "out",
    *,
    really: bool = False,
    resend_unconfirmed: bool = False,
    budget: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[MailResult, SendReport]:
    """Write the .eml (see mail.write_mail), then send it to the members (a dry run unless really)."""
    from newsletter_pdf.distribute.mail import write_mail
    from newsletter_pdf.input.loader import load

    newsletter = load(issue_dir)
    smtp_of(newsletter)  # a missing or unencrypted server and a bad list are reported before typesetting
    read_recipients(members_csv)
    options = {"budget": budget} if budget else {}
    mail = write_mail(issue_dir, out_dir, progress=progress, **options)
    report = send(
        mail, newsletter, members_csv, out_dir, really=really, resend_unconfirmed=resend_unconfirmed, progress=progress
    )
    return mail, report
