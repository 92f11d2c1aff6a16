"""`communique serve`: the database in Datasette, on this machine only."""

from __future__ import annotations

import click

from communique.cli.context import AppContext

__all__ = ["serve"]

_LOOPBACK = "127.0.0.1"
_WHERE = frozenset(["-h", "--host", "-p", "--port", "--uds"])
"""Datasette's options for where it listens, which `serve` decides."""


@click.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8001,
    show_default=True,
    help="Port on 127.0.0.1 to serve on.",
)
@click.argument("datasette_options", nargs=-1, type=click.UNPROCESSED)
@click.pass_obj
def serve(app: AppContext, port: int, datasette_options: tuple[str, ...]) -> None:
    """Open the database in Datasette at http://127.0.0.1:PORT/, with every table, view and
    column explained, facets, search, canned queries, and a page per article
    (/DB/-/article/ID) that shows each point with its holders. Needs the web extra:
    pip install 'communique[web]'. Options after -- go to `datasette serve` as they are.

    \b
    Example:
        communique serve
        communique serve --port 8080 -- --setting sql_time_limit_ms 5000
    """
    import importlib.util
    import socket

    for option in datasette_options:
        if option.split("=", 1)[0] in _WHERE:
            raise click.UsageError(
                f"{option}: `communique serve` listens on {_LOOPBACK} only (--port chooses"
                " the port); docs/web.md says how to publish a read-only copy"
            )
    if importlib.util.find_spec("datasette") is None:
        raise click.ClickException(
            "Datasette is not installed; install the web extra: pip install 'communique[web]'"
        )
    if not app.database.exists():
        raise click.ClickException(f"no database at {app.database}; `communique seed` makes one")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((_LOOPBACK, port))
        except OSError as error:
            raise click.ClickException(
                f"cannot listen on {_LOOPBACK}:{port} ({error.strerror or error});"
                " choose another port with --port"
            ) from None
    app.prepare()
    from datasette.cli import cli as datasette

    app.notice(f"serving {app.database} at http://{_LOOPBACK}:{port}/ (Ctrl-C stops)")
    datasette.main(
        ["serve", str(app.database), "--host", _LOOPBACK, "--port", str(port), *datasette_options],
        # What it says of the options after -- is said of `datasette serve`'s own.
        prog_name="datasette",
        standalone_mode=False,
    )
