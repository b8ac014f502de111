"""Durability: the real server (gunicorn, 2 workers, SQLite in WAL mode) and the import command are
killed with SIGKILL in the middle of writes, again and again; after every restart the database must be
whole: integrity_check ok, each follow-up with its audit entry and data-version bump or none of them,
each import with all its drafts and commitments or nothing, no row pointing at a missing evidence
file, and every write the server acknowledged still there. Then backup → restore gives the same rows.

Writes go through the real form (sign-in, CSRF) on 127.0.0.1 only. Half the server rounds run the
production app as it is; the other half run it with each write statement delayed by a few tens of
milliseconds (tests/live_gunicorn.py: slow_app, a SQLAlchemy event listener added by the test, not a
hook in mapapp/), so that the kill lands inside an open transaction almost surely. The killed imports
are delayed the same way and killed a random moment after their first write statement.
MAPAPP_DURABILITY_ROUNDS and MAPAPP_DURABILITY_IMPORT_KILLS set how many kills (default 4 and 5).
"""
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from live_gunicorn import (Gunicorn, Planner, app_env, create_planner, flask_cli, follow_up_targets,
                           USERNAME, PROJECT_ROOT)

pytest_plugins = ["suite_report"]
pytestmark = pytest.mark.skipif(bool(os.environ.get("MAPAPP_TEST_DATABASE_URL")),
                                reason="SQLite durability (WAL, SIGKILL of the app server); not run on PostgreSQL")

ROUNDS = int(os.environ.get("MAPAPP_DURABILITY_ROUNDS", "4"))
IMPORT_KILLS = int(os.environ.get("MAPAPP_DURABILITY_IMPORT_KILLS", "5"))
WRITERS = 8
IMPORT_DOC = PROJECT_ROOT / "tests" / "data" / "seeds" / "003_b4b69d941b3a8619.txt"  # two drafts, 2 + 4 commitments
IMPORT_DELAY = 0.05  # seconds before each write statement of a killed import (10 statements)
_DRAFT_SUFFIX = re.compile(r"-draft(-\d+)?$")

# A killed import: the real `import-promise` command, started ahead (the imports take seconds) and told
# when to go on stdin; it says "writing" on stderr just before its first write statement.
IMPORT_RUNNER = r"""
import sys
from flask.cli import FlaskGroup
from mapapp import create_app
from live_gunicorn import slow_statements

app = create_app()
slow_statements(app.extensions["mapapp_engine"], float(sys.argv[1]),
                announce=lambda: print("writing", file=sys.stderr, flush=True))
sys.stdin.readline()
FlaskGroup(create_app=lambda: app).main(args=["import-promise", sys.argv[2]], prog_name="flask")
"""


def report(line: str):
    from suite_report import report as add  # imported once pytest has registered it as a plugin
    add(line)


