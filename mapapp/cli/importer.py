"""The `import-promise` and `compare-imports` commands."""
import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.errors import MapappError
from ..importer import draft_document, known_areas_from_dataset
from ..importer.compare import compare_document, format_table
from ..store import areas as area_store
from ..store import drafts as draft_store
from ..store.db import session_factory
from ..importer.extract import UnreadableDocument
from ..importer.output import LOW, Refused, read_document
from ..importer.scoring import THRESHOLDS, compare_directory, failures, format_report
from .messages import refused


def format_draft(n: int, draft: dict) -> list[str]:
    """A draft's fields, one per line, for review in the terminal."""
    rule = draft.get("follow_up_rule") or {}
    lines = [
        f"Draft {n}: {draft['title']}  (slug {draft['slug']})",
        f"  municipality: {draft['municipality_name']} ({draft['municipality_code']})",
        f"  parties: {'; '.join(draft['parties']) or '—'}",
        f"  period: {draft['period_start']} – {draft['period_end']}",
        f"  signed: {draft['signed'] or '—'}",
        f"  follow-up rule: {rule.get('cadence', '—')}"
        + (f" {rule['months']}" if rule.get("months") else "") + (f" due {rule['due']}" if rule.get("due") else "")
        + (f" — “{rule['text']}”" if rule.get("text") else ""),
    ]
    groups = (draft.get("dialogue") or {}).get("groups") or []
    lines.append(f"  dialogue groups: {'; '.join(groups) if groups else '—'}")
    spans = draft.get("spans") or {}
    low = [f"{k} {v:.2f}" for k, v in (spans.get("confidence") or {}).items() if v < LOW]
    low += [f"commitment {n} {k} {v:.2f}" for n, c in enumerate(spans.get("commitments") or [], 1)
            for k, v in (c.get("confidence") or {}).items() if v < LOW]
    lines.append(f"  low confidence, check first: {', '.join(low) if low else '—'}")
    for p in draft.get("places") or []:
        match = p["match"]
        lines.append(f"  named place “{p['name']}”: " + (f"{match['kind']} match {match['name']} ({match['dataset']} "
                                                        f"{match['id']}), for a reviewer to accept" if match
                                                        else "no gazetteer entry"))
    for k, c in enumerate(draft["commitments"], 1):
        places = [f"“{p}” (named place)" for p in c.get("places") or []]
        extra = [f"areas: {', '.join(c['areas'] + places) or 'whole municipality'}", f"responsible: {c['responsible']}"]
        if c["method"]:
            extra.append(f"method: {c['method']}")
        if c["target"]:
            extra.append(f"target: {c['target']['text']}")
        lines.append(f"  {k}. {c['text']}")
        lines.append(f"     [{'; '.join(extra)}]")
    return lines


@click.command("import-promise")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show the account and the drafts; write nothing.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"promises": [...]} with every field, its confidence and source span; write nothing.')
@click.option("--user", "username", default="kommandorad", show_default=True,
              help="Recorded in the audit log as the importer.")
@with_appcontext
def import_promise_command(file, dry_run, as_json, username):
    """Read a promise document (text, HTML or PDF) and store its drafts as unpublished promises.

    Example: flask --app mapapp import-promise medborgarlofte.pdf --dry-run --json
    """
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise refused(f"{file}: cannot read the file ({exc.strerror or type(exc).__name__})") from None
    if as_json:
        try:
            result = read_document(data, path.name, current_app.config["GEODATA_DIR"])
        except (UnreadableDocument, Refused) as err:
            raise refused(f"{path.name}: {getattr(err, 'message', None) or err}") from None
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    with session_factory()() as session:
        known = area_store.known_areas(session)
    result = draft_document(data, path.name, known, current_app.config["GEODATA_DIR"])
    if result.unreadable:
        raise refused(f"{path.name}: {result.unreadable}")
    if dry_run or result.drafts:
        for line in result.account:
            click.echo(line)
        for n, draft in enumerate(result.drafts, 1):
            click.echo("\n".join(format_draft(n, draft)))
    if not result.drafts:
        raise refused(f"{path.name}: no draft — the document states no commitments of its own"
                      + ("" if dry_run else " (use --dry-run to see what was found)"))
    if dry_run:
        click.echo("dry run: nothing written")
        return
    try:
        with session_factory()() as session:
            done = draft_store.store_import(session, result.drafts, username, all_or_nothing=True)
    except MapappError as err:
        raise refused(err.message) from None
    click.echo(f"stored {len(done['stored'])} unpublished draft(s): "
               + ", ".join(s["slug"] for s in done["stored"]))


def _truth_options(command):
    for option, (key, direction) in reversed(THRESHOLDS.items()):
        kind = int if direction == "max" else float
        command = click.option("--" + option.replace("_", "-"), option, type=kind, default=None,
                               help=f"Fail (exit 1) when {key} is {'above' if direction == 'max' else 'below'} this.")(command)
    return command


@click.command("compare-imports")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Folder with the curated data files (default: the app's geodata/).")
@click.option("--truth", "truth_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="A labelled truth.json: score every field per document and overall instead.")
@click.option("--skip", multiple=True, help="A file of the truth to leave out (repeatable).")
@_truth_options
@with_appcontext
def compare_imports_command(directory, data_dir, truth_file, skip, **limits):
    """Import every file in DIRECTORY and compare the drafts with the curated promises, field by field.

    Example: flask --app mapapp compare-imports ../shared/seeds
    Example: flask --app mapapp compare-imports tests/data/import-corpus --truth tests/data/import-corpus/truth.json
    """
    if truth_file:
        truth = json.loads(Path(truth_file).read_text(encoding="utf-8"))
        geodata = data_dir or current_app.config["GEODATA_DIR"]
        docs, overall, problems = compare_directory(
            directory, truth, lambda data, name: read_document(data, name, geodata), skip)
        click.echo(format_report(docs, overall), nl=False)
        for line in problems:
            click.echo(f"  problem: {line}")
        missed = failures(overall, limits)
        if missed:
            raise refused("below the thresholds: " + "; ".join(missed))
        return
    from ..store import dataset
    data_dir = data_dir or current_app.config["GEODATA_DIR"]
    try:
        ds = dataset.load(Path(data_dir))
    except MapappError as err:
        raise refused(err.message) from None
    known, geodata = known_areas_from_dataset(ds), str(Path(data_dir).resolve())
    rows = []
    for path in sorted(p for p in Path(directory).iterdir() if p.is_file() and not p.name.startswith(".")):
        result = draft_document(path.read_bytes(), path.name, known, geodata)
        rows += compare_document(path.name, result.drafts, ds.promises)
    click.echo(format_table(rows), nl=False)
    checked = [r for r in rows if r.ok is not None]
    click.echo(f"{sum(1 for r in checked if r.ok)} of {len(checked)} checked fields match "
               f"(commitments by similarity ≥ 0.9 on case/space/punctuation-normalised text; "
               f"“(info)” rows are not counted).")
