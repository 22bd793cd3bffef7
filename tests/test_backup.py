"""Issue 18 item 7: the restore drill on SQLite and PostgreSQL — create an archive, wipe the database and the
documents, restore, and the annual figures, the audit chain and every document's sha256 are what they were; a
damaged archive or a database that holds data is refused and changes nothing."""

import io
import json
import tarfile
from datetime import date

import pytest
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.cases.models import Case
from casetrack.documents import services as documents
from casetrack.documents.models import DocumentVersion
from casetrack.documents.storage import blob_store, configured_root
from casetrack.extensions import db
from casetrack.system import backup
from tests.conftest import _delete_everything
from tests.documents.helpers import pdf_bytes


@pytest.fixture
def district(factories):
    unit = factories.unit(name="区市场监管局")
    for n, outcome in enumerate(["upheld", "revoked", "upheld", "confirmed_illegal"]):
        factories.case(
            number=f"富政复〔2020〕{n + 1}号",
            respondent_unit=unit,
            received_on=date(2020, 3, 2),
            accepted_on=date(2020, 3, 3),
            concluded_on=date(2020, 5, 6),
            outcome=outcome,
            status="concluded",
            applicants=["王秀英"],
        )
    db.session.commit()
    case = db.session.scalars(select(Case)).first()
    documents.add_documents(
        "case", case, SYSTEM, uploads=[documents.Upload(io.BytesIO(pdf_bytes()), "申请书.pdf")], category="application"
    )
    db.session.commit()


def state(app) -> dict:
    runner = app.test_cli_runner()
    report = runner.invoke(args=["report", "annual", "--year", "2020", "--format", "json"])
    chain = runner.invoke(args=["audit", "verify"])
    assert report.exit_code == 0 and chain.exit_code == 0, report.output + chain.output
    shas = sorted(db.session.scalars(select(DocumentVersion.sha256)))
    db.session.rollback()
    return {
        "report": json.loads(report.output)["review"],
        "chain": chain.output,
        "documents": shas,
        "stored": sorted(s for s in shas if blob_store().check(s) == "ok"),
        "cases": db.session.scalar(select(func.count(Case.id))),
    }


def wipe() -> None:
    _delete_everything()
    db.session.remove()
    import shutil

    shutil.rmtree(configured_root(), ignore_errors=True)


def test_create_wipe_restore_gives_back_the_figures_the_chain_and_every_document(app, district, tmp_path):
    before = state(app)
    assert before["cases"] == 4 and before["documents"] == before["stored"] and before["documents"]
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup", "create", str(tmp_path / "drill.tar")])
    assert made.exit_code == 0, made.output
    with tarfile.open(tmp_path / "drill.tar") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        assert set(manifest["parts"]) == {backup.DATABASE_PART[app.config["DATABASE_KIND"]], "documents.tar"}
    refused = runner.invoke(args=["backup", "restore", str(tmp_path / "drill.tar")])
    assert refused.exit_code != 0 and "not empty" in refused.output

    wipe()
    assert db.session.scalar(select(func.count(Case.id))) == 0
    restored = runner.invoke(args=["backup", "restore", str(tmp_path / "drill.tar")])
    assert restored.exit_code == 0, restored.output
    after = state(app)
    assert after == before


def test_a_damaged_archive_is_refused_before_anything_changes(app, district, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "create", str(tmp_path / "good.tar")]).exit_code == 0
    with tarfile.open(tmp_path / "good.tar") as good, tarfile.open(tmp_path / "bad.tar", "w") as bad:
        for member in good.getmembers():
            content = good.extractfile(member).read()
            if member.name == "documents.tar":
                content = content[:512] + bytes([content[512] ^ 0xFF]) + content[513:]  # the first file's first byte
            member.size = len(content)
            bad.addfile(member, io.BytesIO(content))
    before = state(app)
    answer = runner.invoke(args=["backup", "restore", "--force", str(tmp_path / "bad.tar")])
    assert answer.exit_code != 0 and "does not match the manifest" in answer.output
    assert state(app) == before
    nothing = runner.invoke(args=["backup", "restore", str(tmp_path / "good.tar.partial")])
    assert nothing.exit_code != 0


def test_the_nightly_job_keeps_the_newest_archives(app, district, tmp_path, monkeypatch):
    from casetrack.system.tasks import nightly_backup

    monkeypatch.setitem(app.config, "CASETRACK_BACKUP_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "CASETRACK_BACKUP_KEEP", 2)
    for old in ("casetrack-20261201-023000.tar", "casetrack-20261202-023000.tar"):
        (tmp_path / old).write_bytes(b"old")
    result = nightly_backup.apply().get()
    assert result["removed"] == ["casetrack-20261201-023000.tar"]
    assert sorted(p.name for p in tmp_path.glob("*.tar"))[0] == "casetrack-20261202-023000.tar"
    assert len(list(tmp_path.glob("*.tar"))) == 2
