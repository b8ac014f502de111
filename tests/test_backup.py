"""Backup and restore: every table round-trips exactly, and a broken backup changes nothing."""
import datetime as dt
import hashlib
import json
import zipfile

import pytest
from sqlalchemy import JSON, delete, insert, null, select, text, types, update
from sqlalchemy.orm import Session

from mapapp.cli.backup import _checksum
from mapapp.store.models import Area, Base, Commitment, DataVersion, FollowUp

API_URLS = ["/api/areas.geojson", "/api/promises", "/api/camera-sites.geojson", "/index.json",
            "/api/areas/hageby", "/api/promises/norrkoping-2023-2024", "/api/promises/skaggetorp-2018-2019/follow-ups"]


def engine(app):
    return app.extensions["mapapp_engine"]


def all_rows(app) -> dict:
    """Every row of every table as the database stores it (raw SQL, no ORM types), in key order."""
    out = {}
    with engine(app).connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {order}'))]
    return out


def api_answers(client) -> dict:
    return {url: client.get(url).get_json() for url in API_URLS}


def _sample(column, i: int):
    """A value of the column's type that exercises the backup's encoding (non-ASCII, microseconds, JSON)."""
    kind = column.type
    if isinstance(kind, JSON):
        return {"före": [i, None, 1.5, True], "text": "åäö"}
    if isinstance(kind, types.DateTime):
        return dt.datetime(2024, 2, 29, 13, 45, 7, 123456 + i)
    if isinstance(kind, types.Date):
        return dt.date(2024, 2, 29)
    if isinstance(kind, types.Boolean):
        return bool(i % 2)
    if isinstance(kind, types.Integer):
        return 1000 + i
    if isinstance(kind, types.Float):
        return 0.1 + i
    return f"värde {column.name} {i}"


def fill_empty_tables(app):
    """Give every empty table without foreign keys (users, audit entries, …) two rows: one full, one sparse."""
    filled = []
    with Session(engine(app)) as session, session.begin():
        for table in Base.metadata.sorted_tables:
            if table.foreign_keys or session.scalar(select(table).limit(1)) is not None:
                continue
            for i in (1, 2):
                row = {c.name: _sample(c, i) for c in table.columns}
                if i == 2:  # nullable columns left NULL; a JSON column as SQL NULL, not JSON null
                    row.update({c.name: null() for c in table.columns if c.nullable})
                session.execute(insert(table).values(**row))
            filled.append(table.name)
    return filled


def change_everything(app):
    """Edits of every kind a restore must undo."""
    with Session(engine(app)) as session, session.begin():
        session.execute(update(Area).where(Area.slug == "hageby").values(name="Hageby (ändrad)"))
        session.execute(delete(Commitment).where(Commitment.slug == "trafikinsatser"))
        first = session.scalar(select(Commitment.id).order_by(Commitment.id).limit(1))
        session.add(FollowUp(commitment_id=first, date=dt.date(2024, 1, 1), status="pagar", note="ny", recorded_by="x"))
        session.execute(update(DataVersion).values(counter=DataVersion.counter + 5))


