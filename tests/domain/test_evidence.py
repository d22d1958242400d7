"""Evidence checks: every good file accepted with its type and hash, every bad one refused naming the problem."""

import hashlib

import pytest

from app.domain.errors import DomainError
from app.domain.evidence import check_file, check_link, format_size, safe_filename, split_links
from tests.proposals.evidence_corpus import BAD, GOOD, LIMIT, PDF


@pytest.mark.parametrize(("name", "data", "media_type"), GOOD, ids=[g[0] for g in GOOD])
def test_good_files_are_accepted_with_type_size_and_hash(name, data, media_type):
    checked = check_file(name, data, LIMIT)
    assert checked.media_type == media_type
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_the_corpus_of_bad_files_is_large_and_varied():
    assert len(BAD) >= 30
    assert len({(name, data) for name, data, _ in BAD}) == len(BAD)


@pytest.mark.parametrize(("name", "data", "problem"), BAD, ids=[f"{i}-{b[2]}" for i, b in enumerate(BAD)])
def test_bad_files_are_refused_naming_the_problem(name, data, problem):
    with pytest.raises(DomainError) as refused:
        check_file(name, data, LIMIT)
    assert problem in refused.value.message
    assert refused.value.field == "files"


@pytest.mark.parametrize(("name", "data", "problem"), BAD[:12])
def test_refusals_name_the_file(name, data, problem):
    with pytest.raises(DomainError) as refused:
        check_file(name, data, LIMIT)
    assert safe_filename(name) in refused.value.message


def test_the_limit_is_exact():
    assert check_file("edge.pdf", PDF + b"0" * (LIMIT - len(PDF)), LIMIT).size == LIMIT
    with pytest.raises(DomainError, match="smaller than 256 KB"):
        check_file("edge.pdf", PDF + b"0" * (LIMIT - len(PDF) + 1), LIMIT)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Minutes 12.04.2021.pdf", "Minutes 12.04.2021.pdf"),
        ("  spaced   out .pdf ", "spaced out .pdf"),
        ('quote"s;and<angle>.pdf', "quote_s_and_angle_.pdf"),
        ("Café plan.docx", "Café plan.docx"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_names_are_made_safe(given, kept):
    assert safe_filename(given) == kept


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
