"""Evidence checks: every good file accepted with its type and hash, every hostile one refused naming the file and
the reason, names kept exactly as given, links bounded."""

import hashlib
from collections import Counter

import pytest
from PIL import ImageFile

from app.domain import evidence_formats
from app.domain.errors import DomainError
from app.domain.evidence import (
    MAX_LINKS,
    MEDIA_TYPES,
    check_file,
    check_filename,
    check_link,
    check_link_count,
    format_size,
    matches_sha256,
    split_links,
)
from tests.evidence_corpus import GOOD, HOSTILE, JPEG, LIMIT, PDF, PNG, png


@pytest.mark.parametrize("good", GOOD, ids=[g.name for g in GOOD])
def test_good_files_are_accepted_with_type_size_and_hash(good):
    checked = check_file(good.name, good.data, LIMIT)
    assert checked.filename == good.name
    assert checked.media_type == good.media_type
    assert checked.size == len(good.data)
    assert checked.sha256 == hashlib.sha256(good.data).hexdigest()


def test_the_corpus_is_large_varied_and_covers_every_layer_and_type():
    assert len(HOSTILE) >= 60
    assert len({(h.name, h.data) for h in HOSTILE}) == len(HOSTILE)
    layers = Counter(h.layer for h in HOSTILE)
    assert set(layers) == {"name", "size", "type", "structure", "active", "polyglot"}
    assert min(count for layer, count in layers.items() if layer != "size") >= 8
    assert {g.name.rsplit(".", 1)[1].lower() for g in GOOD} == set(MEDIA_TYPES)


@pytest.mark.parametrize("hostile", HOSTILE, ids=[f"{i}-{h.layer}-{h.reason[:30]}" for i, h in enumerate(HOSTILE)])
def test_hostile_files_are_refused_naming_the_file_and_the_reason(hostile):
    with pytest.raises(DomainError) as refused:
        check_file(hostile.name, hostile.data, LIMIT)
    message = refused.value.message
    assert hostile.reason in message
    assert refused.value.field == "files"
    if hostile.layer != "name" and hostile.name.strip():
        assert message.startswith(f"{hostile.name} ")


@pytest.mark.parametrize(
    "name",
    ["Minutes 12.04.2021.pdf", "Café plan.docx", "quote's;and(brackets).pdf", "a" * 251 + ".pdf", "名前.txt"],
)
def test_names_are_kept_exactly_as_given(name):
    assert check_filename(name) == name


def test_the_name_limit_counts_utf8_bytes_not_characters():
    assert check_filename("é" * 125 + ".pdf")  # 254 bytes
    with pytest.raises(DomainError, match="longer than 255 bytes"):
        check_filename("é" * 126 + ".pdf")  # 256 bytes, 130 characters


def test_the_size_limit_is_exact():
    assert check_file("edge.pdf", PDF + b"%" * (LIMIT - len(PDF)), LIMIT).size == LIMIT
    with pytest.raises(DomainError, match="smaller than 256 KB"):
        check_file("edge.pdf", PDF + b"%" * (LIMIT - len(PDF) + 1), LIMIT)


def test_the_pixel_limit_is_checked_before_decoding(monkeypatch):
    monkeypatch.setattr(evidence_formats, "MAX_IMAGE_PIXELS", 40 * 30 - 1)
    with pytest.raises(DomainError, match="is 40 × 30 pixels, more than"):
        check_file("chart.png", png((40, 30)), LIMIT)
    monkeypatch.setattr(evidence_formats, "MAX_IMAGE_PIXELS", 40 * 30)
    assert check_file("chart.png", png((40, 30)), LIMIT)


def test_a_stored_file_is_matched_by_its_sha256():
    digest = hashlib.sha256(PNG).hexdigest()
    assert matches_sha256(PNG, digest)
    assert matches_sha256(PNG, digest.upper())
    assert not matches_sha256(PNG + b"\0", digest)
    assert not matches_sha256(PNG, "")


def test_size_is_written_for_people():
    assert format_size(812) == "812 bytes"
    assert format_size(20 * 1024 * 1024) == "20 MB"
    assert format_size(14 * 1024) == "14 KB"


@pytest.mark.parametrize("url", ["https://example.org/report", "http://intranet.example.org/a?b=c#d"])
def test_http_links_are_accepted(url):
    assert check_link(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(1)", "starting with http:// or https://"),
        ("ftp://example.org/file", "starting with http:// or https://"),
        ("file:///etc/passwd", "starting with http:// or https://"),
        ("example.org/report", "starting with http:// or https://"),
        ("https://", "starting with http:// or https://"),
        ("https://exa mple.org", "spaces or control characters"),
        ("https://example.org/\x00", "spaces or control characters"),
        ("https://user:secret@example.org/", "user name or password"),
        ("https://example.org/" + "a" * 2000, "2,000 characters"),
    ],
)
def test_bad_links_are_refused(url, problem):
    with pytest.raises(DomainError) as refused:
        check_link(url)
    assert problem in refused.value.message
    assert refused.value.field == "links"


def test_links_are_read_one_a_line_without_duplicates():
    text = "https://a.example.org\n\n https://b.example.org \nhttps://a.example.org\n"
    assert split_links(text) == ["https://a.example.org", "https://b.example.org"]


def test_a_proposal_holds_at_most_twenty_links_and_the_error_says_so():
    assert MAX_LINKS == 20
    check_link_count(0, 20)
    check_link_count(18, 2)
    with pytest.raises(DomainError) as refused:
        check_link_count(0, 21)
    assert refused.value.message == "Enter 20 links or fewer (you entered 21)"
    assert refused.value.field == "links"
    with pytest.raises(DomainError) as refused:
        check_link_count(18, 3)
    assert refused.value.message == "A proposal can have at most 20 links: it has 18 already, so enter 2 or fewer"


def test_a_cut_short_image_is_refused_even_when_weasyprint_has_relaxed_pillow(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing WeasyPrint does
    for name, data in (("cut.png", PNG[: len(PNG) // 2]), ("cut.jpg", JPEG[: len(JPEG) // 2])):
        with pytest.raises(DomainError, match="damaged or cut short"):
            check_file(name, data, LIMIT)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
