import pytest

from jobsite.markdown import clean_text, markdown_to_text, render_markdown


def html(text):
    return str(render_markdown(text))


def test_plain_markdown_renders_to_allowed_tags():
    assert html("**fett** und *kursiv*\n\n- eins\n- zwei") == (
        "<p><strong>fett</strong> und <em>kursiv</em></p>\n<ul>\n<li>eins</li>\n<li>zwei</li>\n</ul>"
    )


def test_headings_start_below_the_page_title():
    assert (
        html("# Aufgaben\n\n### Profil\n\n###### Klein")
        == "<h2>Aufgaben</h2>\n<h3>Profil</h3>\n<h4>Klein</h4>"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src="x" onerror="alert(1)">', '<p>&lt;img src="x" onerror="alert(1)"&gt;</p>'),
        ('<a href="javascript:alert(1)">x</a>', '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>'),
        (
            '<div style="position:fixed">Overlay</div>',
            '<p>&lt;div style="position:fixed"&gt;Overlay&lt;/div&gt;</p>',
        ),
        ("<!-- versteckt -->", "<p>&lt;!-- versteckt --&gt;</p>"),
        (
            '<iframe src="https://evil.example"></iframe>',
            '<p>&lt;iframe src="https://evil.example"&gt;&lt;/iframe&gt;</p>',
        ),
    ],
)
def test_raw_html_is_shown_as_text_never_interpreted(source, expected):
    assert html(source) == expected


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#09;script:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_link_schemes_lose_their_href(link):
    result = html(f"[Klick]({link})")
    assert "href" not in result
    assert result == '<p><a rel="nofollow noopener ugc">Klick</a></p>'


def test_web_and_mail_links_survive_with_rel():
    assert html("[Seite](https://example.org/a?b=1) [Mail](mailto:jobs@example.org)") == (
        '<p><a href="https://example.org/a?b=1" rel="nofollow noopener ugc">Seite</a> '
        '<a href="mailto:jobs@example.org" rel="nofollow noopener ugc">Mail</a></p>'
    )


def test_attribute_injection_through_link_title_stays_inside_the_attribute():
    result = html('[x](https://a.example "t" onclick="alert(1)")')
    assert "onclick=" not in result.replace("onclick=&quot;", "")
    assert "<a " in result and 'href="https://a.example"' in result


def test_images_are_dropped():
    assert html("![Bild](https://example.org/x.png)") == "<p></p>"
    assert html("![x](javascript:alert(1))") == "<p></p>"


def test_code_blocks_escape_their_content():
    assert html("`<script>`") == "<p><code>&lt;script&gt;</code></p>"


def test_control_characters_and_xml_non_characters_are_removed():
    assert html("Hal\x00lo\x07 Welt\ufffe") == "<p>Hallo Welt</p>"
    assert clean_text("A\x0bB\x1fC\x7f\x85D") == "ABCD"


def test_empty_input():
    assert html("") == ""
    assert html(None) == ""


def test_plain_text_for_meta_descriptions():
    assert markdown_to_text("# Titel\n\nWir **suchen** <b>Sie</b> & Ihr Team.") == (
        "Titel Wir suchen <b>Sie</b> & Ihr Team."
    )