def test_backup_then_restore_gives_back_every_row_and_the_same_api(app, client, runner, tmp_path):
    filled = fill_empty_tables(app)
    with Session(engine(app)) as session, session.begin():
        # A correction that points forward in id order must restore too (it is written after its target).
        ids = session.scalars(select(FollowUp.id).order_by(FollowUp.id)).all()
        session.execute(update(FollowUp).where(FollowUp.id == ids[0]).values(supersedes_id=ids[-1]))
    before_rows, before_api = all_rows(app), api_answers(client)
    result = runner.invoke(args=["backup", str(tmp_path / "backup.json")])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "backup.json").read_text(encoding="utf-8"))
    assert set(doc["tables"]) == {t.name for t in Base.metadata.sorted_tables}  # new models included by themselves
    assert doc["format"] == "lofteskartan-backup" and doc["version"] == 1

    change_everything(app)
    assert all_rows(app) != before_rows
    counter_before_restore = all_rows(app)["data_version"][0][1]
    result = runner.invoke(args=["restore", str(tmp_path / "backup.json"), "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("restored ")

    after = all_rows(app)
    # The data version is the one deliberate difference: it moves on, so cached maps are rebuilt.
    assert after.pop("data_version")[0][1] > max(counter_before_restore, before_rows.pop("data_version")[0][1])
    assert after == before_rows
    assert all(after[name] for name in filled)
    assert api_answers(client) == before_api
    # New rows get fresh ids after a restore (PostgreSQL's sequences are moved past the restored ids).
    with Session(engine(app)) as session, session.begin():
        entry = FollowUp(commitment_id=session.scalar(select(Commitment.id).limit(1)), date=dt.date(2024, 5, 1),
                         status="pagar", note="efter återställning", recorded_by="x")
        session.add(entry)
        session.flush()
        assert entry.id > max(row[0] for row in before_rows["follow_up"])


def test_restore_into_a_wiped_database(app, client, runner, tmp_path):
    before_rows, before_api = all_rows(app), api_answers(client)
    assert runner.invoke(args=["backup", str(tmp_path / "b.json")]).exit_code == 0
    with Session(engine(app)) as session, session.begin():
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    assert runner.invoke(args=["restore", str(tmp_path / "b.json"), "--yes"]).exit_code == 0
    after = all_rows(app)
    after.pop("data_version"), before_rows.pop("data_version")
    assert after == before_rows and api_answers(client) == before_api


def _rewrite(path, change):
    """Edit a backup and give it a valid checksum again, as a careless tool might."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    doc["checksum"]["value"] = _checksum(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


CORRUPTIONS = {
    "edited": (lambda p: p.write_text(p.read_text(encoding="utf-8").replace("Hageby", "Hagaby"), encoding="utf-8"),
               "checksum mismatch"),
    "cut short": (lambda p: p.write_bytes(p.read_bytes()[:4000]), "not valid JSON"),
    "not a backup": (lambda p: p.write_text('{"hello": "world"}'), "not a Löfteskartan backup"),
    "empty": (lambda p: p.write_bytes(b""), "not valid JSON"),
    "newer format": (lambda p: _rewrite(p, lambda d: d.update(version=2)), "version 2 is not supported"),
    "unknown table": (lambda p: _rewrite(p, lambda d: d["tables"].update(gadget={"columns": [], "rows": []})),
                      "unknown table(s) gadget"),
    "unknown column": (lambda p: _rewrite(p, lambda d: d["tables"]["area"]["columns"].append("colour")),
                       "table area: unknown or repeated column(s) colour"),
    "bad date": (lambda p: _rewrite(p, lambda d: d["tables"]["promise"]["rows"][0].__setitem__(6, "2021-13-45")),
                 "table promise, row 1, column period_start"),
    "short row": (lambda p: _rewrite(p, lambda d: d["tables"]["area"]["rows"][2].pop()), "table area, row 3"),
    "text for a number": (lambda p: _rewrite(p, lambda d: d["tables"]["area"]["rows"][0].__setitem__(6, "big")),
                          "table area, row 1, column area_km2"),
    # Checks pass but the database refuses (a follow-up of a commitment that does not exist): the
    # deletes already done inside the transaction must be undone.
    "broken reference": (lambda p: _rewrite(p, lambda d: d["tables"]["follow_up"]["rows"][0].__setitem__(1, -1)),
                         "does not fit the database"),
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_broken_backup_is_refused_in_one_line_and_changes_nothing(app, client, runner, tmp_path, kind):
    path = tmp_path / "backup.json"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    change_everything(app)  # so a restore that happened would show
    before_rows, before_api = all_rows(app), api_answers(client)
    corrupt, message = CORRUPTIONS[kind]
    corrupt(path)
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: backup.json: "), result.output
    assert message in lines[0] and lines[0].endswith("nothing was changed")
    assert all_rows(app) == before_rows and api_answers(client) == before_api


def test_restore_asks_first_and_no_changes_nothing(app, runner, tmp_path):
    assert runner.invoke(args=["backup", str(tmp_path / "b.json")]).exit_code == 0
    change_everything(app)
    before = all_rows(app)
    result = runner.invoke(args=["restore", str(tmp_path / "b.json")], input="n\n")
    assert result.exit_code != 0 and "Replace all data" in result.output
    assert all_rows(app) == before
    assert runner.invoke(args=["restore", str(tmp_path / "b.json")], input="y\n").exit_code == 0
    assert all_rows(app) != before


def test_zip_backup_carries_the_evidence_files(app, runner, tmp_path):
    evidence = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(evidence)
    (evidence / "2024").mkdir(parents=True)
    (evidence / "a.pdf").write_bytes(b"%PDF-1.4 beslut")
    (evidence / "2024" / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n bild")
    result = runner.invoke(args=["backup", str(tmp_path / "full.zip")])
    assert result.exit_code == 0 and "2 evidence files" in result.output, result.output
    with zipfile.ZipFile(tmp_path / "full.zip") as archive:
        assert set(archive.namelist()) == {"backup.json", "evidence/a.pdf", "evidence/2024/b.png"}
        listed = json.loads(archive.read("backup.json"))["files"]
    assert {f["path"]: f["sha256"] for f in listed}["evidence/a.pdf"] == hashlib.sha256(b"%PDF-1.4 beslut").hexdigest()

    (evidence / "a.pdf").write_bytes(b"changed")
    (evidence / "stray.pdf").write_bytes(b"added after the backup")
    mode = evidence.stat().st_mode
    result = runner.invoke(args=["restore", str(tmp_path / "full.zip"), "--yes"])
    assert result.exit_code == 0, result.output
    assert evidence.stat().st_mode == mode  # still readable by the web server, as before
    assert sorted(p.relative_to(evidence).as_posix() for p in evidence.rglob("*") if p.is_file()) == [
        "2024/b.png", "a.pdf"]
    assert (evidence / "a.pdf").read_bytes() == b"%PDF-1.4 beslut"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".evidence-")]


def test_a_tampered_evidence_file_is_refused(app, runner, tmp_path):
    evidence = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(evidence)
    evidence.mkdir()
    (evidence / "a.pdf").write_bytes(b"%PDF-1.4 beslut")
    assert runner.invoke(args=["backup", str(tmp_path / "full.zip")]).exit_code == 0
    with zipfile.ZipFile(tmp_path / "full.zip") as src, zipfile.ZipFile(tmp_path / "bad.zip", "w") as dst:
        dst.writestr("backup.json", src.read("backup.json"))
        dst.writestr("evidence/a.pdf", b"%PDF-1.4 forged")
    change_everything(app)
    before = all_rows(app)
    result = runner.invoke(args=["restore", str(tmp_path / "bad.zip"), "--yes"])
    assert result.exit_code != 0 and "evidence/a.pdf is damaged" in result.output
    assert all_rows(app) == before and (evidence / "a.pdf").read_bytes() == b"%PDF-1.4 beslut"


def test_a_json_backup_says_it_leaves_evidence_out_and_restore_leaves_it_alone(app, runner, tmp_path):
    evidence = tmp_path / "evidence"
    app.config["EVIDENCE_DIR"] = str(evidence)
    evidence.mkdir()
    (evidence / "a.pdf").write_bytes(b"%PDF-1.4")
    result = runner.invoke(args=["backup", str(tmp_path / "b.json")])
    assert result.exit_code == 0 and "1 evidence files are not in a .json backup" in result.output
    assert runner.invoke(args=["restore", str(tmp_path / "b.json"), "--yes"]).exit_code == 0
    assert (evidence / "a.pdf").exists()
