"""The case file on both databases: upload, versions, withdrawal, refusals that store nothing, the store's checks."""

import io
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.audit.models import AuditEntry
from casetrack.documents import queries, services
from casetrack.documents.models import Document, DocumentVersion
from casetrack.documents.storage import blob_store
from casetrack.errors import DomainError, NotFound, PermissionDenied
from casetrack.extensions import db
from tests.documents.helpers import ELF_BYTES, EXE_BYTES, docx_bytes, pdf_bytes, png_bytes, stored_files


def _upload(content: bytes, name: str) -> services.Upload:
    return services.Upload(io.BytesIO(content), name)


def _add(case, actor=SYSTEM, *files, category="evidence", **values):
    uploads = [_upload(c, n) for c, n in files] or [_upload(pdf_bytes(), "答复书.pdf")]
    return services.add_documents("case", case, actor, uploads=uploads, category=category, **values)


def _counts():
    db.session.flush()
    return (
        db.session.scalar(select(func.count(Document.id))),
        db.session.scalar(select(func.count(DocumentVersion.id))),
        len(stored_files()),
    )


def test_a_liaison_adds_its_answer_and_evidence_to_its_own_case(factories):
    unit = factories.unit(name="区市场监管局")
    liaison = factories.user(role="unit", unit=unit)
    case = factories.case(respondent_unit=unit)
    documents = services.add_documents(
        "case",
        case,
        liaison,
        uploads=[_upload(pdf_bytes(3), "答复书.pdf"), _upload(png_bytes(), "现场照片.png")],
        category="answer",
        title="行政复议答复书",
        dated_on=date(2026, 11, 20),
        given_by="区市场监管局",
    )
    assert [d.title for d in documents] == ["行政复议答复书（1/2）", "行政复议答复书（2/2）"]
    first = documents[0].current
    assert (first.content_type, first.pages, first.filename) == ("application/pdf", 3, "答复书.pdf")
    assert documents[1].current.pages == 1
    assert blob_store().check(first.sha256) == "ok"
    assert [d.id for d in queries.file_of("case", case.id)] == [d.id for d in documents]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == case.id)).all()
    assert actions.count("document_added") == 2


def test_another_units_liaison_and_a_leader_cannot_add_to_the_file(factories):
    case = factories.case()
    stranger = factories.user(role="unit", unit=factories.unit(name="区城管局"))
    with pytest.raises(PermissionDenied):
        _add(case, stranger)
    with pytest.raises(PermissionDenied):
        _add(case, factories.user(role="leader"))
    assert _counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (EXE_BYTES, "判决书.pdf", "not a file type taken"),
        (ELF_BYTES, "证据.docx", "not a file type taken"),
        (b"<html><script>alert(1)</script>", "x.pdf", "not a file type taken"),
        (b"", "空白.pdf", "is empty"),
    ],
)
def test_a_disguised_executable_or_an_empty_file_is_refused_and_nothing_is_stored(factories, content, name, fragment):
    case = factories.case()
    with pytest.raises(DomainError) as refused:
        # The good file first: one bad file in the batch stores none of them.
        _add(case, SYSTEM, (pdf_bytes(), "好的.pdf"), (content, name))
    assert fragment in str(refused.value) and name in str(refused.value)
    assert _counts() == (0, 0, 0)


