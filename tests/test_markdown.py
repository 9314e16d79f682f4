from newsletter_pdf import markdown as md


def test_raw_html_is_printed_as_text_not_interpreted():
    html = md.render('Hi <script>alert(1)</script> <img src="x.png" onerror="alert(1)">\n\n<iframe src="x"></iframe>')
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_headings_sit_below_the_article_title():
    html = md.render("# One\n\n## Two\n\n### Three")
    assert "<h3>One</h3>" in html and "<h3>Two</h3>" in html and "<h4>Three</h4>" in html


def test_relative_images_resolve_against_the_article_folder(tmp_path):
    html = md.render("![alt text](pics/a.png)", tmp_path)
    assert f'src="{(tmp_path / "pics" / "a.png").as_uri()}"' in html


def test_image_sources_are_listed_for_checking():
    assert md.image_sources("![a](http://127.0.0.1/x.png) text ![b](c.png)") == ["http://127.0.0.1/x.png", "c.png"]


def test_dangerous_link_schemes_are_not_linked():
    html = md.render("[click](javascript:alert(1)) [file](file:///etc/passwd)")
    assert "href" not in html


def test_links_whose_words_are_not_the_address_are_marked_for_print():
    html = md.render("[our page](https://example.org/a) and <https://example.org/b> and https://example.org/c")
    assert '<a href="https://example.org/a" class="external">our page</a>' in html
    assert 'href="https://example.org/b">' in html and 'href="https://example.org/c">' in html
    assert html.count('class="external"') == 1


def test_typography_quotes_and_dashes():
    assert md.render('"Quoted" -- it\'s') == "<p>“Quoted” – it’s</p>\n"


def test_render_inline_has_no_paragraph():
    assert md.render_inline("*a* b") == "<em>a</em> b"
