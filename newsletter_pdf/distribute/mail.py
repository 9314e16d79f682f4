"""The email edition: one standard MIME message (.eml) with a plain-text part, a responsive HTML
newsletter (CSS inlined, cover picture inline by cid:) and the email PDF attached."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

import jinja2

from newsletter_pdf.distribute import content
from newsletter_pdf.distribute.wording import direction, month_year, words
from newsletter_pdf.errors import UserError
from newsletter_pdf.input.models import Distribution, Newsletter
from newsletter_pdf.limits import DEFAULT_EMAIL_BUDGET

COVER_WIDTH = 600  # px: shown at 300 px, sharp on high-density screens
COVER_QUALITY = 80
TEMPLATES = Path(__file__).parent / "templates"
# The .eml is written with CRLF line ends and 78-column folding, as it travels over SMTP.
EML_POLICY = policy.SMTP


@dataclass
class Mail:
    """A composed message and what went into it."""

    message: EmailMessage
    subject: str
    domain: str

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=EML_POLICY)


@dataclass
class MailResult:
    path: Path
    size: int
    pdf: Path
    subject: str
    articles: int


@functools.cache
def _environment() -> jinja2.Environment:
    from newsletter_pdf.render.html import display_url
    from newsletter_pdf.render.templates import ContainedLoader, Sandbox

    # Sandboxed like every template; the plain-text part is not HTML-escaped.
    env = Sandbox(
        loader=ContainedLoader((str(TEMPLATES),), (TEMPLATES.resolve(),)),
        autoescape=jinja2.select_autoescape(["html.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["display_url"] = display_url
    return env


def distribution_of(newsletter: Newsletter) -> Distribution:
    distribution = newsletter.publication.distribution
    if distribution is None:
        raise UserError(
            f"{newsletter.publication_file} has no `distribution:` section; the email needs at least "
            "`distribution: {from: 'Name <address>'}` (see README, 'The email edition')."
        )
    return distribution


def subject_of(newsletter: Newsletter) -> str:
    issue, publication = newsletter.issue, newsletter.publication
    return distribution_of(newsletter).subject.format(
        name=publication.name,
        month=month_year(issue, publication.language),
        volume=issue.volume,
        number=issue.number,
    )


def _context(newsletter: Newsletter, subject: str, cover_cid: str) -> dict:
    from newsletter_pdf.render.layouts import load_layout

    publication, issue = newsletter.publication, newsletter.issue
    distribution = distribution_of(newsletter)
    labels = words(publication)
    month = month_year(issue, publication.language)
    teasers = content.teasers(newsletter)
    unsubscribe = distribution.unsubscribe
    return {
        "language": publication.language,
        "direction": direction(publication.language),
        "subject": subject,
        "name": publication.name,
        "tagline": publication.tagline,
        "month": month,
        "volume_number": labels["volume_number"].format(volume=issue.volume, number=issue.number),
        "words": labels,
        "teasers": teasers,
        "preheader": labels["preheader"].format(month=month, titles="; ".join(t.title for t in teasers)),
        "cover_cid": cover_cid,
        "cover_alt": labels["cover_alt"].format(name=publication.name, month=month),
        "website": publication.address.website,
        "about_title": publication.about.title,
        "about_line": content.about_line(newsletter),
        "address": publication.address,
        "why_received": labels["why_received"].format(name=publication.name),
        "unsubscribe": unsubscribe,
        "unsubscribe_text": unsubscribe.removeprefix("mailto:") if unsubscribe else None,
        "colors": load_layout(publication.layout).colors,
    }


def html_part(context: dict) -> str:
    """The HTML newsletter with its CSS inlined by css-inline (media queries stay in a <style>)."""
    import css_inline

    html = _environment().get_template("email.html.j2").render(context)
    return css_inline.CSSInliner(keep_at_rules=True).inline(html)


def text_part(context: dict) -> str:
    return _environment().get_template("email.txt.j2").render(context).strip() + "\n"


def cover_thumbnail(pdf: bytes, width: int = COVER_WIDTH) -> bytes:
    """Page 1 of the PDF as a small JPEG (pypdfium2)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
    finally:
        document.close()
    if image.width != width:
        image = image.resize((width, round(image.height * width / image.width)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=COVER_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def compose(newsletter: Newsletter, pdf: bytes, pdf_name: str) -> Mail:
    """The whole message; the same inputs give the same bytes (boundaries and Message-ID from the content)."""
    distribution = distribution_of(newsletter)
    issue = newsletter.issue
    subject = subject_of(newsletter)
    digest = hashlib.sha256(pdf + subject.encode()).hexdigest()
    domain = parseaddr(distribution.sender)[1].rsplit("@", 1)[1]
    cover_cid = f"cover.{newsletter.slug}.{issue.date}@{domain}"
    context = _context(newsletter, subject, cover_cid)

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = distribution.sender
    if distribution.reply_to:
        message["Reply-To"] = distribution.reply_to
    message["Date"] = format_datetime(dt.datetime(issue.year, issue.month, 1, 8, 0, tzinfo=dt.UTC))
    message["Message-ID"] = f"<{issue.date}.{digest[:16]}@{domain}>"
    if distribution.unsubscribe:
        message["List-Unsubscribe"] = f"<{distribution.unsubscribe}>"
        if distribution.unsubscribe.startswith("https:"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058

    message.set_content(text_part(context))
    message.add_alternative(html_part(context), subtype="html")
    html = message.get_body(("html",))
    assert isinstance(html, EmailMessage)
    html.add_related(
        cover_thumbnail(pdf), "image", "jpeg", cid=f"<{cover_cid}>", filename="cover.jpg", disposition="inline"
    )
    message.add_attachment(pdf, "application", "pdf", filename=pdf_name)
    message["Content-Language"] = newsletter.publication.language  # after add_attachment, which moves Content-*
    for index, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_part{index}_{digest[:24]}")
    return Mail(message, subject, domain)


def write_mail(
    issue_dir: Path | str,
    out_dir: Path | str = "out",
    *,
    budget: int = DEFAULT_EMAIL_BUDGET,
    progress: Callable[[str], None] = lambda _: None,
) -> MailResult:
    """Build the email PDF and write OUT/<slug>-<YYYY-MM>.eml beside it; refuse a message over budget."""
    from newsletter_pdf.files import write_atomically
    from newsletter_pdf.input.loader import load
    from newsletter_pdf.pipeline import build

    out_dir = Path(out_dir)
    distribution_of(load(issue_dir))  # say so before typesetting when the section is missing
    built = build(issue_dir, out_dir, profiles=["email"], progress=progress)
    newsletter = built.newsletter
    pdf_path = built.pdf
    mail = compose(newsletter, pdf_path.read_bytes(), pdf_path.name)
    data = mail.as_bytes()
    if len(data) > budget:
        raise UserError(
            f"the email would be {len(data) / 1e6:.1f} MB, over the budget of {budget / 1e6:.1f} MB "
            "(most of it is the PDF: use smaller pictures). Nothing was written."
        )
    target = write_atomically(out_dir / f"{newsletter.slug}-{newsletter.issue.date}.eml", data)
    return MailResult(target, len(data), pdf_path, mail.subject, len(newsletter.issue.articles))
