from casetrack.documents import rules
from tests.documents.helpers import ELF_BYTES, EXE_BYTES, docx_bytes, pdf_bytes, png_bytes


def test_types_are_read_from_the_content_not_the_name():
    assert rules.sniff(pdf_bytes()[:8192]).extension == "pdf"
    assert rules.sniff(png_bytes()).extension == "png"
    assert rules.sniff(docx_bytes()).extension == "docx"
    assert rules.sniff(EXE_BYTES) is None
    assert rules.sniff(ELF_BYTES) is None
    assert rules.sniff(b"<html><script>alert(1)</script></html>") is None
    assert rules.sniff(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>') is None


def test_an_uploaded_name_is_only_a_name_without_folders_or_control_characters():
    pdf = rules.FILE_TYPES["application/pdf"]
    assert rules.display_name("../../etc/passwd", pdf) == "passwd.pdf"
    assert rules.display_name("..\\..\\windows\\申请书.pdf", pdf) == "申请书.pdf"
    assert rules.display_name("答辩\x00状\x1b[31m\u202egpj.exe", pdf) == "答辩状[31mgpj.pdf"
    assert rules.display_name("..", pdf) == "文件.pdf"
    assert rules.display_name("", pdf) == "文件.pdf"
    # The extension is what the content is, whatever the name claimed.
    assert rules.display_name("证据.exe", pdf) == "证据.pdf"
    assert len(rules.display_name("长" * 500 + ".pdf", pdf)) <= rules.DISPLAY_NAME_MAX


def test_files_added_together_are_titled_by_the_typed_title_numbered_or_by_their_names():
    assert rules.titles_for("", ["证据一.pdf", "证据二.jpg"]) == ["证据一", "证据二"]
    assert rules.titles_for("现场照片", ["a.jpg", "b.jpg"]) == ["现场照片（1/2）", "现场照片（2/2）"]
    assert rules.titles_for("答复书", ["x.pdf"]) == ["答复书"]


def test_archive_entries_sort_as_the_table_of_contents_numbers_them():
    names = [rules.archive_entry_name(n, "证据", f"照片/{n}", "jpg") for n in (10, 2, 1)]
    assert sorted(names) == [names[2], names[1], names[0]]
    assert "/" not in names[0]
