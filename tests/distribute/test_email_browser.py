"""The HTML email in a real browser (Debian's chromium, headless, driven by Playwright): at phone and
desktop widths nothing runs off the side, and screenshots are kept for a person to look at."""

from __future__ import annotations

import base64

import pytest

from support.browser import chromium

WIDTHS = {"phone": 375, "desktop": 1024}


def with_inline_images(message) -> str:
    """The HTML part with each cid: picture turned into a data: URL, as a mail client shows it."""
    html = message.get_body(("html",)).get_content()
    for part in message.walk():
        cid = part.get("Content-ID")
        if cid:
            data = base64.b64encode(part.get_content()).decode()
            html = html.replace(f"cid:{cid.strip('<>')}", f"data:{part.get_content_type()};base64,{data}")
    return html


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium (support/browser.py): skipped where missing, except in CI."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def shots_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("email-screenshots")


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_the_email_fits_the_screen_and_shows_its_cover(browser, sample_mail, shots_dir, width):
    _, message = sample_mail
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.route("**/*", lambda route: route.abort())  # nothing is fetched: the email must stand alone
        page.set_content(with_inline_images(message), wait_until="load")
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, f"{scroll_width - client_width} px of horizontal overflow at {width} px"
        # No element pokes out past the right edge either (an overflow hidden by the body would not scroll).
        wider = page.evaluate(
            "Array.from(document.querySelectorAll('body *')).filter(e => e.offsetParent !== null && "
            "e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).map(e => e.tagName)"
        )
        assert wider == []
        cover = page.evaluate(
            "(() => { const i = document.querySelector('img'); return [i.complete, i.naturalWidth, i.getBoundingClientRect().width]; })()"
        )
        assert cover[0] and cover[1] == 600 and 100 < cover[2] <= min(width, 302)  # 300 px and a 1 px border
        sheet = page.evaluate("document.querySelector('.sheet').getBoundingClientRect().width")
        assert sheet <= min(width, 600)
        page.screenshot(path=str(shots_dir / f"email-{width}.png"), full_page=True)
    finally:
        page.close()


@pytest.fixture(scope="module")
def stress_mail(stress_build):
    """The generated stress issue (long unbreakable words and URLs, several scripts) as an email."""
    import email
    from email import policy

    from newsletter_pdf.distribute.mail import compose
    from newsletter_pdf.input.models import Distribution

    newsletter = stress_build.newsletter
    distribution = Distribution.model_validate({"from": "Stress Test <news@stress.example.org>"})
    publication = newsletter.publication.model_copy(update={"distribution": distribution})
    pdf = stress_build.pdf
    data = compose(newsletter.model_copy(update={"publication": publication}), pdf.read_bytes(), pdf.name).as_bytes()
    return email.message_from_bytes(data, policy=policy.default)


@pytest.mark.parametrize("width", list(WIDTHS.values()), ids=list(WIDTHS))
def test_content_we_did_not_write_fits_the_screen_too(browser, stress_mail, shots_dir, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.route("**/*", lambda route: route.abort())
        page.set_content(with_inline_images(stress_mail), wait_until="load")
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, f"{scroll_width - client_width} px of horizontal overflow at {width} px"
        page.screenshot(path=str(shots_dir / f"stress-email-{width}.png"), full_page=True)
    finally:
        page.close()


def test_the_check_fails_on_an_email_that_overflows(browser, sample_mail):
    """A fixed 900 px wide table must be caught at phone width."""
    _, message = sample_mail
    html = with_inline_images(message).replace('width="600"', 'width="900" style="min-width: 900px"', 1)
    page = browser.new_page(viewport={"width": 375, "height": 900})
    try:
        page.set_content(html)
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width > client_width
    finally:
        page.close()
