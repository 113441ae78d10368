"""gridconnect files: the uploaded-document store."""

from __future__ import annotations

import typer
from rich.progress import Progress

from gridconnect.commands.context import cli_services
from gridconnect.services.file_sweep import DEFAULT_GRACE_SECONDS, missing_files, sweep_files

files_app = typer.Typer(help="The uploaded-document store.", no_args_is_help=True)


@files_app.command("sweep")
def sweep(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count, but remove nothing."),
    grace: float = typer.Option(
        DEFAULT_GRACE_SECONDS,
        "--grace",
        min=0,
        help="Seconds a file must be untouched before it may go (protects running uploads).",
    ),
) -> None:
    """Remove files no document references and leftover temporaries; report lost files."""
    with cli_services() as svc:
        store, engine = svc.files, svc.engine
        with Progress(transient=True) as bar:
            task = bar.add_task("sweeping", total=store.folder_count())
            result = sweep_files(
                engine, store, grace, dry_run, progress=lambda n: bar.advance(task, n)
            )
        missing = missing_files(engine, store)
    verb = "would remove" if dry_run else "removed"
    typer.echo(
        f"{verb} {result.orphans} unreferenced file(s) ({result.orphan_bytes} bytes) and "
        f"{result.temporaries} temporary file(s) ({result.temporary_bytes} bytes); "
        f"kept {result.kept} ({result.kept_bytes} bytes), {result.young} younger than "
        f"{grace:g} s; missing {len(missing)}"
    )
    for name in missing:
        typer.echo(f"missing: {name} is referenced by a document but not stored", err=True)
    if missing:
        raise typer.Exit(1)
