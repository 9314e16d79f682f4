"""Sending through a real SMTP server on loopback (aiosmtpd): one message each, and never twice."""

from __future__ import annotations

import email
import json
from email import policy

import pytest
from typer.testing import CliRunner

from newsletter_pdf.cli.app import app
from newsletter_pdf.distribute.send import log_path, send
from newsletter_pdf.errors import UserError, ValidationProblems
from newsletter_pdf.input.models import Smtp

runner = CliRunner()
PEOPLE = [(f"Member {n}", f"member{n}@example.org") for n in range(1, 6)]


def _members(path, people=PEOPLE):
    lines = ["name,email"] + [f"{name},{address}" for name, address in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _local(newsletter, port, **smtp):
    publication = newsletter.publication
    server = Smtp(host="127.0.0.1", port=port, security="none", per_minute=6000, **smtp)
    distribution = publication.distribution.model_copy(update={"smtp": server})
    return newsletter.model_copy(update={"publication": publication.model_copy(update={"distribution": distribution})})


def test_one_message_per_member_addressed_to_them(smtp_server, sample_mail, sample_build, tmp_path):
    mailbox, port = smtp_server
    mail, _ = sample_mail
    newsletter = _local(sample_build.newsletter, port)
    report = send(mail, newsletter, _members(tmp_path / "members.csv"), tmp_path, really=True)
    assert report.sent == [address for _, address in PEOPLE]
    assert sorted(mailbox.delivered_to()) == sorted(address for _, address in PEOPLE)
    ids = set()
    for mail_from, (rcpt,), data in mailbox.received:
        message = email.message_from_bytes(data, policy=policy.default)
        assert mail_from == "post@millbrook.example.org"
        assert message["To"].addresses[0].addr_spec == rcpt
        assert message["Subject"] == "The Millbrook Post, November 2025"
        assert any(p.get_content_type() == "application/pdf" for p in message.iter_attachments())
        ids.add(message["Message-ID"])
    assert len(ids) == len(PEOPLE)  # each message its own Message-ID


def test_a_refusal_is_retried_on_the_rerun_and_nobody_gets_two(smtp_server, sample_mail, sample_build, tmp_path):
    mailbox, port = smtp_server
    mail, _ = sample_mail
    newsletter = _local(sample_build.newsletter, port)
    members = _members(tmp_path / "members.csv")
    mailbox.refuse = {"member3@example.org"}
    first = send(mail, newsletter, members, tmp_path, really=True)
    assert list(first.failed) == ["member3@example.org"]
    assert "550" in first.failed["member3@example.org"]
    assert len(first.sent) == 4
    mailbox.refuse = set()
    second = send(mail, newsletter, members, tmp_path, really=True)
    assert second.sent == ["member3@example.org"]
    assert len(second.already_sent) == 4
    delivered = mailbox.delivered_to()
    assert sorted(delivered) == sorted(address for _, address in PEOPLE)  # everyone once, nobody twice


def test_a_crash_mid_run_resumes_without_a_second_copy(smtp_server, sample_mail, sample_build, tmp_path):
    mailbox, port = smtp_server
    mail, _ = sample_mail
    newsletter = _local(sample_build.newsletter, port)
    members = _members(tmp_path / "members.csv")
    mailbox.hang_up_on = {"member3@example.org"}
    first = send(mail, newsletter, members, tmp_path, really=True)
    assert first.sent == ["member1@example.org", "member2@example.org"]
    assert first.stopped and first.unconfirmed == ["member3@example.org"]
    mailbox.hang_up_on = set()
    second = send(mail, newsletter, members, tmp_path, really=True)
    assert second.sent == ["member4@example.org", "member5@example.org"]
    assert second.unconfirmed == ["member3@example.org"]  # maybe delivered: not sent again by default
    third = send(mail, newsletter, members, tmp_path, really=True, resend_unconfirmed=True)
    assert third.sent == ["member3@example.org"]
    assert sorted(mailbox.delivered_to()) == sorted(address for _, address in PEOPLE)
    statuses = [json.loads(line)["status"] for line in log_path(tmp_path, newsletter).read_text().splitlines()]
    assert statuses.count("sent") == 5


def test_a_dry_run_sends_nothing(smtp_server, sample_mail, sample_build, tmp_path):
    mailbox, port = smtp_server
    mail, _ = sample_mail
    report = send(mail, _local(sample_build.newsletter, port), _members(tmp_path / "m.csv"), tmp_path)
    assert report.dry_run and len(report.to_send) == 5
    assert mailbox.received == [] and not log_path(tmp_path, sample_build.newsletter).exists()


def test_the_rate_limit_spaces_the_messages(smtp_server, sample_mail, sample_build, tmp_path):
    _mailbox, port = smtp_server
    mail, _ = sample_mail
    newsletter = _local(sample_build.newsletter, port)
    smtp = newsletter.publication.distribution.smtp.model_copy(update={"per_minute": 120})
    distribution = newsletter.publication.distribution.model_copy(update={"smtp": smtp})
    newsletter = newsletter.model_copy(
        update={"publication": newsletter.publication.model_copy(update={"distribution": distribution})}
    )
    waits: list[float] = []
    send(mail, newsletter, _members(tmp_path / "m.csv"), tmp_path, really=True, sleep=waits.append)
    assert len(waits) == 4 and all(0.3 < w <= 0.5 for w in waits)  # 120 a minute: 0.5 s apart


def test_plain_smtp_to_another_machine_is_refused_before_connecting(sample_mail, sample_build, tmp_path):
    mail, _ = sample_mail
    newsletter = sample_build.newsletter
    publication = newsletter.publication
    smtp = Smtp(host="smtp.example.org", security="none")
    distribution = publication.distribution.model_copy(update={"smtp": smtp})
    remote = newsletter.model_copy(
        update={"publication": publication.model_copy(update={"distribution": distribution})}
    )
    with pytest.raises(UserError, match="encrypted connection"):
        send(mail, remote, _members(tmp_path / "m.csv"), tmp_path, really=True)


def test_the_password_comes_only_from_the_environment(sample_mail, sample_build, tmp_path, monkeypatch):
    mail, _ = sample_mail
    monkeypatch.delenv("NEWSLETTER_PDF_SMTP_PASSWORD", raising=False)
    newsletter = _local(sample_build.newsletter, 2525, username="post")
    with pytest.raises(UserError, match="NEWSLETTER_PDF_SMTP_PASSWORD"):
        send(mail, newsletter, _members(tmp_path / "m.csv"), tmp_path, really=True)
    report = send(mail, newsletter, _members(tmp_path / "m.csv"), tmp_path)  # a dry run warns
    assert "NEWSLETTER_PDF_SMTP_PASSWORD" in report.warnings[0]


def test_a_bad_address_in_the_list_is_located_at_row_and_column(sample_mail, sample_build, tmp_path):
    mail, _ = sample_mail
    members = tmp_path / "m.csv"
    members.write_text("name,email\nAda,ada@example.org\nBob,bob-at-example\n", encoding="utf-8")
    with pytest.raises(ValidationProblems) as caught:
        send(mail, _local(sample_build.newsletter, 2525), members, tmp_path)
    (problem,) = caught.value.problems
    assert (problem.location.line, problem.location.column, problem.field) == (3, 2, "email")


def test_the_command_dry_runs_then_sends_once(editable_issue, tmp_path, smtp_server, monkeypatch):
    mailbox, port = smtp_server
    result = runner.invoke(app, ["mail", str(editable_issue), "--send"])
    assert result.exit_code == 2  # --send needs --to
    newsletter_yaml = editable_issue.parent / "newsletter.yaml"
    text = newsletter_yaml.read_text()
    start = text.index("  smtp:")
    newsletter_yaml.write_text(
        text[:start] + f"  smtp: {{host: 127.0.0.1, port: {port}, security: none, per_minute: 6000}}\n"
    )
    members = _members(tmp_path / "members.csv")
    out = tmp_path / "out"
    command = ["mail", str(editable_issue), "-o", str(out), "--to", str(members)]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "Dry run: would send 5 message(s)" in result.output
    assert mailbox.received == [] and not (out / "the-millbrook-post-2025-11-sent.jsonl").exists()
    result = runner.invoke(app, [*command, "--send"])
    assert result.exit_code == 0, result.output
    assert "Sent 5 message(s)" in result.output
    assert len(mailbox.received) == 5


def test_the_login_uses_the_password_from_the_environment(
    smtp_auth_server, sample_mail, sample_build, tmp_path, monkeypatch
):
    mailbox, port, logins = smtp_auth_server
    mail, _ = sample_mail
    monkeypatch.setenv("MILLBROOK_SMTP", "s3cret from env")
    newsletter = _local(sample_build.newsletter, port, username="post", password_env="MILLBROOK_SMTP")
    report = send(mail, newsletter, _members(tmp_path / "m.csv", PEOPLE[:2]), tmp_path, really=True)
    assert report.sent == ["member1@example.org", "member2@example.org"]
    assert logins == [(b"post", b"s3cret from env")]
    monkeypatch.setenv("MILLBROOK_SMTP", "wrong")
    with pytest.raises(UserError, match="could not connect"):
        send(mail, newsletter, _members(tmp_path / "n.csv", PEOPLE[2:3]), tmp_path, really=True)
    assert len(mailbox.received) == 2


def test_starttls_is_required_when_asked_for_and_the_server_lacks_it(smtp_server, sample_mail, sample_build, tmp_path):
    mailbox, port = smtp_server  # aiosmtpd without a certificate offers no STARTTLS
    mail, _ = sample_mail
    newsletter = _local(sample_build.newsletter, port)
    smtp = newsletter.publication.distribution.smtp.model_copy(update={"security": "starttls"})
    distribution = newsletter.publication.distribution.model_copy(update={"smtp": smtp})
    newsletter = newsletter.model_copy(
        update={"publication": newsletter.publication.model_copy(update={"distribution": distribution})}
    )
    with pytest.raises(UserError, match="does not offer STARTTLS"):
        send(mail, newsletter, _members(tmp_path / "m.csv"), tmp_path, really=True)
    assert mailbox.received == []
    assert not log_path(tmp_path, newsletter).exists()


def test_a_password_in_newsletter_yaml_is_refused_with_a_located_reason(editable_issue):
    newsletter_yaml = editable_issue.parent / "newsletter.yaml"
    text = newsletter_yaml.read_text().replace("per_minute: 30}", "per_minute: 30, password: hunter2}")
    newsletter_yaml.write_text(text)
    result = runner.invoke(app, ["check", str(editable_issue)])
    assert result.exit_code == 1
    line = text[: text.index("password: hunter2")].count("\n") + 1
    assert f"newsletter.yaml:{line}:" in result.output
    assert "never read from a file" in result.output
