"""The virus-scan hook against a stand-in clamd: clean files pass, flagged ones and an absent scanner refuse."""

import pytest

from app.domain.errors import DomainError
from app.services.virus_scan import ClamdScanner, scanner_for
from tests.clamd_stub import EICAR_SIGNATURE, ClamdStub, closed_tcp_address
from tests.evidence_corpus import EICAR, PDF


@pytest.fixture
def unix_clamd(tmp_path):
    with ClamdStub(path=str(tmp_path / "clamd.sock")) as stub:
        yield stub


@pytest.fixture
def tcp_clamd():
    with ClamdStub() as stub:
        yield stub


@pytest.mark.parametrize("transport", ["unix_clamd", "tcp_clamd"])
def test_a_clean_file_is_streamed_whole_and_passes(request, transport):
    stub = request.getfixturevalue(transport)
    data = PDF * 5  # several of the client's chunks
    ClamdScanner(stub.address, timeout=5).check("minutes.pdf", data)
    assert stub.received == [data]


@pytest.mark.parametrize("transport", ["unix_clamd", "tcp_clamd"])
def test_a_flagged_file_is_refused_naming_the_file_and_the_finding(request, transport):
    stub = request.getfixturevalue(transport)
    with pytest.raises(DomainError) as refused:
        ClamdScanner(stub.address, timeout=5).check("notes.txt", b"Notes\n" + EICAR)
    assert refused.value.message == f"notes.txt was refused by the virus scanner: it found {EICAR_SIGNATURE}"
    assert refused.value.field == "files"


def test_unix_socket_urls_are_understood(unix_clamd):
    ClamdScanner(f"unix://{unix_clamd.address}", timeout=5).check("minutes.pdf", PDF)
    assert unix_clamd.received == [PDF]


@pytest.mark.parametrize("where", ["missing-socket", "closed-port"])
def test_an_unreachable_scanner_refuses_every_file_clearly(tmp_path, where):
    address = str(tmp_path / "nothing.sock") if where == "missing-socket" else closed_tcp_address()
    with pytest.raises(DomainError) as refused:
        ClamdScanner(address, timeout=2).check("minutes.pdf", PDF)
    assert "minutes.pdf could not be checked for viruses because the virus scanner is not answering" in (
        refused.value.message
    )


def test_an_error_from_the_scanner_refuses_the_file(unix_clamd):
    unix_clamd.answer = "stream: Can't allocate memory ERROR"
    with pytest.raises(DomainError, match="virus scanner is not answering"):
        ClamdScanner(unix_clamd.address, timeout=5).check("minutes.pdf", PDF)


def test_a_file_over_the_scanners_stream_limit_is_refused(unix_clamd):
    unix_clamd.answer = "INSTREAM size limit exceeded. ERROR"
    with pytest.raises(DomainError, match="larger than the virus scanner accepts"):
        ClamdScanner(unix_clamd.address, timeout=5).check("minutes.pdf", PDF)


def test_no_setting_means_no_scanner():
    assert scanner_for("") is None
    assert scanner_for("  ") is None
    assert isinstance(scanner_for("/run/clamav/clamd.ctl"), ClamdScanner)