def test_a_file_over_the_limit_is_refused_naming_the_limit(factories, app, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_DOCUMENT_MAX_BYTES", 2 * 1024 * 1024)
    case = factories.case()
    big = pdf_bytes() + b"\0" * (3 * 1024 * 1024)
    with pytest.raises(DomainError) as refused:
        _add(case, SYSTEM, (big, "扫描件.pdf"))
    assert refused.value.status_code == 413 and "2 MB" in refused.value.translated()
    assert _counts() == (0, 0, 0)


def test_names_with_folders_and_control_characters_are_neutralised(factories):
    case = factories.case()
    (document,) = _add(case, SYSTEM, (pdf_bytes(), "../../../etc/cron.d/证据\x00\x1b一.pdf"))
    assert document.current.filename == "证据一.pdf" and document.title == "证据一"
    # Stored by content hash, never under the name it came with.
    assert [p.name for p in stored_files()] == [document.current.sha256]


def test_replacing_keeps_every_version_and_the_same_content_is_stored_once(factories):
    case = factories.case()
    # The same bytes twice: Pillow stamps each PDF it makes with the second it was made in.
    original = pdf_bytes(1)
    (document,) = _add(case, SYSTEM, (original, "答辩状.pdf"))
    first_key = document.current.sha256
    services.replace_document(document, SYSTEM, _upload(docx_bytes("修改稿"), "答辩状（修改）.docx"))
    services.replace_document(document, SYSTEM, _upload(original, "again.pdf"))
    db.session.flush()
    assert [v.number for v in document.versions] == [1, 2, 3]
    assert document.current.content_type == "application/pdf" and document.versions[1].filename.endswith(".docx")
    assert document.versions[2].sha256 == first_key
    assert len(stored_files()) == 2


def test_a_replacement_from_a_stale_page_is_refused(factories):
    case = factories.case()
    (document,) = _add(case)
    seen = document.version
    services.replace_document(document, SYSTEM, _upload(png_bytes(), "新.png"), expected_version=seen)
    with pytest.raises(DomainError):
        services.replace_document(document, SYSTEM, _upload(docx_bytes(), "旧页面.docx"), expected_version=seen)


def test_withdrawing_hides_keeps_and_audits_and_needs_a_reason(factories):
    case = factories.case()
    (document,) = _add(case)
    with pytest.raises(DomainError):
        services.withdraw_document(document, SYSTEM, "  ")
    services.withdraw_document(document, SYSTEM, "重复上传")
    assert queries.file_of("case", case.id) == [] and queries.withdrawn_count("case", case.id) == 1
    assert db.session.get(Document, document.id).withdrawal_reason == "重复上传"
    assert blob_store().check(document.current.sha256) == "ok"
    with pytest.raises(DomainError):
        services.withdraw_document(document, SYSTEM, "再次")
    with pytest.raises(DomainError):
        services.replace_document(document, SYSTEM, _upload(png_bytes(), "x.png"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "document_withdrawn"))
    assert entry.comment == "重复上传"


def test_another_units_document_is_not_found(factories):
    case = factories.case()
    (document,) = _add(case)
    stranger = factories.user(role="unit", unit=factories.unit(name="区城管局"))
    with pytest.raises(NotFound):
        queries.get_visible_document(stranger, document.id)


def test_files_verify_finds_a_file_changed_on_disk_and_gc_clears_old_orphans(factories, app):
    case = factories.case()
    (kept, changed) = _add(case, SYSTEM, (pdf_bytes(1), "a.pdf"), (png_bytes(), "b.png"))
    orphan = blob_store().put(io.BytesIO(docx_bytes("孤儿")))
    db.session.commit()
    runner = CliRunner()
    ok = app.test_cli_runner().invoke(args=["files", "verify"])
    assert ok.exit_code == 0 and f"orphan\t{orphan.sha256}" in ok.output
    path = blob_store().local_path(changed.current.sha256)
    path.write_bytes(path.read_bytes() + b"tampered")
    result = app.test_cli_runner().invoke(args=["files", "verify"])
    assert result.exit_code == 1
    assert f"changed\t{changed.current.sha256}\tdocument {changed.id} v1" in result.output
    assert kept.current.sha256 not in result.output
    blob_store().local_path(kept.current.sha256).unlink()
    assert f"missing\t{kept.current.sha256}" in app.test_cli_runner().invoke(args=["files", "verify"]).output
    # A young orphan may be an upload still in flight: only an old one goes.
    assert app.test_cli_runner().invoke(args=["files", "gc"]).output.count("removed\t") == 0
    assert services.collect_garbage(older_than_seconds=-1) == [orphan.sha256]
    assert runner is not None
