"""The `import-promise` and `compare-imports` commands."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.errors import MapappError
from ..importer import import_document, known_areas_from_dataset
from ..importer.compare import compare_document, format_table
from ..importer.lexicon import vocabulary
from ..store import areas as area_store
from ..store import drafts as draft_store
from ..store.db import session_factory


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
    for k, c in enumerate(draft["commitments"], 1):
        extra = [f"areas: {', '.join(c['areas']) or 'whole municipality'}", f"responsible: {c['responsible']}"]
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
@click.option("--user", "username", default="kommandorad", show_default=True,
              help="Recorded in the audit log as the importer.")
@with_appcontext
def import_promise_command(file, dry_run, username):
    """Read a promise document (text, HTML or PDF) and store its drafts as unpublished promises.

    Example: flask --app mapapp import-promise medborgarlofte.pdf --dry-run
    """
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot read the file ({exc.strerror or type(exc).__name__})") from None
    with session_factory()() as session:
        known = area_store.known_areas(session)
    result = import_document(data, path.name, known, vocabulary(current_app.config["GEODATA_DIR"]))
    if result.unreadable:
        raise click.ClickException(f"{path.name}: {result.unreadable}")
    if dry_run or result.drafts:
        for line in result.account:
            click.echo(line)
        for n, draft in enumerate(result.drafts, 1):
            click.echo("\n".join(format_draft(n, draft)))
    if not result.drafts:
        raise click.ClickException(f"{path.name}: no draft — the document states no commitments of its own"
                                   + ("" if dry_run else " (use --dry-run to see what was found)"))
    if dry_run:
        click.echo("dry run: nothing written")
        return
    try:
        with session_factory()() as session:
            done = draft_store.store_import(session, result.drafts, username, all_or_nothing=True)
    except MapappError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"stored {len(done['stored'])} unpublished draft(s): "
               + ", ".join(s["slug"] for s in done["stored"]))


@click.command("compare-imports")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="Folder with the curated data files (default: the app's geodata/).")
@with_appcontext
def compare_imports_command(directory, data_dir):
    """Import every file in DIRECTORY and compare the drafts with the curated promises, field by field.

    Example: flask --app mapapp compare-imports ../shared/seeds
    """
    from ..store import dataset
    data_dir = data_dir or current_app.config["GEODATA_DIR"]
    try:
        ds = dataset.load(Path(data_dir))
    except MapappError as err:
        raise click.ClickException(err.message) from None
    known, vocab = known_areas_from_dataset(ds), vocabulary(str(Path(data_dir).resolve()))
    rows = []
    for path in sorted(p for p in Path(directory).iterdir() if p.is_file() and not p.name.startswith(".")):
        result = import_document(path.read_bytes(), path.name, known, vocab)
        rows += compare_document(path.name, result.drafts, ds.promises)
    click.echo(format_table(rows), nl=False)
    checked = [r for r in rows if r.ok is not None]
    click.echo(f"{sum(1 for r in checked if r.ok)} of {len(checked)} checked fields match "
               f"(commitments by similarity ≥ 0.9 on case/space/punctuation-normalised text; "
               f"“(info)” rows are not counted).")
