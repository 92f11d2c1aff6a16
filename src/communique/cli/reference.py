"""The command reference, docs/reference.md, written from every command's own `--help`, so that
the reference cannot drift from the commands (tests/test_docs.py fails when it differs).

    python -m communique.cli.reference > docs/reference.md
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click

from communique.cli import main

WIDTH = 100
"""Columns the help is wrapped to, whatever the terminal, so that the file is the same
wherever it is written."""

REGENERATE = "python -m communique.cli.reference > docs/reference.md"


def _contexts(ctx: click.Context) -> Iterator[click.Context]:
    """The context of `ctx`'s command and of every subcommand below it, in name order."""
    yield ctx
    command = ctx.command
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from _contexts(click.Context(sub, info_name=name, parent=ctx))


def reference() -> str:
    """docs/reference.md: a heading and the `--help` of every command and subcommand."""
    root = click.Context(
        main,
        info_name="communique",
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        **main.context_settings,
    )
    contexts = list(_contexts(root))
    lines = [
        "# Command reference",
        "",
        "The `--help` of every command, as the commands print it. This file is generated from",
        "them: do not edit it, run",
        "",
        f"    {REGENERATE}",
        "",
        "(a test fails when it differs from the commands). The [command guide](guide.md)",
        "explains the same commands by task, with examples and what they print.",
        "",
    ]
    lines += [f"- [`{ctx.command_path}`](#{_anchor(ctx.command_path)})" for ctx in contexts]
    for ctx in contexts:
        lines += ["", f"## `{ctx.command_path}`", "", "```text", ctx.get_help(), "```"]
    return "\n".join(lines) + "\n"


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading made of a command path in backquotes."""
    return heading.lower().replace(" ", "-")


if __name__ == "__main__":
    sys.stdout.write(reference())