class Ledger:
    """What the clients sent and what the server said, to compare with what the database holds."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked: dict[str, int] = {}   # note → id the server answered with (302 ?saved=ID)
        self.in_flight: set[str] = set()  # sent, no answer before the kill: either outcome is fine
        self.refused: list[tuple[str, int]] = []  # an answer that was not a save (should not happen)
        self.in_flight_at_kill: list[int] = []

    def writer(self, planner: Planner, index: int, targets, stop: threading.Event, busy: list):
        target, day = targets[index % len(targets)]
        n = 0
        while not stop.is_set():
            n += 1
            note = f"dur-{os.getpid()}-{time.monotonic_ns()}-w{index}-{n}"
            evidence = ("file", "url", None)[n % 3]
            busy[index] = True
            try:
                answer, saved = planner.post_follow_up(target, note, day, seen=0, confirm=True, evidence=evidence)
            except Exception:  # noqa: BLE001 (the kill cut the connection: outcome unknown)
                with self.lock:
                    self.in_flight.add(note)
                return
            finally:
                busy[index] = False
            with self.lock:
                if saved:
                    self.acked[note] = saved
                else:
                    self.refused.append((note, answer.status_code))


def _count(con, sql, *args) -> int:
    return con.execute(sql, args).fetchone()[0]


def check_database(db: Path, evidence: Path, baseline: int, reference: dict | None) -> dict:
    """Everything a crash must not break, read with plain sqlite3 (not through the app)."""
    problems = []
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems += [f"integrity_check: {r}" for r in integrity]
        problems += [f"foreign key broken: {r}" for r in con.execute("PRAGMA foreign_key_check")]
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        follow_ups = {row[0]: row for row in con.execute(
            "SELECT f.id, p.slug || '/' || c.slug, f.note, f.evidence_file FROM follow_up f "
            "JOIN commitment c ON c.id = f.commitment_id JOIN promise p ON p.id = c.promise_id "
            "WHERE f.recorded_by = ?", (USERNAME,))}
        audits = {}
        for key, after in con.execute("SELECT entity_key, after FROM audit_entry "
                                      "WHERE entity_type = 'follow_up' AND action = 'append'"):
            audits.setdefault(key, []).append(json.loads(after))
        for fid, key, note, file in follow_ups.values():
            entries = audits.get(f"{key}#{fid}", [])
            if len(entries) != 1 or entries[0].get("note") != note or entries[0].get("commitment") != key:
                problems.append(f"follow-up #{fid} has {len(entries)} matching audit entries")
            if file and not (evidence / file).is_file():
                problems.append(f"follow-up #{fid} names evidence file {file}, which is missing")
        for key in audits:
            fid = int(key.rsplit("#", 1)[1])
            if fid not in follow_ups:
                problems.append(f"audit entry {key} without its follow-up")
        drafts = con.execute("SELECT p.id, p.slug, (SELECT count(*) FROM commitment c WHERE c.promise_id = p.id), "
                             "(SELECT count(*) FROM commitment_area ca JOIN commitment c ON c.id = ca.commitment_id "
                             " WHERE c.promise_id = p.id) FROM promise p WHERE p.published = 0").fetchall()
        by_base = {}
        for _pid, slug, commitments, links in drafts:
            base = _DRAFT_SUFFIX.sub("", slug)
            by_base.setdefault(base, []).append((commitments, links))
        imports = 0
        if reference:
            for base, shapes in by_base.items():
                if base not in reference:
                    problems.append(f"unexpected draft {base}")
                problems += [f"draft {base}: {c} commitments, {a} area links; expected {reference.get(base)}"
                             for c, a in shapes if (c, a) != reference.get(base)]
            counts = {base: len(by_base.get(base, [])) for base in reference}
            if len(set(counts.values())) > 1:  # an import stores all its drafts or none
                problems.append(f"drafts of one import stored apart: {counts}")
            imports = max(counts.values())
        elif drafts:
            problems.append(f"{len(drafts)} drafts before any import")
        counter = con.execute("SELECT counter FROM data_version WHERE id = 1").fetchone()[0]
        expected = baseline + len(follow_ups) + imports
        if counter != expected:
            problems.append(f"data version {counter}, expected {expected} "
                            f"({baseline} + {len(follow_ups)} follow-ups + {imports} imports)")
        referenced = {row[3] for row in follow_ups.values() if row[3]}
        files = {p.name for p in evidence.iterdir()} if evidence.is_dir() else set()
    finally:
        con.close()
    return {"problems": problems, "journal_mode": mode, "notes": {row[2]: row[0] for row in follow_ups.values()},
            "imports": imports, "orphan_files": sorted(files - referenced), "drafts": by_base}


def lost_or_phantom(state: dict, ledger: Ledger) -> list[str]:
    """Every acknowledged write is stored under the id the server gave; nothing stored that was not sent."""
    problems = [f"acknowledged write {note} (#{fid}) is missing" for note, fid in ledger.acked.items()
                if state["notes"].get(note) != fid]
    sent = set(ledger.acked) | ledger.in_flight
    problems += [f"stored write {note} was never sent" for note in state["notes"] if note not in sent]
    return problems


def _kill_rounds(server, db, evidence, baseline, targets, ledger, states, live_modes, rng):
    """ROUNDS times: WRITERS planners save follow-ups without pause; SIGKILL at a random moment; restart; check."""
    planners = [Planner(server.url).login() for _ in range(WRITERS)]
    for planner in planners:  # one CSRF token each, kept across restarts (same secret key, same session)
        page, _seen = planner.open_form(targets[0][0])
        assert page.status_code == 200
    for round_no in range(ROUNDS):
        live_modes.append(_journal_mode(db))
        assert db.with_name(db.name + "-wal").exists(), "no WAL file while the server writes"
        stop, busy = threading.Event(), [False] * WRITERS
        threads = [threading.Thread(target=ledger.writer, args=(p, i, targets, stop, busy), daemon=True)
                   for i, p in enumerate(planners)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.8, 2.0))
        ledger.in_flight_at_kill.append(sum(busy))
        server.kill()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        # Restart at the same address; the next round runs with slowed writes every other time, so that
        # its kill lands inside an open transaction. The last restart is the production app as it is.
        slowed = round_no % 2 == 0 and round_no != ROUNDS - 1
        server.app = "live_gunicorn:slow_app()" if slowed else "mapapp:create_app()"
        server.start()
        assert Planner(server.url).get("/").status_code == 200
        state = check_database(db, evidence, baseline, None)
        state["problems"] += lost_or_phantom(state, ledger)
        states.append(state)


@pytest.fixture(scope="module")
def crashed(tmp_path_factory):
    """One database taken through every kill; the figures and findings of the whole run."""
    folder = tmp_path_factory.mktemp("durability")
    db, evidence, log = folder / "app.sqlite", folder / "evidence", folder / "gunicorn.log"
    env = app_env(f"sqlite:///{db}", evidence)
    create_planner(env)  # also creates and seeds the database (first start)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        baseline = conn.execute(text("SELECT counter FROM data_version WHERE id = 1")).scalar_one()
    targets = follow_up_targets(engine)
    engine.dispose()
    rng = random.Random(os.environ.get("MAPAPP_DURABILITY_SEED"))
    ledger, states, kills, live_modes = Ledger(), [], 0, []

    server = Gunicorn(env, log).start()
    try:
        _kill_rounds(server, db, evidence, baseline, targets, ledger, states, live_modes, rng)
        kills += ROUNDS
        # After the last kill the restarted production server takes writes again.
        planner, (commitment, day) = Planner(server.url).login(), targets[0]
        _page, seen = planner.open_form(commitment)
        answer, saved = planner.post_follow_up(commitment, "after the kills", day, seen, confirm=False)
        assert saved, answer.status_code
        ledger.acked["after the kills"] = saved
    finally:
        server.stop()  # graceful when all went well; a server a failure left behind is stopped too

    # Imports: one whole run for reference, then runs killed a random moment after their first write.
    done = flask_cli(env, "import-promise", str(IMPORT_DOC))
    assert done.returncode == 0 and "stored 2 unpublished draft(s)" in done.stdout, done.stdout + done.stderr
    first = check_database(db, evidence, baseline, None)
    reference = {base: shapes[0] for base, shapes in first["drafts"].items()}
    assert len(reference) == 2, reference
    import_acked, import_stored_after_kill = 1, 0
    runners = [subprocess.Popen([sys.executable, "-c", IMPORT_RUNNER, str(IMPORT_DELAY), str(IMPORT_DOC)],
                                cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(IMPORT_KILLS)]
    try:
        for proc in runners:
            imports_before = check_database(db, evidence, baseline, reference)["imports"]
            writing = threading.Event()
            errors: list[str] = []

            def watch(stream=proc.stderr, seen=writing, lines=errors):
                for line in stream:
                    lines.append(line)
                    if line.strip() == "writing":
                        seen.set()
            threading.Thread(target=watch, daemon=True).start()
            proc.stdin.write("go\n")
            proc.stdin.flush()
            assert writing.wait(120), "".join(errors)[-2000:]
            time.sleep(rng.uniform(0, 13 * IMPORT_DELAY))  # 10 write statements: most kills land inside
            proc.kill()
            proc.wait()
            out = proc.stdout.read()
            kills += 1
            state = check_database(db, evidence, baseline, reference)
            state["problems"] += lost_or_phantom(state, ledger)
            if "stored 2 unpublished draft(s)" in out:  # finished before the kill: must be stored
                import_acked += 1
                if state["imports"] != imports_before + 1:
                    state["problems"].append("an acknowledged import is missing")
            import_stored_after_kill += state["imports"] - imports_before
            states.append(state)
    finally:
        for proc in runners:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    final = check_database(db, evidence, baseline, reference)
    final["problems"] += lost_or_phantom(final, ledger)
    inconsistent = sum(len(s["problems"]) for s in states) + len(final["problems"])
    acked = len(ledger.acked) + import_acked
    stored = len([n for n in final["notes"] if n in ledger.acked or n in ledger.in_flight]) + final["imports"]
    report(f"durability: {kills} kills, {acked} writes acknowledged, {stored} stored, {inconsistent} inconsistent")
    report(f"durability detail: {ROUNDS} gunicorn SIGKILLs with {WRITERS} writers, every other round with "
           f"write statements slowed "
           f"(POSTs in flight at each kill: {ledger.in_flight_at_kill}; {len(ledger.acked)} follow-ups acknowledged, "
           f"{len(ledger.in_flight)} cut off, of which {len(set(final['notes']) & ledger.in_flight)} committed); "
           f"{IMPORT_KILLS} import SIGKILLs ({import_stored_after_kill} had committed, "
           f"{IMPORT_KILLS - import_stored_after_kill} left nothing); "
           f"{len(final['orphan_files'])} uploaded files left without a follow-up")
    yield {"folder": folder, "db": db, "evidence": evidence, "env": env, "states": states, "final": final,
           "ledger": ledger, "kills": kills, "live_modes": live_modes, "reference": reference,
           "baseline": baseline}


def _journal_mode(db: Path) -> str:
    """As a fresh plain connection sees it (not through the app's pragmas): WAL is stored in the file."""
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()


def test_sqlite_runs_in_wal_mode(crashed):
    assert crashed["live_modes"] and set(crashed["live_modes"]) == {"wal"}  # while the server ran
    assert crashed["final"]["journal_mode"] == "wal"
    assert _journal_mode(crashed["db"]) == "wal"


def test_follow_up_writes_killed_with_sigkill_are_whole_or_absent(crashed):
    ledger = crashed["ledger"]
    assert not ledger.refused, ledger.refused[:5]
    assert len(ledger.acked) >= 10, "too few writes reached the server to mean anything"
    assert sum(ledger.in_flight_at_kill) > 0, "no kill landed while a write was in flight"
    for n, state in enumerate(crashed["states"], 1):
        assert state["problems"] == [], f"after kill {n}: {state['problems'][:10]}"
    assert crashed["final"]["problems"] == []
    assert all(note in crashed["final"]["notes"] for note in ledger.acked)


def test_imports_killed_with_sigkill_store_every_draft_or_nothing(crashed):
    final = crashed["final"]
    assert set(final["drafts"]) == set(crashed["reference"])
    assert final["imports"] >= 1
    for base, shapes in final["drafts"].items():
        assert len(shapes) == final["imports"] and set(shapes) == {crashed["reference"][base]}


def _rows(db: Path) -> dict:
    """Every row of every table the backup covers (the app's models), in a stable order."""
    from mapapp.store.models import Base
    con = sqlite3.connect(db)
    try:
        return {t.name: sorted(con.execute(f'SELECT * FROM "{t.name}"').fetchall(), key=repr)
                for t in Base.metadata.sorted_tables}
    finally:
        con.close()


def test_backup_and_restore_after_the_kills(crashed, tmp_path):
    """The crashed-and-recovered database backs up and restores into a new one, row for row, files too."""
    backup = tmp_path / "after-kills.zip"
    done = flask_cli(crashed["env"], "backup", str(backup))
    assert done.returncode == 0, done.stdout + done.stderr
    target_db, target_evidence = tmp_path / "restored.sqlite", tmp_path / "evidence"
    done = flask_cli(app_env(f"sqlite:///{target_db}", target_evidence), "restore", str(backup), "--yes")
    assert done.returncode == 0 and done.stdout.startswith("restored "), done.stdout + done.stderr
    before, after = _rows(crashed["db"]), _rows(target_db)
    # The data version is the one deliberate difference: a restore moves it on, so cached maps rebuild.
    assert after.pop("data_version")[0][1] > before.pop("data_version")[0][1]
    assert after == before
    assert sorted(p.name for p in target_evidence.iterdir()) == sorted(p.name for p in crashed["evidence"].iterdir())
    restored = check_database(target_db, target_evidence, crashed["baseline"], crashed["reference"])
    assert [p for p in restored["problems"] if not p.startswith("data version")] == []
    assert restored["notes"] == crashed["final"]["notes"] and restored["imports"] == crashed["final"]["imports"]


def test_the_check_notices_half_writes(crashed, tmp_path):
    """The consistency check itself: each kind of half-written state it must catch, on a copy."""
    cases = {
        "follow-up without its audit entry": "DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry "
                                             "WHERE entity_type = 'follow_up')",
        "audit entry without its follow-up": "DELETE FROM follow_up WHERE id = (SELECT max(id) FROM follow_up)",
        "data version not bumped": "UPDATE data_version SET counter = counter - 1",
        "draft missing a commitment": "DELETE FROM commitment WHERE id = (SELECT max(c.id) FROM commitment c "
                                      "JOIN promise p ON p.id = c.promise_id WHERE p.published = 0)",
        "one draft of an import without the other": "DELETE FROM promise WHERE id = (SELECT max(id) FROM promise)",
        "evidence row without its file": "UPDATE follow_up SET evidence_file = 'gone.pdf' "
                                         "WHERE id = (SELECT max(id) FROM follow_up)",
    }
    for name, sql in cases.items():
        copy = tmp_path / f"{len(name)}-{name[:10].replace(' ', '-')}.sqlite"
        with sqlite3.connect(crashed["db"]) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        with sqlite3.connect(copy) as con:
            con.execute(sql)
        state = check_database(copy, crashed["evidence"], crashed["baseline"], crashed["reference"])
        assert state["problems"], f"not noticed: {name}"
