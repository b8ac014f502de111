"""The import-promise and compare-imports commands."""
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from mapapp.store.db import get_engine
from mapapp.store.models import Commitment, Promise
from test_importer import make_pdf

SEEDS = Path(__file__).parent / "data" / "seeds"


def promise_count(app) -> int:
    with Session(get_engine(app)) as session:
        return session.scalar(select(func.count()).select_from(Promise))


def stored(app, slug) -> Promise | None:
    with Session(get_engine(app)) as session:
        load = selectinload(Promise.commitments).selectinload(Commitment.areas)
        return session.scalar(select(Promise).options(load).where(Promise.slug == slug))


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


def test_dry_run_prints_the_account_and_writes_nothing(app, runner):
    before = promise_count(app)
    result = runner.invoke(args=["import-promise", str(SEEDS / "001_b7c2dbbc183ed716.txt"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "OCR-damaged" in result.output
    assert "försvåra försäljningen av narkotika i offentliga miljöer genom kameraövervakning på s.k. hot spots" \
        in result.output
    assert result.output.rstrip().endswith("dry run: nothing written")
    assert promise_count(app) == before


def test_import_stores_an_unpublished_draft_the_public_api_does_not_list(app, runner, client):
    path = SEEDS / "004_551f9de1e0a2196d.txt"
    result = runner.invoke(args=["import-promise", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("stored 1 unpublished draft(s): norrmalm-2018-draft")
    draft = stored(app, "norrmalm-2018-draft")
    assert draft is not None and draft.published is False
    assert draft.source_text == path.read_text(encoding="utf-8")
    assert len(draft.commitments) == 4 and draft.import_spans["commitments"][0]["text"][0] > 0
    assert [c.target["count"] for c in draft.commitments] == [2, 3, 4, 3]
    listed = [p["slug"] for p in client.get("/api/promises").get_json()["promises"]]
    assert "norrmalm-2018-draft" not in listed and "norrmalm-2018" in listed
    assert client.get("/api/promises/norrmalm-2018-draft").status_code == 404
    assert stored(app, "norrmalm-2018").published is True  # the curated promise is untouched


def test_two_promises_in_one_file_and_repeated_imports_get_distinct_slugs(app, runner):
    path = str(SEEDS / "000_d3ad751963882e1b.txt")
    assert runner.invoke(args=["import-promise", path]).exit_code == 0
    result = runner.invoke(args=["import-promise", path])
    assert result.exit_code == 0, result.output
    assert "norrkoping-2020-2022-draft-2, norrkoping-2018-2019-draft-2" in result.output
    draft = stored(app, "norrkoping-2020-2022-draft-2")
    assert [sorted(a.slug for a in c.areas) for c in draft.commitments] == [["centrala-norrkoping", "hageby"], [], []]
    assert [c.whole_municipality for c in draft.commitments] == [False, True, True]


def test_pdf_file_is_imported(app, runner, tmp_path):
    path = tmp_path / "norrmalm.pdf"
    path.write_bytes(make_pdf((SEEDS / "004_551f9de1e0a2196d.txt").read_text(encoding="utf-8")))
    result = runner.invoke(args=["import-promise", str(path)])
    assert result.exit_code == 0, result.output
    assert stored(app, "norrmalm-2018-draft") is not None


def test_unreadable_file_fails_with_one_line(app, runner, tmp_path):
    before = promise_count(app)
    path = tmp_path / "image.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = runner.invoke(args=["import-promise", str(path)])
    assert result.exit_code != 0
    assert len(lines(result)) == 1 and "image.bin" in result.output and "binary" in result.output
    assert "Traceback" not in result.output
    assert promise_count(app) == before


def test_missing_file_fails_with_one_line(runner, tmp_path):
    result = runner.invoke(args=["import-promise", str(tmp_path / "nothing.txt")])
    assert result.exit_code != 0 and len(lines(result)) == 1 and "cannot read" in result.output


def test_a_file_name_with_a_line_break_is_quoted_in_one_line(runner, tmp_path):
    result = runner.invoke(args=["import-promise", str(tmp_path / "two\nlines.txt")])
    assert result.exit_code != 0 and len(lines(result)) == 1 and "two\\nlines.txt: cannot read" in result.output


def test_file_without_commitments_fails_with_one_line(app, runner):
    before = promise_count(app)
    result = runner.invoke(args=["import-promise", str(SEEDS / "002_38ecb879a60c7a57.txt")])
    assert result.exit_code != 0
    assert len(lines(result)) == 1 and "no draft" in result.output
    assert promise_count(app) == before


def test_incomplete_draft_writes_nothing_at_all(app, runner, tmp_path):
    """Two promises, the second without a follow-up rule: neither is stored."""
    path = tmp_path / "two.txt"
    path.write_text("Medborgarlöfte Hageby 2020-2021\n\nVi lovar att:\n• synas i Hageby\n\n"
                    "Uppföljning sker årligen.\n\n"
                    "Medborgarlöfte Navestad 2022\n\nVi lovar att:\n• synas i Navestad\n", encoding="utf-8")
    before = promise_count(app)
    result = runner.invoke(args=["import-promise", str(path)])
    assert result.exit_code != 0
    assert "has no follow-up rule; nothing was written" in result.output
    assert promise_count(app) == before


def test_compare_imports_on_the_seeds(runner):
    result = runner.invoke(args=["compare-imports", str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert "== 001_b7c2dbbc183ed716.txt" in result.output
    assert "norrkoping-2023-2024  commitments" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("25 of 25 checked fields match")


def test_compare_imports_with_a_data_folder_of_its_own(runner, geodata_copy):
    """A --data folder need not carry the gazetteer or the SCB list: the shipped ones serve (it was a traceback)."""
    (geodata_copy / "municipalities.csv").unlink()
    import shutil
    shutil.rmtree(geodata_copy / "gazetteer", ignore_errors=True)
    result = runner.invoke(args=["compare-imports", str(SEEDS), "--data", str(geodata_copy)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().splitlines()[-1].startswith("25 of 25 checked fields match")


def test_command_line_import_is_audited_like_the_web_import(app, runner):
    from mapapp.store.models import AuditEntry
    result = runner.invoke(args=["import-promise", str(SEEDS / "004_551f9de1e0a2196d.txt"), "--user", "anna"])
    assert result.exit_code == 0, result.output
    with Session(get_engine(app)) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_key == "norrmalm-2018-draft"))
    assert entry is not None and entry.action == "import" and entry.username == "anna"
    assert entry.before is None and entry.after["title"] and len(entry.after["commitments"]) == 4
