"""Office packages are checked before any reader opens them: bounds from the zip's directory, then every XML part
through defusedxml with document types forbidden."""

import warnings

import pytest

from app.domain.packages import UnsafePackage, check_package
from tests.hostile_packages import (
    BILLION_LAUGHS,
    PLAIN_DOCTYPE,
    XXE,
    mark_encrypted,
    repack,
    symlink_entry,
    workbook,
    zip_bomb,
)

LABEL = "an Excel workbook (.xlsx)"


def check(data: bytes, max_bytes: int = 5 * 2**20) -> None:
    check_package(data, label=LABEL, extension="xlsx", max_bytes=max_bytes)


def test_a_real_workbook_passes():
    check(workbook())


def _duplicate() -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns, as it should, when a name is written twice
        return repack(workbook(), add=[("xl/styles.xml", b"<a/>")])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: b"hello", "The file is not an Excel workbook"),
        (lambda: b"PK\x03\x04garbage", "the file is damaged"),
        (lambda: zip_bomb(workbook(), "xl/worksheets/sheet1.xml", 70), "expands to 70 MB when opened"),
        (lambda: zip_bomb(workbook(), "xl/worksheets/sheet1.xml", 8), "expands to 8 MB when opened"),
        (lambda: repack(workbook(), add=[(f"xl/p{i}.bin", b"x") for i in range(1000)]), "too many parts"),
        (lambda: repack(workbook(), add=[("xl/sharedStrings.xml", XXE)]), "DOCTYPE"),
        (lambda: repack(workbook(), add=[("xl/sharedStrings.xml", BILLION_LAUGHS)]), "DOCTYPE"),
        (lambda: repack(workbook(), replace={"xl/workbook.xml": PLAIN_DOCTYPE}), "DOCTYPE in xl/workbook.xml"),
        (lambda: repack(workbook(), replace={"xl/styles.xml": b"<a><b></a>"}), "xl/styles.xml is not well-formed XML"),
        (lambda: repack(workbook(), add=[(symlink_entry("xl/link"), b"/etc/passwd")]), "symbolic link"),
        (lambda: repack(workbook(), add=[("../evil.xml", b"<a/>")]), "unsafe path"),
        (lambda: repack(workbook(), add=[("C:evil.xml", b"<a/>")]), "unsafe path"),
        (_duplicate, "two parts called xl/styles.xml"),
        (lambda: mark_encrypted(workbook(), "xl/styles.xml"), "password"),
        (lambda: repack(workbook(), add=[("xl/vbaProject.bin", b"x")]), "macros"),
        (lambda: repack(workbook(), drop=["xl/workbook.xml"]), "parts are missing"),
    ],
)
def test_a_hostile_or_broken_package_is_refused_with_a_reason(build, message):
    with pytest.raises(UnsafePackage, match=message):
        check(build())


def test_size_is_checked_before_anything_else():
    with pytest.raises(UnsafePackage, match="smaller than 1 KB"):
        check(workbook(), max_bytes=1024)
